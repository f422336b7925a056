"""Ansible inventories (INI and YAML) with group_vars/host_vars and the JSON fact cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from drcheck.importers.ansible import import_ansible
from drcheck.importers.ansible_inventory import expand_range, parse_ini
from drcheck.shared.errors import ConfigError, UsageError

HOME = str(Path.home())


def _hosts(path: Path) -> dict[str, object]:
    result = import_ansible(path)
    return {h.name: h for h in result.estate.hosts}


@pytest.mark.parametrize("inventory", ["hosts.ini", "hosts.yml"])
def test_inventory_gives_the_same_hosts_in_both_forms(fixtures: Path, inventory: str) -> None:
    hosts = _hosts(fixtures / "ansible" / inventory)
    assert list(hosts) == ["bastion", "web01.example.net", "web02.example.net", "db1", "vault"]
    summary = {name: (h.address, h.port, h.user, h.key_file, h.proxy_jump, h.probe, h.root)
               for name, h in hosts.items()}  # type: ignore[attr-defined]
    assert summary == {
        "bastion": ("203.0.113.10", None, "ops", None, None, True, None),
        "web01.example.net": (None, 2222, "ops", None, None, True, None),
        "web02.example.net": (None, 2222, "ops", None, None, False, "/srv/images/web02"),
        "db1": ("10.0.0.5", None, "postgres", None, "bastion", True, None),
        "vault": ("10.1.0.9", None, "ops", f"{HOME}/.ssh/vault_ed25519", None, True, None),
    }


@pytest.mark.parametrize("inventory", ["hosts.ini", "hosts.yml"])
def test_location_variables_follow_ansible_precedence(fixtures: Path, inventory: str) -> None:
    base = fixtures / "ansible"
    hosts = _hosts(base / inventory)
    fields = {n: dict(h.location.fields) for n, h in hosts.items()}  # type: ignore[attr-defined]
    assert fields["web01.example.net"] == {"provider": "ovh", "jurisdiction": "FR",
                                           "campus": "ovh-sbg", "datacenter": "SBG1"}
    assert fields["web02.example.net"]["datacenter"] == "SBG5"
    assert fields["vault"] == {"provider": "ovh", "jurisdiction": "FR", "datacenter": "GRA2"}
    web02 = hosts["web02.example.net"].location  # type: ignore[attr-defined]
    assert web02.origin_of("datacenter") == f"{base / 'host_vars/web02.example.net.yml'}:1"
    assert web02.origin_of("campus") == f"{base / 'group_vars/sbg/location.yml'}:2"


def test_fact_cache_fills_only_what_is_not_declared(fixtures: Path) -> None:
    base = fixtures / "ansible"
    result = import_ansible(base / "hosts.ini")
    hosts = {h.name: h for h in result.estate.hosts}
    bastion = hosts["bastion"].location
    assert bastion is not None
    assert dict(bastion.fields) == {"jurisdiction": "FR", "provider": "aws",
                                    "region": "eu-west-3"}
    assert bastion.origin_of("region") == f"{base / 'facts/bastion'} (fact cache)"
    vault = hosts["vault"].location
    assert vault is not None and vault.fields["provider"] == "ovh"
    assert vault.origin_of("provider").endswith("hosts.ini:22")
    assert result.notes == [f"{base / 'group_vars/backup.yml'}: vault-encrypted, not read"]


def test_host_origins_are_inventory_lines(fixtures: Path) -> None:
    hosts = _hosts(fixtures / "ansible" / "hosts.ini")
    assert hosts["db1"].origin.endswith("hosts.ini:8")  # type: ignore[attr-defined]
    yml = _hosts(fixtures / "ansible" / "hosts.yml")
    assert yml["db1"].origin.endswith("hosts.yml:18")  # type: ignore[attr-defined]


def test_mapping_names_inventory_hosts(tmp_path: Path, fixtures: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("datasets:\n  - name: pg\n    primary: {resource: db1, path: /var/lib/pg}\n"
                       "    copies: [{resource: vault, path: /srv/backup/pg}]\n")
    estate = import_ansible(fixtures / "ansible" / "hosts.ini", mapping).estate
    (pg,) = estate.datasets
    assert (pg.primary.asset_id, pg.primary.path) == ("host:db1", "/var/lib/pg")
    assert [(c.asset_id, c.path) for c in pg.copies] == [("host:vault", "/srv/backup/pg")]


@pytest.mark.parametrize(("pattern", "expected"), [
    ("web[01:03]", ["web01", "web02", "web03"]),
    ("db-[a:c].lan", ["db-a.lan", "db-b.lan", "db-c.lan"]),
    ("n[1:5:2]", ["n1", "n3", "n5"]),
    ("plain", ["plain"]),
])
def test_host_ranges(pattern: str, expected: list[str]) -> None:
    assert expand_range(pattern) == expected


def test_children_without_section_and_ungrouped_hosts() -> None:
    inv = parse_ini("solo\n[a:children]\nb\n[b]\nx y=1 z=yes\n", "inv")
    assert inv.groups["ungrouped"].hosts == ["solo"]
    assert inv.groups["a"].children == ["b"]
    assert inv.hosts["x"][0] == {"y": (1, "inv:5"), "z": (True, "inv:5")}


def test_bad_inventories(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        import_ansible(tmp_path / "nope.ini")
    bad = tmp_path / "bad.ini"
    bad.write_text("[g:vars]\nnot a pair\n")
    with pytest.raises(ConfigError, match=r"bad.ini:2: expected key=value"):
        import_ansible(bad)
    yml = tmp_path / "bad.yml"
    yml.write_text("all:\n  children:\n    g: [1, 2]\n")
    with pytest.raises(ConfigError, match=r"bad.yml:3"):
        import_ansible(yml)


def test_host_port_suffix_and_bad_port(tmp_path: Path) -> None:
    inv = tmp_path / "hosts.ini"
    inv.write_text("[db]\ndb1:2201\n[web]\nweb1 ansible_port=http\n")
    with pytest.raises(ConfigError, match=r"hosts.ini:4: ansible_port: 'http' is not a port"):
        import_ansible(inv)
    inv.write_text("[db]\ndb1:2201 ansible_host=127.0.0.2\n")
    (host,) = import_ansible(inv).estate.hosts
    assert (host.name, host.port, host.address) == ("db1", 2201, "127.0.0.2")


@pytest.mark.parametrize(("text", "where"), [
    ("all:\n  hosts: [a, b]\n", "bad.yml:2"),
    ("all:\n  hosts:\n    a: 3\n", "bad.yml:3"),
    ("all:\n  vars: [x]\n", "bad.yml:2"),
    ("- a\n- b\n", "bad.yml:1"),
])
def test_malformed_yaml_inventories(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=where):
        import_ansible(path)


def test_datasets_declared_in_the_inventory(tmp_path: Path) -> None:
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "pg.yml").write_text(
        "drcheck_datasets:\n"
        "  - name: 'pg-{{ inventory_hostname }}'\n"
        "    path: /var/lib/postgresql\n"
        "    criticality: high\n"
        "    labels: {engine: postgres, host: '{{inventory_hostname}}'}\n"
        "    copies:\n"
        "      - {host: vault, path: '/srv/backup/{{ inventory_hostname }}'}\n")
    inv = tmp_path / "hosts.ini"
    inv.write_text("[pg]\ndb1\ndb2\n[backup]\nvault\n")
    datasets = import_ansible(inv).estate.datasets
    assert [(d.name, d.primary.asset_id, d.primary.path, d.criticality) for d in datasets] == [
        ("pg-db1", "host:db1", "/var/lib/postgresql", "high"),
        ("pg-db2", "host:db2", "/var/lib/postgresql", "high")]
    assert [(c.asset_id, c.path) for c in datasets[1].copies] == [
        ("host:vault", "/srv/backup/db2")]
    assert dict(datasets[0].labels) == {"engine": "postgres", "host": "db1"}
    assert datasets[0].origin == f"{tmp_path / 'group_vars/pg.yml'}:1"


@pytest.mark.parametrize(("value", "message"), [
    ("[{name: same, path: /a}]", "declared for host:db1 and host:db2"),
    ("[{path: /a}]", "needs a name"),
    ("[{name: 'x{{ inventory_hostname }}', copies: [{host: nowhere}]}]", "'nowhere' is not in"),
    ("[{name: 'x{{ inventory_hostname }}', criticality: urgent}]", "criticality 'urgent'"),
    ("{name: x}", "must be a list"),
    ("[{name: 'pg {{ inventory_hostname }}'}]", "dataset name 'pg db1' must be"),
])
def test_bad_inventory_datasets(tmp_path: Path, value: str, message: str) -> None:
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "pg.yml").write_text(f"drcheck_datasets: {value}\n")
    inv = tmp_path / "hosts.ini"
    inv.write_text("[pg]\ndb1\ndb2\n")
    with pytest.raises(ConfigError, match=message) as err:
        import_ansible(inv)
    assert "pg.yml:1" in err.value.message


def test_inventory_directory(tmp_path: Path) -> None:
    inv = tmp_path / "inventory"
    (inv / "group_vars").mkdir(parents=True)
    (inv / "01-hosts.ini").write_text("[db]\ndb1 ansible_host=10.0.0.5\nlocalhost "
                                      "ansible_connection=local\n")
    (inv / "02-more.yml").write_text("all:\n  children:\n    db:\n      hosts:\n"
                                     "        db2: {ansible_port: 2202}\n")
    (inv / "group_vars" / "db.yml").write_text("drcheck_provider: ovh\n")
    (inv / "README.md").write_text("# not an inventory\n")
    script = inv / "ec2.py"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    result = import_ansible(inv)
    hosts = {h.name: h for h in result.estate.hosts}
    assert list(hosts) == ["db1", "localhost", "db2"]
    assert hosts["db2"].port == 2202 and hosts["db2"].location is not None
    assert hosts["db2"].location.fields["provider"] == "ovh"
    assert hosts["localhost"].probe is False and hosts["db1"].probe is True
    assert result.notes == [f"{script}: executable (a dynamic inventory script), not run"]
    assert result.estate.name == "inventory"
