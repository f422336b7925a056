"""borg and borgmatic: repositories, sources, retention and encryption from borgmatic YAML."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from drcheck.probes.ssh.parsers import ConfigSyntaxError
from drcheck.probes.ssh.parsers.targets import Target, borg_repository

_KEEP_DAYS = {"keep_daily": 1, "keep_weekly": 7, "keep_monthly": 30, "keep_yearly": 365}


def load_yaml(text: str) -> Mapping[str, Any]:
    """A YAML mapping, safely loaded; anything else raises ConfigSyntaxError."""
    try:
        data = YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        raise ConfigSyntaxError(f"not valid YAML: {type(exc).__name__}") from None
    if not isinstance(data, Mapping):
        raise ConfigSyntaxError("not a YAML mapping")
    return data


def borgmatic_targets(text: str, origin: str) -> list[Target]:
    """Every repository a borgmatic configuration backs up to."""
    data = load_yaml(text)
    merged = _merged(data, "location", "storage")
    sources = [str(s) for s in merged.get("source_directories") or []]
    encrypted = any(k in merged for k in ("encryption_passphrase", "encryption_passcommand"))
    out: list[Target] = []
    for repo in merged.get("repositories") or []:
        path, label = _repo_path(repo)
        found = borg_repository(path, origin, tool="borgmatic") if path else None
        if found is None:
            continue
        out.append(found.with_(label=label, sources=tuple(sources),
                               encrypted=True if encrypted else None))
    return out


def retention_days(text: str) -> int | None:
    """The longest retention the ``keep_*`` options imply, in days."""
    data = load_yaml(text)
    merged = _merged(data, "retention")
    spans = [int(merged[k]) * days for k, days in _KEEP_DAYS.items()
             if isinstance(merged.get(k), int)]
    return max(spans) if spans else None


def sources(text: str) -> list[str]:
    """The source directories a borgmatic configuration backs up."""
    data = load_yaml(text)
    return [str(s) for s in _merged(data, "location").get("source_directories") or []]


def _merged(data: Mapping[str, Any], *sections: str) -> dict[str, Any]:
    """Top-level options plus those of old-style sections (``location:``, ``storage:``)."""
    merged: dict[str, Any] = {}
    for name in sections:
        section = data.get(name)
        if isinstance(section, Mapping):
            merged.update(section)
    merged.update(data)
    return merged


def _repo_path(repo: object) -> tuple[str | None, str | None]:
    if isinstance(repo, str):
        return repo, None
    if isinstance(repo, Mapping) and isinstance(repo.get("path"), str):
        label = repo.get("label")
        return str(repo["path"]), str(label) if label else None
    return None, None


def target_from_env(env: Mapping[str, str], origin: str) -> Target | None:
    """The repository named by ``BORG_REPO`` in an environment."""
    value = env.get("BORG_REPO")
    return borg_repository(value, origin) if value else None


def manifest_timestamp(text: str) -> str:
    """The manifest time borg stores in its client security dir, as ``…Z`` UTC.

    borg 1.1+ keeps ``SECURITY_DIR/REPO_ID/manifest-timestamp`` (an ISO time, UTC, no zone)
    to detect rolled-back repositories; it changes when the archive list changes (create,
    prune, delete, rename), not when the repository is only read (list, check, info).
    """
    value = text.strip().split(".", 1)[0]
    if len(value) != 19 or value[10] != "T":
        raise ConfigSyntaxError("not a borg manifest-timestamp")
    return value + "Z"
