"""rclone: remotes from rclone.conf (type, provider, endpoint, region; credentials dropped)."""

from __future__ import annotations

import configparser
from collections.abc import Mapping
from dataclasses import dataclass

from drcheck.probes.ssh.parsers import ConfigSyntaxError
from drcheck.probes.ssh.parsers.targets import Target, s3_target, split_bucket_path
from drcheck.probes.ssh.secrets import redact_url

_KEPT = ("type", "provider", "endpoint", "region", "location_constraint", "host", "remote",
         "bucket", "storage_class", "server_side_encryption")
_OBJECT_STORES = {"s3": None, "b2": "backblaze-b2", "gcs": "gcp", "azureblob": "azure",
                  "swift": "openstack"}


@dataclass(frozen=True)
class Remote:
    """An rclone remote, with only its non-secret settings."""

    name: str
    settings: Mapping[str, str]
    origin: str

    @property
    def type(self) -> str:
        """The backend type (``s3``, ``sftp``, ``crypt``…)."""
        return self.settings.get("type", "")


def parse_conf(text: str, origin: str) -> dict[str, Remote]:
    """Every remote in an rclone.conf; keys that are not in a fixed allow-list are dropped."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise ConfigSyntaxError(f"not an rclone.conf: {type(exc).__name__}") from None
    remotes: dict[str, Remote] = {}
    for name in parser.sections():
        section = parser[name]
        kept = {k: redact_url(section[k]) for k in _KEPT if section.get(k)}
        remotes[name] = Remote(name=name, settings=kept, origin=f"{origin}[{name}]")
    return remotes


def resolve(target: Target, remotes: Mapping[str, Remote], depth: int = 0) -> Target:
    """Turn a ``remote:path`` target into an S3, host or local target via its remote."""
    remote = remotes.get(target.remote or "")
    if remote is None or depth > 4:
        return target
    path = target.path or ""
    kind = remote.type
    if kind in ("crypt", "chunker", "compress", "hasher") and remote.settings.get("remote"):
        inner_name, _, inner_path = remote.settings["remote"].partition(":")
        joined = "/".join(p for p in (inner_path.strip("/"), path.strip("/")) if p)
        inner = target.with_(remote=inner_name, path=joined,
                             encrypted=True if kind == "crypt" else target.encrypted)
        return resolve(inner, remotes, depth + 1)
    if kind in _OBJECT_STORES:
        return _object_store(target, remote, path)
    if kind in ("sftp", "ftp", "smb", "webdav"):
        return target.with_(kind="host", host=remote.settings.get("host"), path=path or None)
    if kind == "local":
        return target.with_(kind="local", path=path or None)
    return target


def _object_store(target: Target, remote: Remote, path: str) -> Target:
    bucket, prefix = split_bucket_path(path)
    endpoint = remote.settings.get("endpoint")
    provider = remote.settings.get("provider") or _OBJECT_STORES[remote.type]
    region = remote.settings.get("region") or remote.settings.get("location_constraint")
    if endpoint:
        found = s3_target(target.tool, f"{endpoint.rstrip('/')}/{path.lstrip('/')}",
                          target.origin)
        return found.with_(url=target.url, provider=provider, region=region,
                           sources=target.sources, encrypted=target.encrypted,
                           schedule=target.schedule, remote=remote.name)
    return target.with_(kind="s3", bucket=bucket or None, prefix=prefix, provider=provider,
                        region=region)


def describe(remotes: Mapping[str, Remote]) -> list[dict[str, str]]:
    """JSON-safe details of every remote (name, type, provider, endpoint, region)."""
    return [{"name": r.name, **r.settings} for r in remotes.values()]


_PROVIDER_IDS = {
    "aws": "aws", "ovhcloud": "ovh", "ovh": "ovh", "scaleway": "scaleway", "wasabi": "wasabi",
    "digitalocean": "digitalocean", "ionos": "ionos", "cloudflare": "cloudflare-r2",
    "linode": "linode-akamai", "hetzner": "hetzner", "exoscale": "exoscale",
    "gcs": "gcp", "backblaze-b2": "backblaze-b2", "gcp": "gcp", "azure": "azure",
}


def provider_id(name: str | None) -> str | None:
    """rclone's provider name (``OVHcloud``) as a catalog provider id (``ovh``), if known."""
    if not name:
        return None
    return _PROVIDER_IDS.get(name.lower())
