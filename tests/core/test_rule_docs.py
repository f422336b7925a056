"""Rule docs are user docs: every rule type documents its parameters and verdicts and ships
an example (policy + tiny estate) that this suite audits, asserting the verdicts it states.

The collection-issues example probes 127.0.0.1 port 1 over SSH for real: nothing listens
there, so the host is unreachable and its dataset unknown.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from drcheck.cli.pipeline import run_audit
from drcheck.evaluate.policy import load_policy
from drcheck.evaluate.registry import rule_types
from drcheck.evaluate.rule_docs import example, rule_doc, rules_markdown
from drcheck.facts.assemble import build_snapshot
from drcheck.facts.collect import ProbeOptions, collect_reports
from drcheck.inputs.durations import parse_time
from drcheck.inputs.estate_check import load_estate
from tests.report.cli_helpers import run

ROOT = Path(__file__).resolve().parents[2]
NAMES = sorted(rule_types())


@pytest.mark.parametrize("name", NAMES)
def test_example_gives_the_verdicts_it_states(name: str, tmp_path: Path) -> None:
    ex = example(name)
    (tmp_path / "policy.yaml").write_text(ex.policy, encoding="utf-8")
    (tmp_path / "estate.yaml").write_text(ex.estate, encoding="utf-8")
    policy = load_policy(str(tmp_path / "policy.yaml"))
    assert [r.type for r in policy.rules] == [name]
    estate = load_estate(str(tmp_path / "estate.yaml"))
    now = parse_time(ex.now)
    reports = collect_reports(estate, ProbeOptions(timeout=10))
    result = run_audit(build_snapshot(estate, reports, now), [policy], now)
    got = {f.dataset: f.status.value for f in result.findings}
    assert got == ex.verdicts
    assert {d.name for d in estate.datasets} == set(ex.verdicts)
    assert "pass" in got.values() and len(set(got.values())) >= 2, "show a pass and a failure"


@pytest.mark.parametrize("name", NAMES)
def test_doc_names_every_parameter_and_each_verdict(name: str) -> None:
    cls = rule_types()[name]
    text = rule_doc(name)
    for key in cls.params_schema["properties"]:
        assert f"\n  {key}: " in text
    for word in ("Passes when ", "Fails when ", "Unknown when ", "policy.yaml:", "estate.yaml:"):
        assert word in text
    assert all(len(getattr(cls, v).split()) >= 5 for v in ("passes", "fails", "unknown"))


def test_drcheck_rules_name_prints_the_doc_and_refuses_unknown_names() -> None:
    res = run("rules", "max-age")
    assert res.exit_code == 0 and res.stdout == rule_doc("max-age")
    listing = run("rules")
    assert listing.exit_code == 0 and all(n in listing.stdout for n in NAMES)
    bad = run("rules", "no-such-rule")
    assert bad.exit_code == 2 and "one of: collection-issues" in bad.stderr


def test_docs_rules_md_is_generated_from_the_rule_types() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), "docs drifted; run: python3 tools/write_rule_docs.py"
