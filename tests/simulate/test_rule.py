"""The ``survives`` rule, the example policy that uses it, and the single-cut score ceiling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.evaluate.base import Context
from drcheck.evaluate.policy import load_policy
from drcheck.evaluate.registry import get
from drcheck.evaluate.scoring import SINGLE_CUT_CAP, score_findings
from drcheck.shared.model import Dataset, DomainKind, Finding, Severity, SharedDomain, Status
from tests.core.builders import ds, loc, rep

ROOT = Path(__file__).resolve().parents[2]
SURVIVE = str(ROOT / "examples" / "georedundant" / "survive.yaml")


def check(dataset: Dataset, ctx: Context, **params: Any) -> tuple[Status, str, tuple[str, ...]]:
    out = get("survives").check(dataset, params, ctx)
    return out.status, out.message, out.unknowns


def same_campus() -> Dataset:
    return ds(rep("db", loc(provider="ovh", campus="sbg", account="ovh:1"), "primary"),
              rep("bk", loc(provider="ovh", campus="sbg", account="ovh:2"),
                  newest_restore_point="2026-11-23T10:00:00Z", immutable=True))


def test_fail_names_the_killing_domain(ctx: Context) -> None:
    status, message, _ = check(same_campus(), ctx, kinds=["campus", "account"])
    assert status is Status.FAIL
    assert "dies with {campus:sbg}" in message
    out = get("survives").check(same_campus(), {"kinds": ["campus"]}, ctx)
    assert [(s.label, s.replicas) for s in out.shared] == [("campus:sbg", ("db", "bk"))]


def test_pass_when_every_single_loss_leaves_a_good_replica(ctx: Context) -> None:
    status, message, _ = check(same_campus(), ctx, kinds=["account"])
    assert status is Status.PASS and "survives the loss of any single account" in message


def test_depth_two_fails_on_a_pair(ctx: Context) -> None:
    status, message, _ = check(same_campus(), ctx, kinds=["account"], depth=2)
    assert status is Status.FAIL and "{account:ovh:1, account:ovh:2}" in message


def test_bar_from_params(ctx: Context) -> None:
    # the copy is 2 hours old at the test's now and immutable
    assert check(same_campus(), ctx, kinds=["account"], max_age="1h")[0] is Status.FAIL
    assert check(same_campus(), ctx, kinds=["account"], max_age="3h")[0] is Status.PASS
    mutable = ds(same_campus().primary,
                 rep("bk", loc(provider="ovh", account="ovh:2"), immutable=False))
    assert check(mutable, ctx, kinds=["account"], require_immutable=True)[0] is Status.FAIL
    assert check(mutable, ctx, kinds=["account"])[0] is Status.PASS


def test_unknown_when_unknown_claims_decide(ctx: Context) -> None:
    d = ds(rep("db", loc(provider="ovh"), "primary"),
           rep("bk", loc(provider="ovh", account="ovh:2")))
    status, message, unknowns = check(d, ctx, kinds=["account"])
    assert status is Status.UNKNOWN
    assert "{account:ovh:2}?" in message
    assert unknowns == ("db: account not known",)
    lone = ds(rep("db", loc(provider="ovh"), "primary"))
    assert check(lone, ctx, kinds=["account"])[2] == ("no good replica's account is known",)


def finding(rule_type: str, status: Status, severity: Severity, shared: bool) -> Finding:
    domains = (SharedDomain(DomainKind.CAMPUS, "sbg", ("db",)),) if shared else ()
    return Finding("R", rule_type, "p", "ds", status, severity, "t", "m", domains)


def test_single_cut_caps_the_score() -> None:
    passed = [finding("min-copies", Status.PASS, Severity.CRITICAL, False)] * 9
    low_cut = finding("survives", Status.FAIL, Severity.LOW, True)
    assert score_findings([*passed, low_cut]) == SINGLE_CUT_CAP == 50
    pair_only = finding("survives", Status.FAIL, Severity.LOW, False)
    assert score_findings([*passed, pair_only]) > SINGLE_CUT_CAP


def test_example_policy_gates_the_examples() -> None:
    assert [r.type for r in load_policy(SURVIVE).rules] == ["survives", "survives"]
    codes = {}
    for name in ("georedundant", "ovh-sbg2"):
        estate = str(ROOT / "examples" / name / "estate.yaml")
        result = CliRunner().invoke(app, ["audit", estate, "-p", SURVIVE, "--offline",
                                          "--now", "2026-11-23T06:00:00Z"])
        codes[name] = result.exit_code
    assert codes == {"georedundant": 0, "ovh-sbg2": 1}
