"""End to end through the CLI: a host in OVH SBG2 whose restic repository is in OVH's
Strasbourg object storage fails the SBG2 policy from discovered facts alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drcheck.cli import app
from tests.ssh.conftest import USER, SshLab

pytestmark = pytest.mark.integration


def write_estate(lab: SshLab, path: Path) -> Path:
    """An estate that declares the host and dataset but no location and no copy."""
    host = lab.hosts["sbg2-db"]
    path.write_text(
        "apiVersion: drcheck/v1\nkind: Estate\nmetadata: {name: e2e}\nhosts:\n"
        f"  - name: shop-db\n    address: {host.address}\n    port: {host.port}\n"
        f"    user: {USER}\n    key_file: {lab.client_key}\n    root: {host.root}\n"
        "datasets:\n  - name: customer-db\n    criticality: critical\n"
        "    primary: {host: shop-db, path: /var/lib/postgresql}\n"
    )
    return path


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HOME so the user's own ~/.ssh never leaks into the test."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


def test_sbg2_host_with_restic_in_sbg_fails_sbg2_policy(ssh_lab: SshLab, tmp_path: Path,
                                                        home: Path) -> None:
    estate = write_estate(ssh_lab, tmp_path / "estate.yaml")
    facts = tmp_path / "facts.json"
    runner = CliRunner()
    probed = runner.invoke(app, ["probe", str(estate), "--known-hosts",
                                 str(ssh_lab.known_hosts), "-o", str(facts)])
    assert probed.exit_code == 0, probed.output
    snapshot = facts.read_text()
    assert "PLANTED" not in snapshot and "PLANTED" not in probed.output
    audited = runner.invoke(app, ["audit", "--facts", str(facts), "-p", "sbg2", "-f", "json"])
    assert "PLANTED" not in audited.output
    assert audited.exit_code == 1, audited.output
    result = json.loads(audited.stdout)
    findings = {f["rule_id"]: f for f in result["findings"]}
    separation = findings["DR-SBG2-01"]
    assert separation["status"] == "fail"
    assert "ovh-sbg" in json.dumps(separation)
    dataset = next(d for d in json.loads(snapshot)["datasets"] if d["name"] == "customer-db")
    (copy,) = dataset["copies"]
    assert copy["name"].startswith("restic:")
    assert copy["asset"] == "bucket:shop-backups"


def test_audit_estate_probes_in_one_go(ssh_lab: SshLab, tmp_path: Path, home: Path) -> None:
    (home / ".ssh").mkdir()
    (home / ".ssh" / "known_hosts").write_text(ssh_lab.known_hosts.read_text())
    estate = write_estate(ssh_lab, tmp_path / "estate.yaml")
    audited = CliRunner().invoke(app, ["audit", str(estate), "-p", "sbg2", "-f", "json"])
    assert audited.exit_code == 1, audited.output
    assert "PLANTED" not in audited.output
    findings = {f["rule_id"]: f for f in json.loads(audited.stdout)["findings"]}
    assert findings["DR-SBG2-01"]["status"] == "fail"
