"""Hosts from an Ansible inventory: the fleet list for the SSH probe, without a second inventory.

Variables are merged the way Ansible ranks inventory sources (inventory-file group vars, then
``group_vars/`` files, then inventory host vars, then ``host_vars/`` files; groups by depth,
then name). Connection settings follow Ansible's ssh connection plugin, where the
``ansible_ssh_*`` spelling wins over the plain one (``ansible_ssh_host`` over ``ansible_host``,
``ansible_ssh_port`` over ``ansible_port``, ``ansible_ssh_user`` over ``ansible_user``,
``ansible_ssh_private_key_file`` over ``ansible_private_key_file``), plus a ProxyJump in
``ansible_ssh_common_args`` or ``ansible_ssh_extra_args``; location
from ``drcheck_provider``, ``drcheck_datacenter``, ``drcheck_campus``… and, where nothing is
declared, from hints in Ansible's JSON fact cache (system vendor, EC2 placement).
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from drcheck.importers.ansible_datasets import VARIABLE, inventory_datasets
from drcheck.importers.ansible_inventory import Inventory, Var, merge, parse_inventory
from drcheck.importers.mapping import ImportResult, apply_mapping, load_mapping
from drcheck.inputs.bounds import read_json, read_text, tree_problems
from drcheck.inputs.documents import parse_text
from drcheck.inputs.estate import LOCATION_FIELDS, DeclaredLocation, Estate, HostSpec
from drcheck.shared.errors import ConfigError, Problem

_VENDORS = (
    ("amazon", "aws"), ("google", "gcp"), ("microsoft", "azure"), ("digitalocean", "digitalocean"),
    ("hetzner", "hetzner"), ("scaleway", "scaleway"), ("ovh", "ovh"), ("exoscale", "exoscale"),
    ("linode", "linode-akamai"), ("akamai", "linode-akamai"),
)
_JUMP = re.compile(r"(?:-J\s*|ProxyJump[= ])([^\s'\"]+)")
_SAFE = re.compile(r"[^A-Za-z0-9_.:@/-]")


def _read(path: Path) -> str:
    """An inventory or variables file: a regular file within the input size cap."""
    return read_text(path)


_IGNORED = (".cfg", ".retry", ".md", ".txt", ".rst", ".orig", ".bak", ".swp", ".pyc", "~")


def load_inventory(path: Path, notes: list[str]) -> tuple[Inventory, Path]:
    """An inventory file, or every static inventory file of a directory, and the directory
    whose ``group_vars``/``host_vars`` apply."""
    if not path.is_dir():
        return parse_inventory(_read(path), str(path)), path.parent
    inv = Inventory(str(path))
    for item in sorted(path.iterdir()):
        if not item.is_file() or item.name.startswith(".") or item.name.endswith(_IGNORED):
            continue
        if os.access(item, os.X_OK):
            notes.append(f"{item}: executable (a dynamic inventory script), not run")
            continue
        merge(inv, parse_inventory(_read(item), str(item)))
    return inv, path


def _var_files(base: Path, name: str) -> list[Path]:
    """``group_vars/NAME``, ``NAME.yml``/``.yaml``/``.json``, or every file in ``NAME/``."""
    folder = base / name
    if folder.is_dir():
        return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    return [p for p in (base / name, *(base / f"{name}{ext}" for ext in (".yml", ".yaml",
                                                                         ".json")))
            if p.is_file()]


def load_var_files(base: Path, name: str, notes: list[str]) -> dict[str, Var]:
    """Variables of a group or host from a ``group_vars``/``host_vars`` directory."""
    out: dict[str, Var] = {}
    for path in _var_files(base, name):
        text = _read(path)
        if text.lstrip().startswith("$ANSIBLE_VAULT"):
            notes.append(f"{path}: vault-encrypted, not read")
            continue
        doc = parse_text(text, str(path))
        if isinstance(doc.data, dict):
            out.update({str(k): (v, doc.where((k,))) for k, v in doc.data.items()})
    return out


def _parents(inv: Inventory) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = {name: set() for name in inv.groups}
    for group in inv.groups.values():
        for child in group.children:
            parents.setdefault(child, set()).add(group.name)
    return parents


def host_groups(inv: Inventory, host: str) -> list[str]:
    """Every group ``host`` belongs to (ancestors included), ``all`` first, then by depth."""
    parents = _parents(inv)
    depth: dict[str, int] = {"all": 0}

    def depth_of(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name not in depth:
            ups = [p for p in parents.get(name, ()) if p not in seen and p != name]
            depth[name] = 1 + max((depth_of(p, seen | {name}) for p in ups), default=0)
        return depth[name]

    found = {g.name for g in inv.groups.values() if host in g.members}
    todo = list(found)
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    found.discard("all")
    return ["all", *sorted(found, key=lambda g: (depth_of(g), g))]


def host_vars(inv: Inventory, host: str, base: Path, notes: list[str],
              group_files: dict[str, dict[str, Var]] | None = None) -> dict[str, Var]:
    """The merged variables of one host, with the origin of each winning value.

    ``group_files`` memoises each group's ``group_vars`` files across the hosts of one
    import (a 10,000-host group reads its files once, not 10,000 times).
    """
    groups = host_groups(inv, host)
    files = {} if group_files is None else group_files
    merged: dict[str, Var] = {}
    for name in groups:
        merged.update(inv.groups[name].vars if name in inv.groups else {})
    for name in groups:
        if name not in files:
            files[name] = load_var_files(base / "group_vars", name, notes)
        merged.update(files[name])
    merged.update(inv.hosts[host][0])
    if (base / "host_vars").is_dir():
        merged.update(load_var_files(base / "host_vars", host, notes))
    return merged


def _fact_hints(facts: Mapping[str, Any]) -> dict[str, str]:
    """Location fields that a host's cached facts suggest."""
    facts = facts.get("ansible_facts", facts)
    hints: dict[str, str] = {}
    vendor = " ".join(str(facts.get(k) or "") for k in (
        "ansible_system_vendor", "ansible_product_name", "ansible_bios_vendor")).lower()
    provider = next((p for word, p in _VENDORS if word in vendor), None)
    if provider:
        hints["provider"] = provider
    region = facts.get("ansible_ec2_placement_region")
    if isinstance(region, str) and region:
        hints["provider"], hints["region"] = "aws", region
    return hints


