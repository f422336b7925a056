"""Scores from 0 to 100, per dataset and for the estate; the formula is in the README.

Dataset score = 100 × (sum of the severity weights of passed or waived rules) / (sum of the
weights of all rules applied), floored, then capped: a failed critical rule caps it at 40, a
failed high rule at 70, and any unknown at 90 (unknown is never safe). A dataset with a
single-domain cut (a failed ``survives`` rule naming one domain whose loss destroys every
good replica) scores at most 50, whatever that rule's severity. A dataset no rule
applied to scores 0 and says so: unassessed is not safe either. The estate score is the mean
of dataset scores weighted by criticality (low 1, medium 2, high 3, critical 4), floored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import attrgetter

from drcheck.shared.model import Dataset, DatasetScore, Finding, Severity, Status

SEVERITY_WEIGHT = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 3,
    Severity.HIGH: 5,
    Severity.CRITICAL: 10,
}
CRITICALITY_WEIGHT = {"low": 1, "medium": 2, "high": 3, "critical": 4}
FAIL_CAPS = {Severity.CRITICAL: 40, Severity.HIGH: 70}
UNKNOWN_CAP = 90
SINGLE_CUT_CAP = 50
"""Ceiling for a dataset one failure-domain loss away from having no good copy."""


def score_findings(findings: Sequence[Finding]) -> int:
    """The 0–100 score of one dataset's findings."""
    total = sum(SEVERITY_WEIGHT[f.severity] for f in findings)
    if not findings:
        return 0
    earned = sum(SEVERITY_WEIGHT[f.severity] for f in findings
                 if f.status in (Status.PASS, Status.WAIVED))
    score = 100 * earned // total if total else 100
    for f in findings:
        if f.status is Status.FAIL and f.severity in FAIL_CAPS:
            score = min(score, FAIL_CAPS[f.severity])
        if f.status is Status.UNKNOWN and f.severity is not Severity.INFO:
            score = min(score, UNKNOWN_CAP)
        if f.status is Status.FAIL and f.rule_type == "survives" and f.shared:
            score = min(score, SINGLE_CUT_CAP)
    return score


Terms = tuple[int, str, bool, int]
"""What one finding of a status and severity adds: weight, status count, earned?, cap."""


def _terms(status: Status, severity: Severity) -> Terms:
    """``score_findings``'s rules for one finding of ``status`` and ``severity`` (a failed
    ``survives`` rule naming a domain caps further: ``_Tally.single_cut``)."""
    weight = SEVERITY_WEIGHT[severity]
    earns = status is Status.PASS or status is Status.WAIVED
    cap = 100
    if status is Status.FAIL:
        cap = FAIL_CAPS.get(severity, 100)
    elif status is Status.UNKNOWN and severity is not Severity.INFO:
        cap = UNKNOWN_CAP
    return weight, _STATUS_VALUE[status], earns, cap


class _Tally:
    """One dataset's findings folded as they come: weights, status counts and caps."""

    __slots__ = ("total", "earned", "cap", "counts")

    def __init__(self) -> None:
        self.total = 0
        self.earned = 0
        self.cap = 100
        self.counts = dict.fromkeys(_STATUS_VALUES, 0)

    def fold(self, weight: int, value: str, earns: bool, cap: int, times: int = 1) -> None:
        """Fold in ``times`` findings of the same ``_terms``."""
        self.total += weight * times
        self.counts[value] += times
        if earns:
            self.earned += weight * times
        elif cap < self.cap:
            self.cap = cap

    def single_cut(self) -> None:
        """A failed ``survives`` rule named a domain whose loss destroys every good copy."""
        self.cap = min(self.cap, SINGLE_CUT_CAP)

    def score(self) -> int:
        """The 0–100 score, as ``score_findings`` gives it."""
        if not any(self.counts.values()):
            return 0
        score = 100 * self.earned // self.total if self.total else 100
        return min(score, self.cap)


_STATUS_VALUE = {s: s._value_ for s in Status}
_STATUS_SEVERITY = attrgetter("status", "severity")
_DATASET = attrgetter("dataset")
_STATUS_VALUES = tuple(_STATUS_VALUE.values())


def dataset_scores(datasets: Sequence[Dataset], findings: Sequence[Finding]) -> tuple[
    DatasetScore, ...
]:
    """A score and status counts for every dataset, in the snapshot's order (one pass over
    the findings; the same numbers as ``score_findings`` per dataset). Findings come in runs
    of one status and severity (the engine's order): their terms are worked out per run and
    folded once per dataset of the run, times the findings it has there."""
    tallies = Tallies(d.name for d in datasets)
    for (status, severity), run in groupby(findings, key=_STATUS_SEVERITY):
        tallies.fold_findings(status, severity, list(run))
    return tallies.scores(datasets)


class Tallies:
    """The datasets' tallies folded in parts, as ``dataset_scores`` folds them whole: a
    forked worker folds the findings of its share and hands the tallies over (``export``),
    the parent folds its own and ``absorb``s the workers'."""

    def __init__(self, names: Iterable[str]) -> None:
        self.by_name = {name: _Tally() for name in names}

    def fold_findings(self, status: Status, severity: Severity,
                      findings: Sequence[Finding]) -> None:
        """``findings``, all of ``status`` and ``severity``, folded into their datasets'
        tallies (a failed ``survives`` naming a domain caps its dataset: ``single_cut``)."""
        cuts = ([f.dataset for f in findings if f.rule_type == "survives" and f.shared]
                if status is Status.FAIL else [])
        self.fold_run(status, severity, map(_DATASET, findings), cuts)

    def fold_run(self, status: Status, severity: Severity, datasets: Iterable[str],
                 single_cuts: Iterable[str] = ()) -> None:
        """Findings of one status and severity on ``datasets`` (a name once per finding);
        ``single_cuts``: the datasets among them with a failed ``survives`` naming a domain."""
        terms = _terms(status, severity)
        find = self.by_name.get
        for name, times in Counter(datasets).items():
            tally = find(name)
            if tally is not None:
                tally.fold(*terms, times)
        for name in single_cuts:
            tally = find(name)
            if tally is not None:
                tally.single_cut()

    def export(self) -> list[tuple[str, int, int, int, dict[str, int]]]:
        """Every tally as plain values, for another process's ``absorb``."""
        return [(name, t.total, t.earned, t.cap, t.counts) for name, t in self.by_name.items()]

    def absorb(self, exported: Iterable[tuple[str, int, int, int, dict[str, int]]]) -> None:
        """Add tallies another process folded (its findings are none of these)."""
        find = self.by_name.get
        for name, total, earned, cap, counts in exported:
            tally = find(name)
            if tally is None:
                continue
            tally.total += total
            tally.earned += earned
            tally.cap = min(tally.cap, cap)
            for value, n in counts.items():
                tally.counts[value] += n

    def scores(self, datasets: Sequence[Dataset]) -> tuple[DatasetScore, ...]:
        """``dataset_scores`` of everything folded, in the snapshot's order."""
        by_name = self.by_name
        return tuple(DatasetScore(d.name, d.criticality, by_name[d.name].score(),
                                  by_name[d.name].counts) for d in datasets)


def estate_score(scores: Sequence[DatasetScore]) -> int:
    """Criticality-weighted mean of the dataset scores, floored; 0 for an empty estate."""
    weights = [CRITICALITY_WEIGHT.get(s.criticality, 2) for s in scores]
    if not scores:
        return 0
    return sum(w * s.score for w, s in zip(weights, scores, strict=True)) // sum(weights)
