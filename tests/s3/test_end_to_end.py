"""End to end: the only declared fact is "primary in SBG2"; the backup bucket's place comes
from the S3 probe alone, and the SBG2 policy fails on it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.cli.pipeline import run_audit
from drcheck.evaluate.policy import resolve_policies
from drcheck.facts.assemble import build_snapshot
from drcheck.inputs.estate_check import load_estate
from drcheck.probes.s3 import S3Probe, S3Settings, targets_from_estate
from drcheck.report.result_reader import findings_of
from drcheck.shared.model import DomainKind, Source, Status
from tests.s3.conftest import PLANTED_SECRET, World

pytestmark = pytest.mark.integration

ESTATE = """\
apiVersion: drcheck/v1
kind: Estate
hosts:
  - name: db-1
    probe: false
    location: {{provider: ovh, datacenter: SBG2}}
buckets:
  - name: backups
    bucket: sbg-backup
    endpoint: {url}
    provider: ovh            # how to reach it, not where it is: the region is probed
    addressing_style: path
datasets:
  - name: customer-db
    primary: {{host: db-1, path: /var/lib/postgresql}}
    copies:
      - {{name: s3-copy, bucket: backups, prefix: restic}}
"""


@pytest.fixture
def estate_file(world: World, tmp_path: Path) -> Path:
    """The estate, pointing at the loopback server."""
    path = tmp_path / "estate.yaml"
    path.write_text(ESTATE.format(url=world.url))
    return path


def _now(world: World) -> str:
    return (world.now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_probed_region_places_the_copy_on_the_sbg_campus(world: World,
                                                        estate_file: Path) -> None:
    """ovh:sbg from GetBucketLocation → catalog campus ovh-sbg → separation fails."""
    estate = load_estate(str(estate_file))
    reports = S3Probe(S3Settings(now=lambda: world.now)).collect(targets_from_estate(estate))
    snapshot = build_snapshot(estate, reports, world.now + timedelta(hours=1))
    (dataset,) = snapshot.datasets
    (copy,) = dataset.copies
    region = copy.location.claims_of(DomainKind.REGION)
    assert ("ovh:sbg", Source.PROBED) in {(c.value, c.source) for c in region}
    assert "ovh-sbg" in copy.location.values(DomainKind.CAMPUS)
    assert copy.location.values(DomainKind.CAMPUS) & dataset.primary.location.values(
        DomainKind.CAMPUS)
    fresh = copy.facts["newest_restore_point"]
    assert fresh.source is Source.PROBED and fresh.value is not None
    result = run_audit(snapshot, resolve_policies(["sbg2"]),
                       world.now + timedelta(hours=1))
    status = {f.rule_id: f.status for f in result.findings}
    assert status["DR-SBG2-01"] is Status.FAIL


def test_cli_audit_and_probe_facts_file(world: World, estate_file: Path,
                                        tmp_path: Path) -> None:
    """``drcheck probe -o facts.json`` then ``drcheck audit --facts``: exit 1, SBG2-01 fails."""
    runner = CliRunner()
    facts = tmp_path / "facts.json"
    probed = runner.invoke(app, ["probe", str(estate_file), "-o", str(facts),
                                 "--now", _now(world)])
    assert probed.exit_code == 0, probed.output
    text = facts.read_text()
    assert "ovh:sbg" in text and PLANTED_SECRET not in text
    audited = runner.invoke(app, ["audit", "--facts", str(facts), "-p", "sbg2",
                                  "-f", "json", "--now", _now(world)])
    assert audited.exit_code == 1, audited.output
    doc = json.loads(audited.stdout)
    assert PLANTED_SECRET not in audited.output
    failing = {f["rule_id"] for f in findings_of(doc) if f["status"] == "fail"}
    assert "DR-SBG2-01" in failing
