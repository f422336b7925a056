"""Fingerprints name what a finding is about (policy, rule, dataset), never its verdict.

A failure that turns unknown is the same finding: the baseline that accepted the failure
still accepts it, and SARIF's ``partialFingerprints`` (what code-scanning services match
results by) stay the same, so the finding does not reappear as new.
"""

from __future__ import annotations

import json
from pathlib import Path

from drcheck.report.result_reader import findings_of
from drcheck.shared.ids import fingerprint
from tests.report.cli_helpers import NOW_ARGS, OVH, run
from tests.report.conftest import ROOT

POLICY = """\
apiVersion: drcheck/v1
kind: Policy
metadata: {name: rpo}
rules:
  - {id: RPO-01, type: max-age, severity: high, params: {max_age: 24h}}
"""
STALE = "newest_restore_point: 2026-11-22T23:10:00Z"


def _estate(tmp_path: Path, name: str, replacement: str) -> str:
    """The OVH estate with the nightly copy's restore point replaced."""
    text = (ROOT / OVH).read_text(encoding="utf-8")
    assert STALE in text
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace(STALE, replacement), encoding="utf-8")
    return str(path)


def _rpo_finding(doc: dict[str, object]) -> dict[str, str]:
    findings = findings_of(doc)
    assert isinstance(findings, list)
    (found,) = [f for f in findings if f["rule_id"] == "RPO-01"]
    return dict(found)


def test_fail_that_becomes_unknown_keeps_its_fingerprint(tmp_path: Path) -> None:
    policy = tmp_path / "rpo.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    failing = _estate(tmp_path, "failing", "newest_restore_point: 2026-11-01T00:00:00Z")
    unknown = _estate(tmp_path, "unknown", "bytes: 1")  # the restore point is not known
    before = json.loads(run("audit", failing, "-p", str(policy), "-f", "json",
                            *NOW_ARGS).stdout)
    after = json.loads(run("audit", unknown, "-p", str(policy), "-f", "json",
                           *NOW_ARGS).stdout)
    was, now = _rpo_finding(before), _rpo_finding(after)
    assert (was["status"], now["status"]) == ("fail", "unknown")
    assert was["fingerprint"] == now["fingerprint"] == fingerprint("rpo", "RPO-01",
                                                                    "customer-db")

    base = tmp_path / "baseline.json"
    assert run("audit", failing, "-p", str(policy), "--create-baseline", str(base),
               *NOW_ARGS).exit_code == 0
    gated = run("audit", unknown, "-p", str(policy), "--baseline", str(base), *NOW_ARGS)
    assert gated.exit_code == 0, gated.output  # accepted, not a new unknown
    assert "baseline: 1 accepted, 0 fixed" in gated.stdout

    def partial(estate: str) -> list[str]:
        sarif = json.loads(run("audit", estate, "-p", str(policy), "-f", "sarif",
                               *NOW_ARGS).stdout)
        return [next(iter(r["partialFingerprints"].values()))
                for r in sarif["runs"][0]["results"]]

    assert partial(failing) == partial(unknown) == [was["fingerprint"]]


def test_fingerprint_separates_policy_rule_dataset_and_subject() -> None:
    base = fingerprint("p", "R", "d")
    assert len(base) == 32 and base == fingerprint("p", "R", "d", "")
    others = {fingerprint("q", "R", "d"), fingerprint("p", "S", "d"), fingerprint("p", "R", "e"),
              fingerprint("p", "R", "d", "host:db-1")}
    assert base not in others and len(others) == 4


def test_baseline_of_an_earlier_release_still_matches(tmp_path: Path) -> None:
    """Loading recomputes fingerprints from policy, rule and dataset: an old baseline
    (fingerprints that included the verdict) keeps accepting its findings."""
    base = tmp_path / "baseline.json"
    run("audit", OVH, "--create-baseline", str(base), *NOW_ARGS)
    doc = json.loads(base.read_text(encoding="utf-8"))
    for entry in doc["findings"]:
        entry["fingerprint"] = "0" * 32
    base.write_text(json.dumps(doc), encoding="utf-8")
    again = run("audit", OVH, "--baseline", str(base), *NOW_ARGS)
    assert again.exit_code == 0, again.output
    assert "baseline: 2 accepted, 0 fixed" in again.stdout
