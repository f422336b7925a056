"""Metrics in the node_exporter textfile-collector format, for nightly audits.

The estate's score, datasets by state, findings by severity and status and by rule, the
number of collection issues, and the audit's duration and timestamp. Per-dataset series (score,
age of each copy's newest restore point, relative to the evaluation time so rendering stays
pure) are written for datasets that need attention (score under 100, a failed or unknown
finding), so cardinality follows the problems, not the estate's size;
``DRCHECK_PROMETHEUS_DATASETS=all`` writes them for every dataset.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from operator import attrgetter

from drcheck.inputs.durations import CLOCK_SKEW, parse_time
from drcheck.report.base import Reporter
from drcheck.shared.model import AuditResult, FactKey, Severity, Status

Sample = tuple[dict[str, str], float]
_SEVERITY_STATUS = attrgetter("severity", "status")
_RULE_STATUS = attrgetter("policy", "rule_id", "status")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _family(name: str, help_text: str, samples: Iterable[Sample]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    for labels, value in samples:
        inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
        lines.append(f"{name}{{{inner}}} {_number(value)}" if inner
                     else f"{name} {_number(value)}")
    return lines


def attention(result: AuditResult) -> set[str] | None:
    """Datasets that get per-dataset series; None means every dataset (on request)."""
    if os.environ.get("DRCHECK_PROMETHEUS_DATASETS", "") == "all":
        return None
    names = {s.dataset for s in result.scores if s.score < 100}
    names |= {f.dataset for f in result.findings if f.status in (Status.FAIL, Status.UNKNOWN)}
    return names


def _rule_counts(result: AuditResult) -> list[Sample]:
    counts = Counter(map(_RULE_STATUS, result.findings))
    return [({"policy": p, "rule_id": r, "status": st.value}, float(n))
            for (p, r, st), n in sorted(counts.items(), key=lambda kv: (
                kv[0][0], kv[0][1], kv[0][2].value))]


def _restore_ages(result: AuditResult, only: set[str] | None) -> list[Sample]:
    now = parse_time(result.evaluated_at)
    out: list[Sample] = []
    for d in result.snapshot.datasets:
        if only is not None and d.name not in only:
            continue
        for r in d.copies:
            ev = r.fact(FactKey.NEWEST_RESTORE_POINT)
            if ev is None or not isinstance(ev.value, str):
                continue
            try:
                age = (now - parse_time(ev.value)).total_seconds()
            except ValueError:
                continue
            if age < -CLOCK_SKEW.total_seconds():  # in the future: no honest age to show
                continue
            out.append(({"dataset": d.name, "copy": r.name}, age))
    return out


class PrometheusReporter(Reporter):
    """The result as Prometheus text exposition, one gauge family per measure."""

    name = "prometheus"
    shows_passes = False  # passes are counted or listed by name, never explained

    def render(self, result: AuditResult) -> str:
        """Metrics text ending in a newline."""
        tally = Counter(map(_SEVERITY_STATUS, result.findings))  # one pass, not twenty
        findings = [({"severity": sev.value, "status": st.value}, float(tally[(sev, st)]))
                    for sev in Severity for st in Status]
        only = attention(result)
        flagged = len(only) if only is not None else sum(
            1 for s in result.scores if s.score < 100)
        lines = _family("drcheck_score", "Estate disaster-recovery readiness score (0-100).",
                        [({}, result.score)])
        lines += _family("drcheck_datasets", "Datasets, and how many need attention.",
                         [({"state": "all"}, float(len(result.scores))),
                          ({"state": "attention"}, float(flagged))])
        lines += _family("drcheck_dataset_score", "Readiness score of a dataset that needs "
                         "attention (every dataset with DRCHECK_PROMETHEUS_DATASETS=all).",
                         [({"dataset": s.dataset, "criticality": s.criticality}, s.score)
                          for s in result.scores if only is None or s.dataset in only])
        lines += _family("drcheck_findings", "Findings by severity and status.", findings)
        lines += _family("drcheck_rule_findings", "Findings by policy, rule and status.",
                         _rule_counts(result))
        lines += _family("drcheck_newest_restore_point_age_seconds",
                         "Age of a copy's newest restore point at evaluation time (datasets "
                         "that need attention).", _restore_ages(result, only))
        lines += _family("drcheck_collection_issues", "Problems probes reported.",
                         [({}, len(result.snapshot.issues))])
        if result.duration_seconds is not None:
            lines += _family("drcheck_audit_duration_seconds", "How long the audit took.",
                             [({}, round(result.duration_seconds, 3))])
        lines += _family("drcheck_audit_timestamp_seconds",
                         "When the audit evaluated, as Unix time.",
                         [({}, parse_time(result.evaluated_at).timestamp())])
        return "\n".join(lines) + "\n"
