"""End to end through the CLI: a host in OVH SBG2 whose restic repository is in OVH's
Strasbourg object storage fails the SBG2 policy from discovered facts alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.report.result_reader import findings_of
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
    findings = {f["rule_id"]: f for f in findings_of(result)}
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
    findings = {f["rule_id"]: f for f in findings_of(json.loads(audited.stdout))}
    assert findings["DR-SBG2-01"]["status"] == "fail"


def test_trust_host_shows_records_and_flags_changed_keys(ssh_lab: SshLab, tmp_path: Path,
                                                         home: Path) -> None:
    estate = write_estate(ssh_lab, tmp_path / "estate.yaml")
    empty, trust = tmp_path / "known_hosts", tmp_path / "trusted"
    empty.write_text("")
    runner = CliRunner()
    args = ["trust-host", str(estate), "--known-hosts", str(empty), "--trust-file", str(trust)]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert "host:shop-db" in shown.stdout and "SHA256:" in shown.stdout
    assert shown.stdout.rstrip().endswith(" new") and not trust.exists()
    recorded = runner.invoke(app, [*args, "--yes"])
    assert recorded.exit_code == 0 and "recorded" in recorded.stdout
    assert runner.invoke(app, args).stdout.rstrip().endswith(" known")
    other = ssh_lab.hosts["vault"].host_key
    sbg = ssh_lab.hosts["sbg2-db"]
    trust.write_text(f"[{sbg.address}]:{sbg.port} {other.get_name()} {other.get_base64()}\n")
    changed = runner.invoke(app, [*args, "--yes"])
    assert changed.exit_code == 1
    assert "changed (NOT recorded" in changed.stdout


def test_host_not_probed_is_unknown_not_no_copies(ssh_lab: SshLab, tmp_path: Path,
                                                  home: Path) -> None:
    estate = write_estate(ssh_lab, tmp_path / "estate.yaml")
    other = ssh_lab.hosts["vault"].host_key
    sbg = ssh_lab.hosts["sbg2-db"]
    changed = tmp_path / "known_hosts"
    changed.write_text(f"[{sbg.address}]:{sbg.port} {other.get_name()} {other.get_base64()}\n")
    facts = tmp_path / "facts.json"
    runner = CliRunner()
    probed = runner.invoke(app, ["probe", str(estate), "--known-hosts", str(changed),
                                 "-o", str(facts)])
    assert probed.exit_code == 0, probed.output
    audited = runner.invoke(app, ["audit", "--facts", str(facts), "-p", "3-2-1-1-0",
                                  "-f", "json", "--now", "2026-11-23T00:00:00Z"])
    findings = findings_of(json.loads(audited.stdout))
    copies = [f for f in findings if f["rule_type"] == "min-copies"]
    assert copies and all(f["status"] == "unknown" for f in copies)
    assert all(f["message"].startswith("not probed: ") for f in copies)
    assert not any(f["status"] == "fail" and "no copies" in f["message"] for f in findings
                   if f["rule_type"] != "collection-issues")
    collection = [f for f in findings if f["rule_type"] == "collection-issues"]
    assert all(f["status"] == "fail" for f in collection)  # a changed key is an alarm