def fact_cache_dir(base: Path) -> Path | None:
    """``fact_caching_connection`` of an ``ansible.cfg`` in the inventory's directory (or its
    parent), when the cache plugin is ``jsonfile``."""
    cfg = next((d / "ansible.cfg" for d in (base, base.parent) if (d / "ansible.cfg").is_file()),
               None)
    if cfg is None:
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(cfg, encoding="utf-8")
    except configparser.Error:
        return None
    if parser.get("defaults", "fact_caching", fallback="") != "jsonfile":
        return None
    conn = parser.get("defaults", "fact_caching_connection", fallback="")
    return (cfg.parent / os.path.expanduser(conn)) if conn else None


def read_facts(cache: Path | None, host: str) -> tuple[dict[str, Any], str] | None:
    """A host's cached facts and the file they came from, if the cache has them."""
    if cache is None:
        return None
    path = cache / host
    if not path.exists():
        return None
    try:
        data = read_json(path)
    except ConfigError:  # not JSON: the cache is a hint, not a source of truth
        return None
    return (data, str(path)) if isinstance(data, dict) else None


def _location(vars_: Mapping[str, Var], facts: tuple[dict[str, Any], str] | None) -> (
    DeclaredLocation | None
):
    declared = {f: vars_[f"drcheck_{f}"] for f in LOCATION_FIELDS if f"drcheck_{f}" in vars_}
    fields = {f: str(value) for f, (value, _) in declared.items()}
    origins = {f: origin for f, (_, origin) in declared.items()}
    coords, coords_origin = vars_.get("drcheck_coordinates", (None, ""))
    point = _point(coords, coords_origin) if coords is not None else None
    if facts is not None:
        for key, value in _fact_hints(facts[0]).items():
            if key not in fields:
                fields[key], origins[key] = value, f"{facts[1]} (fact cache)"
    if not fields and point is None:
        return None
    block = next(reversed(origins.values()), coords_origin)
    return DeclaredLocation(fields=fields, coordinates=point, origin=block,
                            field_origins=origins)


