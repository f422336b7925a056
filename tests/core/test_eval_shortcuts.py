"""The evaluator's shortcuts change nothing: memos per distinct place, rules of equal type and
parameters judged once, findings grouped before sorting, scores folded in one pass.

Each test compares the fast path with the plain definition on a random estate that has what
the shortcuts must not blur: missing and conflicting claims, coordinates or none, unknown
facts, copies sharing a primary's place, and datasets not in name order.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from drcheck.evaluate.base import Context
from drcheck.evaluate.domains import _distance, _relation, distance_km, relation
from drcheck.evaluate.engine import evaluate, sort_key
from drcheck.evaluate.policy import Policy, resolve_policies
from drcheck.evaluate.registry import get
from drcheck.evaluate.rules.placement import _copy_relation, copy_relation
from drcheck.evaluate.scoring import dataset_scores, score_findings
from drcheck.shared.ids import fingerprint
from drcheck.shared.model import (
    Claim,
    Coordinates,
    Dataset,
    DatasetScore,
    DomainKind,
    Evidence,
    Finding,
    Location,
    Replica,
    ReplicaKind,
    Snapshot,
    Source,
    Status,
)
from tests.core.builders import NOW

K = DomainKind
PACKS = ["sbg2", "3-2-1-1-0", "bsi-georedundancy"]
POINTS = [(48.58, 7.75), (48.86, 2.35), (50.69, 3.18), (52.52, 13.4), (48.58, 7.76), None]


def _location(rng: random.Random) -> Location:
    """Claims drawn from small pools, so places repeat; a kind may be missing or claimed
    twice with different values (a conflict)."""
    claims = []
    for kind, pool in ((K.PROVIDER, ["ovh", "aws"]), (K.JURISDICTION, ["FR", "DE"]),
                       (K.METRO, ["sxb", "par", "ber"]), (K.CAMPUS, ["sbg", "rbx", "gra"]),
                       (K.BUILDING, ["sbg1", "sbg2", "rbx4"]), (K.HOST, ["h1", "h2", "h3"])):
        if rng.random() < 0.2:
            continue
        for value in rng.sample(pool, 2 if rng.random() < 0.1 else 1):
            claims.append(Claim(kind, value, rng.choice(list(Source)), f"test:{kind}"))
    point = rng.choice(POINTS)
    coords = Coordinates(point[0], point[1], Source.CATALOG, "test") if point else None
    return Location(tuple(claims), coords)


def _fact(rng: random.Random, *values: object) -> Evidence:
    return Evidence(rng.choice(values), Source.DECLARED, "test")  # type: ignore[arg-type]


def _replica(rng: random.Random, name: str, role: str, i: int, where: Location) -> Replica:
    facts = {} if role == "primary" else {
        "newest_restore_point": _fact(rng, "2026-11-23T01:00:00Z", "2026-11-19T00:00:00Z",
                                      "2027-01-01T00:00:00Z", "not a date", None),
        "immutable": _fact(rng, True, False, None),
        "retention_days": _fact(rng, 7, 30, None),
        "encrypted": _fact(rng, True, False, None),
    }
    return Replica(f"{name}/{role}/{i}", f"{role}{i}", role, ReplicaKind.HOST, f"host:{name}{i}",
                   None, where, facts)


def _estate(n: int, seed: int) -> Snapshot:
    rng = random.Random(seed)
    places = [_location(rng) for _ in range(12)]
    datasets = []
    for i in rng.sample(range(n), n):  # not in name order
        name = f"ds-{i:04d}"
        copies = tuple(_replica(rng, name, "copy", j, rng.choice(places))
                       for j in range(rng.randrange(0, 4)))
        facts = {"last_restore_test": _fact(rng, "2026-10-01T00:00:00Z", "2025-01-01")} \
            if rng.random() < 0.5 else {}
        datasets.append(Dataset(name, _replica(rng, name, "primary", 0, rng.choice(places)),
                                copies, {"tier": rng.choice(["gold", "silver"])},
                                rng.choice(["low", "medium", "high", "critical"]), facts))
    return Snapshot(NOW.isoformat(), tuple(datasets))


def _plain_findings(snapshot: Snapshot, policies: list[Policy] | None = None) -> list[Finding]:
    """Every rule judged on its own, each dataset with a fresh context, then sorted."""
    out = []
    for policy in policies or resolve_policies(PACKS):
        for rule in policy.rules:
            for d in snapshot.datasets:
                if not rule.selector.matches(d.name, d.labels, d.criticality):
                    continue
                o = get(rule.type).check(d, rule.params, Context(now=NOW))
                out.append(Finding(rule.id, rule.type, policy.name, d.name, o.status,
                                   rule.severity, rule.title, o.message, o.shared,
                                   o.evidence, o.unknowns, rule.controls))
    return sorted(out, key=sort_key)


def test_findings_and_scores_equal_the_plain_definition() -> None:
    snapshot = _estate(400, seed=12)
    result = evaluate(snapshot, resolve_policies(PACKS), NOW)
    plain = _plain_findings(snapshot)
    assert list(result.findings) == plain
    assert [f.fingerprint for f in result.findings] == [
        fingerprint(f.policy, f.rule_id, f.dataset) for f in plain]
    assert {f.status for f in plain} == set(Status) - {Status.WAIVED}  # every branch seen
    for score in result.scores:
        own = [f for f in plain if f.dataset == score.dataset]
        counts = {s.value: sum(1 for f in own if f.status is s) for s in Status}
        assert score == DatasetScore(score.dataset, score.criticality, score_findings(own),
                                     counts)


def test_datasets_in_name_order_give_the_plain_definition_unsorted_or_not() -> None:
    """Groups that one rule alone files into come in order when the datasets do, and are
    not sorted again; a rule id two policies share (here a copy named to sort first) makes
    a group of two rules that must still be sorted by dataset and policy."""
    shuffled = _estate(200, seed=31)
    snapshot = replace(shuffled, datasets=tuple(sorted(shuffled.datasets,
                                                       key=lambda d: d.name)))
    policies = resolve_policies(PACKS)
    twice = [*policies, replace(policies[1], name="0-copy")]
    for chosen in (policies, twice):
        result = evaluate(snapshot, chosen, NOW, jobs=1)
        assert list(result.findings) == _plain_findings(snapshot, chosen)
    assert {f.policy for f in result.findings} >= {"0-copy", policies[1].name}


def test_scores_fold_waived_and_foreign_findings_like_score_findings() -> None:
    snapshot = _estate(60, seed=3)
    findings = list(evaluate(snapshot, resolve_policies(PACKS), NOW).findings)
    rng = random.Random(5)
    mixed = [f if rng.random() < 0.7 else
             Finding(f.rule_id, f.rule_type, f.policy, f.dataset, Status.WAIVED, f.severity,
                     f.title, f.message) for f in findings]
    mixed.append(Finding("X", "survives", "p", "not-in-snapshot", Status.FAIL,
                         findings[0].severity, "t", "m"))
    for score in dataset_scores(snapshot.datasets, mixed):
        own = [f for f in mixed if f.dataset == score.dataset]
        assert score.score == score_findings(own)
    assert dataset_scores(snapshot.datasets, [])[0].score == 0  # unassessed is not safe


def test_place_memos_give_the_computed_relations() -> None:
    rng = random.Random(9)
    locations = [_location(rng) for _ in range(40)]
    kinds_sets = [(K.CAMPUS,), (K.METRO,), (K.HOST,), (K.CAMPUS, K.BUILDING), (K.ACCOUNT,)]
    for a in locations:
        for b in locations:
            assert distance_km(a, b) == _distance(a, b)
            for kind in K:
                assert relation(a, b, kind) == _relation(a, b, kind)
            for kinds in kinds_sets:
                assert copy_relation(a, b, kinds) == _copy_relation(a, b, kinds)


def test_places_are_interned_by_the_content_compared() -> None:
    def at(point: tuple[float, float] | None, **claims: str) -> Location:
        coords = Coordinates(*point, Source.CATALOG, "x") if point else None
        return Location(tuple(Claim(K(k), v, Source.DECLARED, f"line {i}")
                              for i, (k, v) in enumerate(claims.items())), coords)

    campus = frozenset({K.CAMPUS, K.METRO})
    a = at((48.5, 7.7), campus="sbg", host="h1")
    b = at((48.5, 7.7), campus="sbg", host="h2")
    c = at((50.0, 3.1), campus="sbg", host="h1")
    assert a.place(campus, True) is b.place(campus, True)  # the host is not compared
    assert a.place(campus, True) is not c.place(campus, True)  # the coordinates are
    assert a.place(campus, False) is c.place(campus, False)
    assert a.place(frozenset({K.HOST}), False) is not b.place(frozenset({K.HOST}), False)


def test_bounded_memos_start_afresh_and_stay_right(monkeypatch: pytest.MonkeyPatch) -> None:
    from drcheck.evaluate import domains
    from drcheck.shared import model

    monkeypatch.setattr(domains, "MEMO_LIMIT", 5)
    monkeypatch.setattr(model, "_PLACES_LIMIT", 3)
    rng = random.Random(4)
    locations = [_location(rng) for _ in range(15)]
    for a in locations:
        for b in locations:
            assert copy_relation(a, b, (K.CAMPUS,)) == _copy_relation(a, b, (K.CAMPUS,))
            assert relation(a, b, K.HOST) == _relation(a, b, K.HOST)
    assert len(domains._RELATIONS) <= 5
    assert len(model._PLACES) <= 3
    snapshot = _estate(120, seed=8)
    assert list(evaluate(snapshot, resolve_policies(PACKS), NOW).findings) == \
        _plain_findings(snapshot)
