"""The score formula, as the README states it."""

from __future__ import annotations

from drcheck.evaluate.scoring import dataset_scores, estate_score, score_findings
from drcheck.shared.model import DatasetScore, Finding, Severity, Status
from tests.core.builders import ds, loc, rep


def f(status: Status, severity: Severity, dataset: str = "ds") -> Finding:
    return Finding("R", "t", "p", dataset, status, severity, "", "")


def test_weighted_ratio_floored() -> None:
    # weights: high 5 (pass), medium 3 (fail), low 1 (pass) -> 6/9 = 66.6 -> 66
    assert score_findings([f(Status.PASS, Severity.HIGH), f(Status.FAIL, Severity.MEDIUM),
                           f(Status.PASS, Severity.LOW)]) == 66


def test_caps_for_failed_critical_and_high_and_unknown() -> None:
    many_passes = [f(Status.PASS, Severity.CRITICAL)] * 20
    assert score_findings([*many_passes, f(Status.FAIL, Severity.CRITICAL)]) == 40
    assert score_findings([*many_passes, f(Status.FAIL, Severity.HIGH)]) == 70
    assert score_findings([*many_passes, f(Status.UNKNOWN, Severity.LOW)]) == 90
    assert score_findings([*many_passes, f(Status.UNKNOWN, Severity.INFO)]) == 100


def test_waived_counts_as_passed_and_no_rules_scores_zero() -> None:
    assert score_findings([f(Status.WAIVED, Severity.HIGH)]) == 100
    assert score_findings([]) == 0


def test_estate_score_is_criticality_weighted_mean() -> None:
    scores = [DatasetScore("a", "critical", 40, {}), DatasetScore("b", "low", 100, {})]
    assert estate_score(scores) == (4 * 40 + 1 * 100) // 5
    assert estate_score([]) == 0


def test_dataset_scores_counts_statuses() -> None:
    d = ds(rep("p", loc(), "primary"))
    (score,) = dataset_scores([d], [f(Status.PASS, Severity.HIGH), f(Status.FAIL, Severity.LOW)])
    assert score.counts == {"pass": 1, "fail": 1, "unknown": 0, "waived": 0}
    assert score.score == 5 * 100 // 6
