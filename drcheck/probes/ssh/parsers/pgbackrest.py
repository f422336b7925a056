"""pgBackRest: every ``repoN`` (type, S3 endpoint, bucket, region, path, host, cipher)."""

from __future__ import annotations

import configparser
import json
import re

from drcheck.probes.ssh.parsers import ConfigSyntaxError
from drcheck.probes.ssh.parsers.targets import Target, local_target
from drcheck.probes.ssh.secrets import redact_url

_REPO_KEY = re.compile(r"^repo(?P<n>\d*)-(?P<opt>[a-z0-9-]+)$")
_KEPT = ("type", "path", "host", "s3-endpoint", "s3-bucket", "s3-region", "s3-uri-style",
         "cipher-type", "retention-full", "retention-full-type", "gcs-bucket", "azure-container")


def parse_conf(text: str) -> dict[str, dict[str, str]]:
    """Non-secret repo options per repository number (``"1"``, ``"2"``…), from every section."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise ConfigSyntaxError(f"not a pgbackrest.conf: {type(exc).__name__}") from None
    repos: dict[str, dict[str, str]] = {}
    for section in parser.sections():
        for key, value in parser[section].items():
            match = _REPO_KEY.match(key)
            if match and match["opt"] in _KEPT:
                repos.setdefault(match["n"] or "1", {})[match["opt"]] = redact_url(value)
    return repos


def targets(text: str, origin: str) -> list[Target]:
    """One target per configured repository, limited to the cluster's data directory."""
    out: list[Target] = []
    source = cluster_path(text)
    for number, opts in sorted(parse_conf(text).items()):
        found = _target(opts, f"{origin}:repo{number}")
        if found is not None:
            encrypted = opts.get("cipher-type", "none") != "none"
            out.append(found.with_(encrypted=encrypted, label=f"repo{number}",
                                   sources=(source,) if source else ()))
    return out


def cluster_path(text: str) -> str | None:
    """The one ``pgN-path`` of the stanzas (None when there are several or none)."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    paths = {v for s in parser.sections() for k, v in parser[s].items()
             if re.match(r"^pg\d*-path$", k)}
    return paths.pop() if len(paths) == 1 else None


def stanzas(text: str) -> tuple[str, ...]:
    """The stanza sections (every section but ``global`` and ``global:COMMAND``)."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return ()
    return tuple(s for s in parser.sections() if s.split(":", 1)[0] != "global"
                 and ":" not in s)


def config_files(explicit: str | None, config_path: str | None) -> tuple[str, ...]:
    """The main config file pgBackRest 2.x loads, in the order it tries them.

    ``--config`` alone is read when given; else ``--config-path``/pgbackrest.conf; else
    ``/etc/pgbackrest/pgbackrest.conf`` and, only when that file does not exist, the pre-2.02
    default ``/etc/pgbackrest.conf`` (pgBackRest user guide, "Upgrading pgBackRest").
    """
    if explicit:
        return (explicit,)
    if config_path:
        return (f"{config_path.rstrip('/')}/pgbackrest.conf",)
    return ("/etc/pgbackrest/pgbackrest.conf", "/etc/pgbackrest.conf")


def include_dir(explicit: str | None, config_path: str | None) -> str:
    """``--config-include-path`` (default ``CONFIG-PATH/conf.d``, i.e. /etc/pgbackrest/conf.d)."""
    if explicit:
        return explicit
    return f"{(config_path or '/etc/pgbackrest').rstrip('/')}/conf.d"


def newest_backup(info: str) -> tuple[str, int, int] | None:
    """(label, start, stop) of the backup that stopped last, from a ``backup.info`` file.

    ``backup.info`` is pgBackRest's own record of the stanza's backups: an INI file whose
    ``[backup:current]`` section maps each backup label to a JSON object with
    ``backup-timestamp-start`` and ``backup-timestamp-stop`` (Unix seconds).
    """
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(info)
    except configparser.Error as exc:
        raise ConfigSyntaxError(f"not a backup.info: {type(exc).__name__}") from None
    if not parser.has_section("backrest"):
        raise ConfigSyntaxError("not a backup.info: no [backrest] section")
    best: tuple[str, int, int] | None = None
    if not parser.has_section("backup:current"):
        return None
    for label, raw in parser["backup:current"].items():
        record = json.loads(raw)
        if not isinstance(record, dict) or record.get("backup-error") is True:
            continue
        start, stop = record.get("backup-timestamp-start"), record.get("backup-timestamp-stop")
        if isinstance(stop, int) and isinstance(start, int) and (best is None or stop > best[2]):
            best = (label, start, stop)
    return best


def retention(text: str) -> dict[str, str]:
    """Per-repository retention settings, for details."""
    return {n: o["retention-full"] for n, o in parse_conf(text).items() if "retention-full" in o}


def _target(opts: dict[str, str], origin: str) -> Target | None:
    kind = opts.get("type", "posix")
    path = opts.get("path", "/var/lib/pgbackrest")
    if kind == "s3":
        endpoint = opts.get("s3-endpoint")
        if endpoint and "://" not in endpoint:
            endpoint = f"https://{endpoint}"
        bucket = opts.get("s3-bucket")
        return Target(tool="pgbackrest", kind="s3", url=f"s3://{bucket}{path}", origin=origin,
                      bucket=bucket, endpoint=endpoint, region=opts.get("s3-region"),
                      prefix=path.strip("/") or None)
    if kind in ("gcs", "azure"):
        bucket = opts.get("gcs-bucket") or opts.get("azure-container")
        return Target(tool="pgbackrest", kind="s3", url=f"{kind}://{bucket}{path}", origin=origin,
                      bucket=bucket, provider="gcp" if kind == "gcs" else "azure",
                      prefix=path.strip("/") or None)
    if opts.get("host"):
        return Target(tool="pgbackrest", kind="host", url=f"{opts['host']}:{path}", origin=origin,
                      host=opts["host"], path=path)
    if kind in ("posix", "cifs"):
        return local_target("pgbackrest", path, origin)
    return None
