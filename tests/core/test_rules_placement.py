"""separation, distinct-domains, min-distance and consistent-location: pass, fail, unknown."""

from __future__ import annotations

from drcheck.evaluate.base import Context
from drcheck.evaluate.registry import get
from drcheck.shared.model import Status
from tests.core.builders import ds, loc, rep

SBG2 = loc((48.58, 7.80), provider="ovh", campus="ovh-sbg", building="ovh-sbg2",
           metro="strasbourg", jurisdiction="FR", host="host:db-1")
SBG1 = loc((48.58, 7.80), provider="ovh", campus="ovh-sbg", building="ovh-sbg1",
           metro="strasbourg", jurisdiction="FR", host="host:backup-1")
GRA = loc((50.99, 2.13), provider="ovh", campus="ovh-gra", metro="gravelines",
          jurisdiction="FR", host="bucket:gra")
PARIS_AWS = loc((48.86, 2.35), provider="aws", metro="paris", jurisdiction="FR",
                host="bucket:paris")
NOWHERE = loc(host="bucket:mystery")


def check(rule: str, dataset, ctx: Context, **params):  # type: ignore[no-untyped-def]
    return get(rule).check(dataset, params, ctx)


def test_separation_fails_naming_the_shared_campus_and_every_copy(ctx: Context) -> None:
    out = check("separation", ds(rep("db-1", SBG2, "primary"), rep("nightly", SBG1),
                                 rep("s3", SBG1)), ctx, kinds=["campus"])
    assert out.status is Status.FAIL
    assert "campus ovh-sbg" in out.message and "both copies" in out.message
    assert "leaves no copy" in out.message
    assert [(s.label, s.replicas) for s in out.shared] == [
        ("campus:ovh-sbg", ("db-1", "nightly", "s3"))]


def test_separation_passes_with_one_copy_off_campus(ctx: Context) -> None:
    out = check("separation", ds(rep("db-1", SBG2, "primary"), rep("nightly", SBG1),
                                 rep("gra", GRA)), ctx, kinds=["campus"], min_copies=1)
    assert out.status is Status.PASS
    assert "gra" in out.message


def test_separation_needs_min_copies(ctx: Context) -> None:
    out = check("separation", ds(rep("db-1", SBG2, "primary"), rep("gra", GRA)), ctx,
                kinds=["campus"], min_copies=2)
    assert out.status is Status.FAIL


def test_separation_unknown_when_copy_location_unknown(ctx: Context) -> None:
    out = check("separation", ds(rep("db-1", SBG2, "primary"), rep("mystery", NOWHERE)),
                ctx, kinds=["campus"])
    assert out.status is Status.UNKNOWN
    assert out.unknowns == ("mystery: campus not known",)


def test_separation_proven_by_different_metro_without_campus_claims(ctx: Context) -> None:
    out = check("separation", ds(rep("db-1", SBG2, "primary"), rep("paris", PARIS_AWS)),
                ctx, kinds=["campus", "building"])
    assert out.status is Status.PASS


def test_separation_same_metro_different_provider_is_unknown_for_campus(ctx: Context) -> None:
    ovh_par = loc((48.86, 2.35), provider="ovh", metro="paris", host="host:web")
    out = check("separation", ds(rep("web", ovh_par, "primary"), rep("paris", PARIS_AWS)),
                ctx, kinds=["campus"])
    assert out.status is Status.UNKNOWN


def test_separation_conflicting_claims_assume_the_worst(ctx: Context) -> None:
    disputed = loc(provider="ovh", campus=["ovh-gra", "ovh-sbg"], host="host:x")
    out = check("separation", ds(rep("db-1", SBG2, "primary"), rep("x", disputed)), ctx,
                kinds=["campus"])
    assert out.status is Status.FAIL


def test_distinct_domains_pass_fail_unknown(ctx: Context) -> None:
    two = ds(rep("db-1", SBG2, "primary"), rep("paris", PARIS_AWS))
    assert check("distinct-domains", two, ctx, kind="provider", min=2).status is Status.PASS
    same = ds(rep("db-1", SBG2, "primary"), rep("gra", GRA))
    out = check("distinct-domains", same, ctx, kind="provider", min=2)
    assert out.status is Status.FAIL and out.shared[0].label == "provider:ovh"
    blind = ds(rep("db-1", SBG2, "primary"), rep("mystery", NOWHERE))
    assert check("distinct-domains", blind, ctx, kind="provider", min=2).status is (
        Status.UNKNOWN)


def test_min_distance_pass_fail_unknown(ctx: Context) -> None:
    far = ds(rep("db-1", SBG2, "primary"), rep("gra", GRA))
    out = check("min-distance", far, ctx, km=200)
    assert out.status is Status.PASS and "gra 4" in out.message  # ~487 km
    near = ds(rep("db-1", SBG2, "primary"), rep("nightly", SBG1))
    assert check("min-distance", near, ctx, km=100).status is Status.FAIL
    blind = ds(rep("db-1", SBG2, "primary"), rep("mystery", NOWHERE))
    assert check("min-distance", blind, ctx, km=100).status is Status.UNKNOWN
    no_primary = ds(rep("m", NOWHERE, "primary"), rep("gra", GRA))
    assert check("min-distance", no_primary, ctx, km=100).status is Status.UNKNOWN


def test_min_distance_threshold_is_inclusive_of_real_distance(ctx: Context) -> None:
    far = ds(rep("db-1", SBG2, "primary"), rep("gra", GRA))
    assert check("min-distance", far, ctx, km=490).status is Status.FAIL
    assert check("min-distance", far, ctx, km=480).status is Status.PASS


def test_consistent_location_fails_on_disagreement(ctx: Context) -> None:
    disputed = loc(provider="ovh", building=["ovh-sbg1", "ovh-gra2"], host="host:x")
    out = check("consistent-location", ds(rep("db-1", SBG2, "primary"), rep("x", disputed)),
                ctx)
    assert out.status is Status.FAIL
    assert "ovh-sbg1" in out.message and "ovh-gra2" in out.message
    ok = check("consistent-location", ds(rep("db-1", SBG2, "primary"), rep("gra", GRA)), ctx)
    assert ok.status is Status.PASS


def test_consistent_location_unknown_when_a_replica_has_no_location(ctx: Context) -> None:
    out = check("consistent-location", ds(rep("db-1", SBG2, "primary"),
                                          rep("mystery", NOWHERE)), ctx)
    assert out.status is Status.UNKNOWN and out.unknowns == ("mystery: location",)
