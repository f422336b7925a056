"""Minimal cut sets and scenarios on hand-built estates, answers worked out by hand."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from drcheck.evaluate.base import Context
from drcheck.evaluate.policy import Policy, Rule, Selector
from drcheck.evaluate.survival.cuts import dataset_cuts, minimal_hitting_sets
from drcheck.evaluate.survival.fate import simulate_loss
from drcheck.evaluate.survival.model import Bar, Domain, Verdict
from drcheck.evaluate.survival.universe import Universe
from drcheck.shared.model import Dataset, DomainKind, Severity
from drcheck.simulate.bars import policy_bar
from tests.core.builders import ds, loc, rep

K = DomainKind
ALL = tuple(DomainKind)
NO_BAR = Bar()


def sbg2() -> Dataset:
    """Primary in SBG2, a backup host in SBG1, a bucket on the same campus (no building)."""
    return ds(
        rep("db", loc(provider="ovh", campus="sbg", building="sbg2", host="db"), "primary"),
        rep("bk", loc(provider="ovh", campus="sbg", building="sbg1", host="bk")),
        rep("s3", loc(provider="ovh", campus="sbg", host="s3")),
    )


def geo(**copy_b_facts: Any) -> Dataset:
    """Primary at OVH Gravelines (no account claim), a copy at OVH Strasbourg, one at AWS."""
    return ds(
        rep("app", loc(provider="ovh", metro="grav", campus="gra"), "primary"),
        rep("a", loc(provider="ovh", metro="stras", campus="sbg", account="ovh:p"),
            newest_restore_point="2026-11-23T10:00:00Z", immutable=False),
        rep("b", loc(provider="aws", metro="fra", account="aws:1"), **copy_b_facts),
    )


def cuts_of(dataset: Dataset, kinds: tuple[DomainKind, ...], depth: int, ctx: Context,
            bar: Bar = NO_BAR) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    found = dataset_cuts(dataset, Universe([dataset], kinds), bar, depth, ctx)
    return ({c.labels for c in found.cuts if c.certain},
            {c.labels for c in found.cuts if not c.certain})


def test_hitting_sets_by_hand() -> None:
    a, b, c, d = ((K.HOST, x) for x in "abcd")
    sets = [frozenset({a, b}), frozenset({a, c}), frozenset({b, c, d})]
    # singles: nothing is in all three; pairs: {a,b} {a,c} {a,d} hit all, {b,c} too
    assert minimal_hitting_sets(sets, 1) == []
    assert set(minimal_hitting_sets(sets, 2)) == {
        frozenset({a, b}), frozenset({a, c}), frozenset({a, d}), frozenset({b, c})}
    assert minimal_hitting_sets([], 2) == [frozenset()]
    assert minimal_hitting_sets([frozenset(), frozenset({a})], 2) == []


def test_sbg2_dies_with_its_campus_and_provider(ctx: Context) -> None:
    certain, maybe = cuts_of(sbg2(), (K.PROVIDER, K.CAMPUS, K.BUILDING, K.HOST), 1, ctx)
    # every replica names provider ovh and campus sbg; nothing else is common
    assert certain == {("campus:sbg",), ("provider:ovh",)}
    assert maybe == set()


def test_sbg2_pairs_hinge_on_the_bucket_building(ctx: Context) -> None:
    certain, maybe = cuts_of(sbg2(), (K.BUILDING, K.HOST), 2, ctx)
    # certain: db needs sbg2|host:db, bk needs sbg1|host:bk, s3 needs host:s3: three domains
    assert certain == set()
    # s3 has no building claim and is not proven outside either building (same campus)
    assert maybe == {("building:sbg1", "building:sbg2"), ("building:sbg2", "host:bk"),
                     ("building:sbg1", "host:db")}


def test_sbg2_blind_kinds(ctx: Context) -> None:
    found = dataset_cuts(sbg2(), Universe([sbg2()], ALL), Bar(), 1, ctx)
    # room and rack: sbg1 and sbg2 prove db and bk apart; nothing proves the rest apart
    assert found.blind == ("account", "jurisdiction", "metro", "region")


def test_geo_survives_every_single_loss_and_names_pairs(ctx: Context) -> None:
    kinds = (K.PROVIDER, K.ACCOUNT, K.CAMPUS)
    certain, maybe = cuts_of(geo(), kinds, 1, ctx)
    assert certain == set() and maybe == set()
    certain, maybe = cuts_of(geo(), kinds, 2, ctx)
    # app needs ovh|gra, a needs ovh|sbg|ovh:p, b needs aws|aws:1
    assert certain == {("provider:aws", "provider:ovh"), ("account:aws:1", "provider:ovh")}
    # app has no account and ovh:p is an OVH account: app might be in it
    assert maybe == {("account:ovh:p", "provider:aws"), ("account:aws:1", "account:ovh:p")}


def test_aws_account_is_proven_apart_from_an_ovh_primary(ctx: Context) -> None:
    u = Universe([geo()], (K.ACCOUNT,))
    app = u.footprint_of(geo().primary.location)
    assert u.proven_apart((K.ACCOUNT, "aws:1"), app)
    assert not u.proven_apart((K.ACCOUNT, "ovh:p"), app)


def test_freshness_bar_removes_copies_from_the_good(ctx: Context) -> None:
    # b has no restore point: unverified under a bar, so only app and a are good
    certain, _ = cuts_of(geo(), (K.PROVIDER, K.ACCOUNT, K.CAMPUS), 1, ctx,
                         Bar(max_age=timedelta(hours=4)))
    assert certain == {("provider:ovh",)}


def scenario(dataset: Dataset, lost: list[Domain], ctx: Context, bar: Bar = NO_BAR) -> Verdict:
    u = Universe([dataset], tuple({d[0] for d in lost}))
    result = simulate_loss([dataset], lost, u, lambda _: bar, ctx)
    return result.datasets[0].verdict if result.datasets else Verdict.SURVIVES


def test_scenarios_by_hand(ctx: Context) -> None:
    fresh_locked = geo(newest_restore_point="2026-11-23T11:00:00Z", immutable=True)
    stale_locked = geo(newest_restore_point="2026-11-20T11:00:00Z", immutable=True)
    assert scenario(sbg2(), [(K.CAMPUS, "sbg")], ctx) is Verdict.LOST
    assert scenario(fresh_locked, [(K.CAMPUS, "gra")], ctx) is Verdict.SURVIVES
    both = [(K.PROVIDER, "ovh"), (K.PROVIDER, "aws")]
    assert scenario(fresh_locked, both, ctx) is Verdict.LOST
    ransom = Bar(require_immutable=True)
    # OVH gone: a (mutable) is lost anyway, b is immutable: survives
    assert scenario(fresh_locked, [(K.PROVIDER, "ovh")], ctx, ransom) is Verdict.SURVIVES
    # OVH gone and only a stale b survives: degraded
    day = Bar(max_age=timedelta(days=1))
    assert scenario(stale_locked, [(K.PROVIDER, "ovh")], ctx, day) is Verdict.DEGRADED
    # account ovh:p: a lost, app unknown (no account claim), b stale: unknown decides
    assert scenario(stale_locked, [(K.ACCOUNT, "ovh:p")], ctx, day) is Verdict.UNKNOWN


def test_unknown_scenario_names_the_deciding_unknowns(ctx: Context) -> None:
    d = geo(newest_restore_point="2026-11-20T11:00:00Z")
    u = Universe([d], (K.ACCOUNT,))
    bar = Bar(max_age=timedelta(days=1))
    result = simulate_loss([d], [(K.ACCOUNT, "ovh:p")], u, lambda _: bar, ctx)
    assert result.datasets[0].unknowns == ("app: account not known (inside account:ovh:p?)",)


def test_conflicting_claims_die_with_either(ctx: Context) -> None:
    d = ds(rep("p", loc(campus="x"), "primary"), rep("c", loc(campus=["y", "x"])))
    certain, _ = cuts_of(d, (K.CAMPUS,), 1, ctx)
    assert certain == {("campus:x",)}


def test_policy_bar_takes_the_strictest_matching_max_age() -> None:
    def rule(age: str, selector: Selector) -> Rule:
        return Rule("R" + age, "max-age", "t", Severity.HIGH, {"max_age": age}, selector, {},
                    "test")

    gold = Selector(labels={"tier": ("gold",)})
    policies = [Policy("p", "p.yaml", (rule("48h", Selector()), rule("6h", gold)))]
    silver = Dataset("s", sbg2().primary, (), {"tier": "silver"})
    assert policy_bar(policies)(sbg2()).max_age == timedelta(hours=6)  # ds is tier=gold
    assert policy_bar(policies)(silver).max_age == timedelta(hours=48)
    everyone = [Policy("p", "p.yaml", (rule("48h", Selector()), rule("1d", Selector())))]
    assert policy_bar(everyone)(silver).max_age == timedelta(days=1)
    assert policy_bar(everyone, timedelta(hours=2))(silver).max_age == timedelta(hours=2)
    assert policy_bar([])(silver) == Bar()
