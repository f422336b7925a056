"""min-copies, immutable-copy, encrypted, max-age, restore-tested, collection-issues."""

from __future__ import annotations

from drcheck.evaluate.base import Context
from drcheck.evaluate.registry import get
from drcheck.shared.model import ProbeIssue, Status
from tests.core.builders import NOW, ds, loc, rep

HOME = loc(provider="ovh", campus="ovh-sbg", host="host:db-1")
SAME_HOST = loc(provider="ovh", campus="ovh-sbg", host="host:db-1")
OTHER = loc(provider="ovh", campus="ovh-gra", host="host:b")
BLIND = loc()


def check(rule: str, dataset, ctx: Context, **params):  # type: ignore[no-untyped-def]
    return get(rule).check(dataset, params, ctx)


def test_min_copies_excludes_same_host(ctx: Context) -> None:
    d = ds(rep("db-1", HOME, "primary"), rep("local", SAME_HOST), rep("b", OTHER))
    out = check("min-copies", d, ctx, min=1)
    assert out.status is Status.PASS and "local" in out.message
    assert check("min-copies", d, ctx, min=2).status is Status.FAIL
    assert check("min-copies", d, ctx, min=2, count_primary=True).status is Status.PASS


def test_min_copies_unknown(ctx: Context) -> None:
    d = ds(rep("db-1", HOME, "primary"), rep("x", BLIND))
    assert check("min-copies", d, ctx, min=1).status is Status.UNKNOWN


def test_immutable_copy(ctx: Context) -> None:
    locked = rep("locked", OTHER, immutable=True, retention_days=30)
    short = rep("short", OTHER, immutable=True, retention_days=3)
    mutable = rep("mutable", OTHER, immutable=False)
    tape = rep("tape", OTHER, offline=True)
    unknown = rep("unknown", OTHER, immutable=None)
    p = rep("db-1", HOME, "primary")
    assert check("immutable-copy", ds(p, locked), ctx, min_retention_days=14).status is (
        Status.PASS)
    assert check("immutable-copy", ds(p, short, mutable), ctx,
                 min_retention_days=14).status is Status.FAIL
    assert check("immutable-copy", ds(p, tape), ctx, min_retention_days=365).status is (
        Status.PASS)
    out = check("immutable-copy", ds(p, mutable, unknown), ctx)
    assert out.status is Status.UNKNOWN and out.unknowns == ("unknown: immutability not known",)


def test_encrypted(ctx: Context) -> None:
    p = rep("db-1", HOME, "primary")
    yes, no, dunno = (rep("a", OTHER, encrypted=True), rep("b", OTHER, encrypted=False),
                      rep("c", OTHER))
    assert check("encrypted", ds(p, yes), ctx).status is Status.PASS
    assert check("encrypted", ds(p, yes, no), ctx).status is Status.FAIL
    assert check("encrypted", ds(p, yes, dunno), ctx).status is Status.UNKNOWN
    assert check("encrypted", ds(p, yes, no), ctx, min_copies=1).status is Status.PASS
    assert check("encrypted", ds(p), ctx).status is Status.FAIL


def test_max_age_all_copies(ctx: Context) -> None:
    p = rep("db-1", HOME, "primary")
    fresh = rep("fresh", OTHER, newest_restore_point="2026-11-23T06:00:00Z")
    stale = rep("stale", OTHER, newest_restore_point="2026-11-20T06:00:00Z")
    blind = rep("blind", OTHER)
    assert check("max-age", ds(p, fresh), ctx, max_age="26h").status is Status.PASS
    out = check("max-age", ds(p, fresh, stale), ctx, max_age="26h")
    assert out.status is Status.FAIL and "stale: stale" in out.message
    assert "3d6h old" in out.message
    assert check("max-age", ds(p, fresh, blind), ctx, max_age="26h").status is Status.UNKNOWN


def test_max_age_offsite_scope_ignores_on_campus_copies(ctx: Context) -> None:
    p = rep("db-1", HOME, "primary")
    on_campus_fresh = rep("oc", loc(provider="ovh", campus="ovh-sbg", host="host:x"),
                          newest_restore_point="2026-11-23T06:00:00Z")
    off_stale = rep("off", OTHER, newest_restore_point="2026-11-01T00:00:00Z")
    off_fresh = rep("off2", OTHER, newest_restore_point="2026-11-23T00:00:00Z")
    params = {"max_age": "48h", "scope": "offsite"}
    assert check("max-age", ds(p, on_campus_fresh, off_stale), ctx, **params).status is (
        Status.FAIL)
    assert check("max-age", ds(p, off_stale, off_fresh), ctx, **params).status is Status.PASS


def test_restore_tested(ctx: Context) -> None:
    p = rep("db-1", HOME, "primary")
    c = rep("c", OTHER)
    assert check("restore-tested", ds(p, c, last_restore_test="2026-10-01T00:00:00Z"), ctx,
                 max_age="90d").status is Status.PASS
    out = check("restore-tested", ds(p, c, last_restore_test="2026-01-01T00:00:00Z"), ctx,
                max_age="90d")
    assert out.status is Status.FAIL and "326d" in out.message
    assert check("restore-tested", ds(p, c), ctx, max_age="90d").status is Status.FAIL
    assert check("restore-tested", ds(p, rep("u", OTHER, last_restore_test=None)), ctx,
                 max_age="90d").status is Status.UNKNOWN


def test_collection_issues() -> None:
    from drcheck.evaluate.base import Context as C

    d = ds(rep("db-1", HOME, "primary"), rep("b", OTHER))
    clean = C(NOW)
    assert get("collection-issues").check(d, {}, clean).status is Status.PASS
    blind = C(NOW, {"host:db-1": (ProbeIssue("host:db-1", "ssh", "unreachable", "refused"),)})
    out = get("collection-issues").check(d, {}, blind)
    assert out.status is Status.UNKNOWN and "refused" in out.message
    alarm = C(NOW, {"host:b": (ProbeIssue("host:b", "ssh", "host-key-changed", "key changed",
                                          security=True),)})
    assert get("collection-issues").check(d, {}, alarm).status is Status.FAIL
