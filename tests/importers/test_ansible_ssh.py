"""An Ansible inventory (INI and YAML, with group_vars) drives a real SSH-probe run.

The hosts come from the inventory and its group_vars/host_vars; the dataset from a mapping
file (INI) or from the inventory's ``drcheck_datasets`` (YAML). ``drcheck import ansible``
writes the estate, ``drcheck probe`` reads the simulated hosts over real OpenSSH servers,
and ``drcheck audit`` fails the SBG2 policy because the restic repository discovered on the
host lives in OVH's Strasbourg object storage.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.facts.snapshot import load_snapshot, snapshot_to_dict
from drcheck.report.result_reader import findings_of
from tests.ssh.conftest import USER, SshLab

pytestmark = pytest.mark.integration

MAPPING = """\
datasets:
  - name: customer-db
    criticality: critical
    primary: {resource: shop-db, path: /var/lib/postgresql}
"""


def _ini(lab: SshLab, base: Path) -> Path:
    host = lab.hosts["sbg2-db"]
    path = base / "hosts.ini"
    path.write_text(f"[db]\nshop-db ansible_host={host.address} ansible_port={host.port}\n"
                    "[sbg:children]\ndb\n")
    (base / "host_vars").mkdir()
    (base / "host_vars" / "shop-db.yml").write_text(f"drcheck_root: {host.root}\n")
    return path


def _yaml(lab: SshLab, base: Path) -> Path:
    host = lab.hosts["sbg2-db"]
    path = base / "hosts.yml"
    path.write_text(
        "all:\n  children:\n    sbg:\n      children:\n        db:\n          hosts:\n"
        f"            shop-db:\n              ansible_host: {host.address}\n"
        f"              ansible_port: {host.port}\n"
        f"              drcheck_root: {host.root}\n"
        "              drcheck_datasets:\n"
        "                - name: customer-db\n"
        "                  criticality: critical\n"
        "                  path: /var/lib/postgresql\n")
    return path


def _group_vars(lab: SshLab, base: Path) -> None:
    (base / "group_vars").mkdir()
    (base / "group_vars" / "all.yml").write_text(
        f"ansible_user: {USER}\nansible_ssh_private_key_file: {lab.client_key}\n")
    (base / "group_vars" / "sbg.yml").write_text(
        "drcheck_provider: ovh\ndrcheck_datacenter: SBG2\n")


@pytest.mark.parametrize("form", ["ini", "yaml"])
def test_inventory_drives_a_real_probe_run(ssh_lab: SshLab, tmp_path: Path, home: Path,
                                           form: str) -> None:
    inventory = (_ini if form == "ini" else _yaml)(ssh_lab, tmp_path)
    _group_vars(ssh_lab, tmp_path)
    # the INI inventory takes its dataset from a mapping file, the YAML one declares it
    # in the inventory (drcheck_datasets)
    (tmp_path / "mapping.yaml").write_text(MAPPING)
    mapping = ["-m", str(tmp_path / "mapping.yaml")] if form == "ini" else []
    estate, facts = tmp_path / "estate.yaml", tmp_path / "facts.json"
    runner = CliRunner()
    imported = runner.invoke(app, ["import", "ansible", str(inventory), *mapping, "-o",
                                   str(estate)])
    assert imported.exit_code == 0, imported.output
    probed = runner.invoke(app, ["probe", str(estate), "--known-hosts",
                                 str(ssh_lab.known_hosts), "-o", str(facts)])
    assert probed.exit_code == 0, probed.output
    snapshot = snapshot_to_dict(load_snapshot(str(facts)))  # every replica written whole
    (dataset,) = snapshot["datasets"]
    assert dataset["primary"]["asset"] == "host:shop-db"
    assert [c["asset"] for c in dataset["copies"]] == ["bucket:shop-backups"]
    assert "ovh-sbg" in json.dumps(dataset["primary"]["location"])
    audited = runner.invoke(app, ["audit", "--facts", str(facts), "-p", "sbg2", "-f", "json"])
    assert audited.exit_code == 1, audited.output
    findings = {f["rule_id"]: f for f in findings_of(json.loads(audited.stdout))}
    assert findings["DR-SBG2-01"]["status"] == "fail"
    assert "PLANTED" not in facts.read_text() + probed.output + audited.output
