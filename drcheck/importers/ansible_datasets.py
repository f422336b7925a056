"""Datasets declared in the inventory itself: the ``drcheck_datasets`` variable.

Set on a host (or a group, for every host in it), so the fleet needs no second file::

    drcheck_datasets:
      - name: "pg-{{ inventory_hostname }}"
        path: /var/lib/postgresql
        criticality: high
        labels: {engine: postgres}
        copies:
          - {host: vault, path: "/srv/backup/{{ inventory_hostname }}"}

The host carrying the variable holds the primary; copies name other inventory hosts. Only
``{{ inventory_hostname }}`` is expanded (no other Jinja). Copies the SSH probe discovers
(restic, borg, rclone, pgBackRest repositories) are added at audit time without declaring.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from drcheck.inputs.estate import CRITICALITIES, DatasetSpec, ReplicaSpec
from drcheck.shared.errors import ConfigError, Problem

VARIABLE = "drcheck_datasets"
_HOSTNAME = re.compile(r"\{\{\s*inventory_hostname\s*\}\}")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@/-]*$")


def _problem(origin: str, message: str) -> ConfigError:
    file, _, line = origin.rpartition(":")
    return ConfigError([Problem(file or origin, int(line) if line.isdigit() else None, None,
                                VARIABLE, message)])


def _text(value: Any, host: str) -> str:
    return _HOSTNAME.sub(host, str(value))


def _copy(raw: Any, host: str, hosts: Mapping[str, str], origin: str) -> ReplicaSpec:
    if not isinstance(raw, dict) or not isinstance(raw.get("host"), str):
        raise _problem(origin, f"host {host}: each copy needs `host: NAME` (an inventory host)")
    target = _text(raw["host"], host)
    if target not in hosts:
        raise _problem(origin, f"host {host}: copy host {target!r} is not in the inventory")
    path = _text(raw["path"], host) if raw.get("path") is not None else None
    name = f"{hosts[target]}:{path}" if path else hosts[target]
    return ReplicaSpec(name=name, asset_id=f"host:{hosts[target]}", origin=origin, path=path)


def _dataset(raw: Any, host: str, hosts: Mapping[str, str], origin: str) -> DatasetSpec:
    if not isinstance(raw, dict) or not raw.get("name"):
        raise _problem(origin, f"host {host}: each dataset needs a name")
    criticality = str(raw.get("criticality", "medium"))
    if criticality not in CRITICALITIES:
        raise _problem(origin, f"host {host}: criticality {criticality!r} is not one of "
                       + ", ".join(CRITICALITIES))
    path = _text(raw["path"], host) if raw.get("path") is not None else None
    copies = raw.get("copies") or []
    if not isinstance(copies, list):
        raise _problem(origin, f"host {host}: copies must be a list")
    labels = raw.get("labels") or {}
    name = _text(raw["name"], host)
    if not _NAME.match(name):
        raise _problem(origin, f"host {host}: dataset name {name!r} must be letters, digits "
                       "and _.:@/- (starting with a letter or digit)")
    return DatasetSpec(
        name=name,
        primary=ReplicaSpec(name="primary", asset_id=f"host:{hosts[host]}", origin=origin,
                            path=path),
        copies=tuple(_copy(c, host, hosts, origin) for c in copies),
        origin=origin,
        labels={str(k): _text(v, host) for k, v in labels.items()}
        if isinstance(labels, dict) else {},
        criticality=criticality,
    )


def inventory_datasets(declared: Mapping[str, tuple[Any, str]],
                       hosts: Mapping[str, str]) -> tuple[DatasetSpec, ...]:
    """Datasets from each host's ``drcheck_datasets`` (host → (value, origin)).

    ``hosts`` maps inventory names to estate host names. A dataset name used twice (a group
    variable without ``{{ inventory_hostname }}``) is an error naming both places.
    """
    out: dict[str, DatasetSpec] = {}
    for host, (value, origin) in declared.items():
        if not isinstance(value, list):
            raise _problem(origin, f"host {host}: {VARIABLE} must be a list of datasets")
        for raw in value:
            spec = _dataset(raw, host, hosts, origin)
            if spec.name in out:
                raise _problem(origin, f"dataset {spec.name!r} is declared for "
                               f"{out[spec.name].primary.asset_id} and host:{hosts[host]}; "
                               "put {{ inventory_hostname }} in its name")
            out[spec.name] = spec
    return tuple(out.values())