def _point(coords: Any, origin: str) -> tuple[float, float]:
    """``drcheck_coordinates`` as (lat, lon): finite numbers within ±90 and ±180, or exit 2."""
    ok = isinstance(coords, dict) and all(
        isinstance(coords.get(k), int | float) and not isinstance(coords.get(k), bool)
        for k in ("lat", "lon"))
    if ok:
        problems = tree_problems(coords, lambda path, message: _problem(origin, message))
        if not problems and abs(coords["lat"]) <= 90 and abs(coords["lon"]) <= 180:
            return float(coords["lat"]), float(coords["lon"])
    raise ConfigError([_problem(origin, f"drcheck_coordinates: expected {{lat: -90..90, "
                                f"lon: -180..180}} as finite numbers, got {coords!r:.80}")])


def _problem(origin: str, message: str) -> Problem:
    file, _, line = origin.rpartition(":")
    return Problem(file or origin, int(line) if line.isdigit() else None, None, "", message)


def _value(vars_: Mapping[str, Var], *keys: str) -> Any:
    for key in keys:
        if key in vars_ and vars_[key][0] not in (None, ""):
            return vars_[key][0]
    return None


def _port(vars_: Mapping[str, Var]) -> int | None:
    for key in ("ansible_ssh_port", "ansible_port"):
        if key in vars_ and vars_[key][0] not in (None, ""):
            value, origin = vars_[key]
            text = str(value)
            if not text.isdigit() or not 0 < int(text) < 65536:
                file, _, line = origin.rpartition(":")
                raise ConfigError([Problem(file or origin, int(line) if line.isdigit() else None,
                                           None, key, f"{value!r} is not a port number")])
            return int(text)
    return None


def host_spec(name: str, origin: str, vars_: Mapping[str, Var],
              facts: tuple[dict[str, Any], str] | None) -> HostSpec:
    """The ``HostSpec`` of one inventory host from its merged variables."""
    port = _port(vars_)
    key = _value(vars_, "ansible_ssh_private_key_file", "ansible_private_key_file")
    jump = _JUMP.search(str(_value(vars_, "ansible_ssh_common_args", "ansible_ssh_extra_args")
                            or ""))
    probe = _value(vars_, "drcheck_probe")
    connection = _value(vars_, "ansible_connection")
    if probe is None and connection not in (None, "ssh", "paramiko", "smart"):
        probe = False  # local, docker, winrm…: not reachable over SSH
    safe = _SAFE.sub("_", name)
    return HostSpec(
        name=safe if safe[:1].isalnum() else f"h{safe}",
        origin=origin,
        address=str(_value(vars_, "ansible_ssh_host", "ansible_host") or "") or None,
        port=port,
        user=str(_value(vars_, "ansible_ssh_user", "ansible_user") or "") or None,
        key_file=os.path.expanduser(str(key)) if key else None,
        proxy_jump=jump.group(1) if jump else None,
        root=str(_value(vars_, "drcheck_root") or "") or None,
        probe=probe not in (False, "false", "no", 0),
        location=_location(vars_, facts),
    )


def _specs(inv: Inventory, base: Path, cache: Path | None, notes: list[str],
           declared: dict[str, Var]) -> Iterable[HostSpec]:
    group_files: dict[str, dict[str, Var]] = {}
    for name, (_, origin) in inv.hosts.items():
        merged = host_vars(inv, name, base, notes, group_files)
        if VARIABLE in merged:
            declared[name] = merged[VARIABLE]
        yield host_spec(name, origin, merged, read_facts(cache, name))


def import_ansible(inventory: str | os.PathLike[str],
                   mapping: str | os.PathLike[str] | None = None,
                   facts: str | os.PathLike[str] | None = None) -> ImportResult:
    """Every host of an inventory as an estate; datasets from ``drcheck_datasets`` and the
    mapping file."""
    path = Path(inventory)
    notes: list[str] = []
    inv, base = load_inventory(path, notes)
    cache = Path(facts) if facts is not None else fact_cache_dir(base)
    declared: dict[str, Var] = {}
    hosts = tuple(_specs(inv, base, cache, notes, declared))
    names = {name: spec.name for name, spec in zip(inv.hosts, hosts, strict=True)}
    estate = Estate(name=path.stem, path=os.fspath(inventory), hosts=hosts, buckets=(),
                    media=(), datasets=inventory_datasets(declared, names))
    aliases = {name: f"host:{spec}" for name, spec in names.items()}
    if mapping is not None:
        estate = apply_mapping(estate, load_mapping(mapping), aliases)
    return ImportResult(estate, notes, aliases)
