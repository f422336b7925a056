"""The record every tool parser produces: a backup destination, classified by where it lives.

``Target.kind`` is ``s3`` (an object-storage bucket), ``host`` (another machine reached over
SSH, rsync, NFS, a REST server…), ``local`` (a path on this very host) or ``remote`` (a
named remote that must be resolved, e.g. ``rclone:NAME:path``). All strings are redacted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from drcheck.probes.ssh.secrets import redact_url

_PROVIDER_BACKENDS = {
    "b2": "backblaze-b2",
    "gs": "gcp",
    "azure": "azure",
    "swift": "openstack",
}
RECORD = "record"  # a restore point's time from the tool's own record
PROXY = "proxy"  # a time that only shows a job ran or a repository was written
_SCP_LIKE = re.compile(r"^(?:(?P<user>[^@/\s:]+)@)?(?P<host>\[[^\]]+\]|[^:/\s@]+):(?P<path>.*)$")


@dataclass(frozen=True)
class Target:
    """A backup destination found in a configuration file or a command line."""

    tool: str
    kind: str
    url: str
    origin: str
    bucket: str | None = None
    endpoint: str | None = None
    region: str | None = None
    provider: str | None = None
    prefix: str | None = None
    host: str | None = None
    path: str | None = None
    remote: str | None = None
    sources: tuple[str, ...] = ()
    encrypted: bool | None = None
    schedule: str | None = None
    label: str | None = None
    last_run: str | None = None
    last_run_origin: str | None = None
    last_run_basis: str | None = None  # RECORD or PROXY
    retention_days: int | None = None
    stanzas: tuple[str, ...] = ()
    action: str | None = None
    config_file: str | None = None  # the rclone.conf a job names (--config, RCLONE_CONFIG)
    verified: str | None = None
    verified_origin: str | None = None
    restore_tested: str | None = None
    restore_tested_origin: str | None = None

    def key(self) -> tuple[str | None, ...]:
        """What makes two findings the same destination (to merge duplicates)."""
        return (self.tool.replace("borgmatic", "borg"), self.kind, self.bucket, self.endpoint,
                self.host, self.path, self.remote, self.prefix)

    def as_detail(self) -> dict[str, object]:
        """JSON-safe form for report details (every string already redacted)."""
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def with_(self, **changes: object) -> Target:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def split_bucket_path(path: str) -> tuple[str, str | None]:
    """``bucket/some/prefix`` → (``bucket``, ``some/prefix``)."""
    bucket, _, prefix = path.strip("/").partition("/")
    return bucket, prefix or None


def s3_target(tool: str, spec: str, origin: str, **extra: object) -> Target:
    """A target for ``https://endpoint/bucket/prefix`` or ``endpoint/bucket/prefix``."""
    text = spec if "://" in spec else f"https://{spec}"
    parts = urlsplit(text)
    bucket, prefix = split_bucket_path(parts.path)
    endpoint = parts.hostname or None
    if endpoint and parts.port:
        endpoint = f"{endpoint}:{parts.port}"
    scheme = parts.scheme if "://" in spec else "https"
    return Target(
        tool=tool,
        kind="s3",
        url=redact_url(spec),
        origin=origin,
        bucket=bucket or None,
        endpoint=f"{scheme}://{endpoint}" if endpoint else None,
        prefix=prefix,
        **extra,  # type: ignore[arg-type]
    )


def host_path_target(tool: str, spec: str, origin: str) -> Target | None:
    """``[user@]host:path`` (scp/rsync/borg style) → a host target, or None if not that form."""
    if spec.startswith(("/", ".", "~")) or "://" in spec:
        return None
    match = _SCP_LIKE.match(spec)
    if not match:
        return None
    host = match["host"].strip("[]")
    path = match["path"]
    if path.startswith(":"):  # rsync daemon module host::module
        path = path[1:]
    return Target(tool=tool, kind="host", url=redact_url(spec), origin=origin, host=host,
                  path=path or None)


def url_host_target(tool: str, spec: str, origin: str) -> Target:
    """``scheme://[user[:pw]@]host[:port]/path`` → a host target."""
    parts = urlsplit(spec)
    path = parts.path
    if path.startswith("//"):
        path = path[1:]
    return Target(tool=tool, kind="host", url=redact_url(spec), origin=origin,
                  host=parts.hostname or None, path=path or None)


def local_target(tool: str, path: str, origin: str) -> Target:
    """A path on the probed host itself."""
    return Target(tool=tool, kind="local", url=path, origin=origin, path=path)


def restic_repository(spec: str, origin: str, tool: str = "restic") -> Target | None:
    """Classify a restic repository string (``s3:``, ``sftp:``, ``rest:``, ``rclone:``, …)."""
    spec = spec.strip().strip("\"'")
    if not spec:
        return None
    backend, sep, rest = spec.partition(":")
    if not sep or spec.startswith("/"):
        return local_target(tool, spec, origin)
    if backend == "s3":
        return s3_target(tool, rest, origin).with_(url=redact_url(spec))
    if backend == "sftp":
        if rest.startswith("//"):
            return url_host_target(tool, "sftp:" + rest, origin)
        return host_path_target(tool, rest, origin)
    if backend == "rest":
        return url_host_target(tool, rest, origin).with_(url=redact_url(spec))
    if backend == "rclone":
        remote, _, path = rest.partition(":")
        return Target(tool=tool, kind="remote", url=redact_url(spec), origin=origin,
                      remote=remote, path=path or None)
    if backend in _PROVIDER_BACKENDS:
        bucket, _, path = rest.partition(":")
        prefix = path.strip("/") or None
        return Target(tool=tool, kind="s3", url=redact_url(spec), origin=origin, bucket=bucket,
                      prefix=prefix, provider=_PROVIDER_BACKENDS[backend])
    if backend == "local":
        return local_target(tool, rest, origin)
    return host_path_target(tool, spec, origin)


def borg_repository(spec: str, origin: str, tool: str = "borg") -> Target | None:
    """Classify a borg repository (``ssh://user@host:port/path``, ``user@host:path``, a path)."""
    spec = spec.strip().strip("\"'")
    if not spec:
        return None
    if spec.startswith("ssh://"):
        return url_host_target(tool, spec, origin)
    if spec.startswith("file://"):
        return local_target(tool, spec[len("file://"):], origin)
    found = host_path_target(tool, spec, origin)
    return found or local_target(tool, spec, origin)
