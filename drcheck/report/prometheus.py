"""Metrics in the node_exporter textfile-collector format, for nightly audits.

Score per dataset and for the estate, findings by severity and status, the age of each
copy's newest restore point (relative to the evaluation time, so rendering stays pure), the
number of collection issues, and the audit's duration and timestamp.
"""

from __future__ import annotations

from collections.abc import Iterable

from drcheck.durations import CLOCK_SKEW, parse_time
from drcheck.model import AuditResult, FactKey, Severity, Status
from drcheck.report.base import Reporter

Sample = tuple[dict[str, str], float]


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


def _restore_ages(result: AuditResult) -> list[Sample]:
    now = parse_time(result.evaluated_at)
    out: list[Sample] = []
    for d in result.snapshot.datasets:
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

    def render(self, result: AuditResult) -> str:
        """Metrics text ending in a newline."""
        findings = [({"severity": sev.value, "status": st.value},
                     float(sum(1 for f in result.findings
                               if f.severity is sev and f.status is st)))
                    for sev in Severity for st in Status]
        lines = _family("drcheck_score", "Estate disaster-recovery readiness score (0-100).",
                        [({}, result.score)])
        lines += _family("drcheck_dataset_score", "Readiness score of one dataset (0-100).",
                         [({"dataset": s.dataset, "criticality": s.criticality}, s.score)
                          for s in result.scores])
        lines += _family("drcheck_findings", "Findings by severity and status.", findings)
        lines += _family("drcheck_newest_restore_point_age_seconds",
                         "Age of a copy's newest restore point at evaluation time.",
                         _restore_ages(result))
        lines += _family("drcheck_collection_issues", "Problems probes reported.",
                         [({}, len(result.snapshot.issues))])
        if result.duration_seconds is not None:
            lines += _family("drcheck_audit_duration_seconds", "How long the audit took.",
                             [({}, round(result.duration_seconds, 3))])
        lines += _family("drcheck_audit_timestamp_seconds",
                         "When the audit evaluated, as Unix time.",
                         [({}, parse_time(result.evaluated_at).timestamp())])
        return "\n".join(lines) + "\n"
