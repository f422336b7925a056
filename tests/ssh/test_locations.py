"""Probe reports through the real assembler: where each discovered copy ends up placed."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from drcheck.facts.assemble import build_snapshot
from drcheck.inputs.estate_check import load_estate
from drcheck.probes.ssh import SshProbe
from drcheck.shared.model import Dataset, DomainKind, Snapshot
from tests.ssh.conftest import USER, SshLab

pytestmark = pytest.mark.integration


def host_entry(lab: SshLab, name: str, extra: str = "") -> str:
    """One estate hosts: item for a simulated host."""
    host = lab.hosts[name]
    return (f"  - name: {name}\n    address: {host.address}\n    port: {host.port}\n"
            f"    user: {USER}\n    key_file: {lab.client_key}\n    root: {host.root}\n{extra}")


@pytest.fixture(scope="module")
def snapshot(ssh_lab: SshLab, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """db1 (declared SBG2, agreeing with its location file) and vault (placed by a pattern)."""
    path = Path(tmp_path_factory.mktemp("estate")) / "estate.yaml"
    path.write_text(
        "apiVersion: drcheck/v1\nkind: Estate\nhosts:\n"
        + host_entry(ssh_lab, "db1", "    location: {provider: ovh, datacenter: SBG2}\n")
        + host_entry(ssh_lab, "vault")
        + "host_locations:\n  - match: '^(?P<datacenter>gra[0-9])-'\n    on: hostname\n"
        "    location: {provider: ovh}\n"
        "datasets:\n  - name: www\n    primary: {host: db1, path: /srv/www}\n"
        "  - name: pg\n    primary: {host: db1, path: /var/lib/postgresql/15/main}\n"
        "  - name: pg-all\n    primary: {host: db1, path: /var/lib/postgresql}\n")
    estate = load_estate(str(path))
    reports = SshProbe(ssh_lab.options()).collect(estate.hosts)
    return build_snapshot(estate, reports, datetime(2026, 11, 23, tzinfo=timezone.utc))


def dataset(snap: Snapshot, name: str) -> Dataset:
    """A dataset of the snapshot by name."""
    return next(d for d in snap.datasets if d.name == name)


def test_primary_location_is_consistent(snapshot: Snapshot) -> None:
    primary = dataset(snapshot, "pg").primary
    assert primary.location.values(DomainKind.BUILDING) == {"ovh-sbg2"}  # declared == probed
    assert primary.location.values(DomainKind.CAMPUS) == {"ovh-sbg"}
    assert not primary.location.conflicts()


def test_copies_of_pg_are_placed_by_endpoint_and_path(snapshot: Snapshot) -> None:
    copies = {c.name: c for c in dataset(snapshot, "pg").copies}
    restic = next(c for n, c in copies.items() if n.startswith("restic:"))
    assert restic.asset == "bucket:acme-backups"
    assert restic.location.values(DomainKind.CAMPUS) == {"ovh-sbg"}  # same campus as primary
    repo1 = copies["pgbackrest:repo1"]
    assert repo1.location.values(DomainKind.CAMPUS) == {"ovh-gra"}
    repo2 = copies["pgbackrest:repo2"]
    assert (repo2.asset, repo2.path) == ("host:db1", "/var/lib/pgbackrest")  # same host
    assert not any(n.startswith("rsync:") for n in copies)  # rsync saves /srv/www only


def test_a_copy_of_part_of_a_dataset_is_not_a_copy_of_it(snapshot: Snapshot) -> None:
    # pgBackRest saves pg1-path=/var/lib/postgresql/15/main: not all of /var/lib/postgresql
    names = {c.name for c in dataset(snapshot, "pg-all").copies}
    assert not any(n.startswith("pgbackrest:") for n in names)
    assert any(n.startswith("restic:") for n in names)  # restic saves /var/lib/postgresql


def test_rsync_copy_of_www_lands_on_vault_in_gra3(snapshot: Snapshot) -> None:
    (rsync,) = [c for c in dataset(snapshot, "www").copies if c.name.startswith("rsync:")]
    assert rsync.asset == "host:vault"
    assert rsync.location.values(DomainKind.BUILDING) == {"ovh-gra3"}
    assert rsync.location.values(DomainKind.CAMPUS) == {"ovh-gra"}
