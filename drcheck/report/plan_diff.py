"""What a Terraform change makes worse or better: findings of the plan against a baseline.

Findings are compared by fingerprint (policy, rule, dataset) and status. A failing or
unknown finding of the plan that the baseline lacks with that status is *worse*; a failing
or unknown finding of the baseline the plan no longer has with that status is *better*. When
both sides have the same finding with different statuses the pair is one transition (``was
pass``), classified by rank: pass < unknown < fail. Pure functions; rendering never prints.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from drcheck.shared.errors import ExitCode
from drcheck.shared.model import Finding, Severity, Status

_OPEN = (Status.FAIL, Status.UNKNOWN)
_RANK = {Status.PASS: 0, Status.WAIVED: 0, Status.UNKNOWN: 1, Status.FAIL: 2}


@dataclass(frozen=True)
class Change:
    """One finding of the diff and the status the other side had (None: no such finding)."""

    finding: Finding
    was: Status | None


@dataclass(frozen=True)
class FindingDiff:
    """Worse (new), better (fixed) and unchanged open findings."""

    worse: tuple[Change, ...]
    better: tuple[Change, ...]
    unchanged: tuple[Finding, ...]


def _key(f: Finding) -> tuple[str, str, str]:
    return f.policy, f.rule_id, f.dataset


def _state(f: Finding) -> tuple[str, Status]:
    """A finding and its verdict: the same finding with another status is a change."""
    return f.fingerprint, f.status


def _order(changes: Iterable[Change]) -> tuple[Change, ...]:
    return tuple(sorted(changes, key=lambda c: (-c.finding.severity.rank, c.finding.rule_id,
                                                c.finding.dataset)))


def diff_findings(base: Sequence[Finding], head: Sequence[Finding]) -> FindingDiff:
    """Compare the baseline's findings with the plan's."""
    base_fp = {_state(f) for f in base}
    head_fp = {_state(f) for f in head}
    base_by_key = {_key(f): f for f in base}
    head_by_key = {_key(f): f for f in head}
    worse: list[Change] = []
    better: list[Change] = []
    for f in head:
        if f.status in _OPEN and _state(f) not in base_fp:
            old = base_by_key.get(_key(f))
            was = old.status if old else None
            (worse if _RANK[f.status] > _RANK.get(was or Status.PASS, 0) else better).append(
                Change(f, was))
    for f in base:
        if f.status in _OPEN and _state(f) not in head_fp:
            new = head_by_key.get(_key(f))
            if new is not None and new.status in _OPEN:
                continue  # already reported from the plan's side
            better.append(Change(new or f, f.status))
    unchanged = tuple(f for f in head if f.status in _OPEN and _state(f) in base_fp)
    return FindingDiff(_order(worse), _order(better), unchanged)


def diff_exit_code(diff: FindingDiff, fail_on: Severity) -> ExitCode:
    """1 if the change adds a failure at or above ``fail_on``; else 3 for a new unknown; else 0."""
    gating = [c.finding for c in diff.worse if c.finding.severity.rank >= fail_on.rank]
    if any(f.status is Status.FAIL for f in gating):
        return ExitCode.FINDINGS
    if any(f.status is Status.UNKNOWN for f in gating):
        return ExitCode.INCOMPLETE
    return ExitCode.OK


def _was(change: Change) -> str:
    return f"was {change.was.value}" if change.was else "new"


def _line(change: Change, markdown: bool) -> str:
    f = change.finding
    status = f.status.value.upper() if change.finding.status in _OPEN else f.status.value
    head = f"{status} [{f.severity.value}] {f.rule_id} on {f.dataset} ({_was(change)})"
    if markdown:
        return f"- **{head}**: {f.title}  \n  {f.message}"
    return f"  {head}\n    {f.title}: {f.message}"


def render_text(diff: FindingDiff, markdown: bool = False) -> str:
    """A reviewer's summary: worse, then better, then the count of unchanged open findings."""
    lines = [f"{'**drcheck**' if markdown else 'drcheck'}: this change makes "
             f"{len(diff.worse)} finding(s) worse and {len(diff.better)} better; "
             f"{len(diff.unchanged)} open finding(s) unchanged."]
    for title, changes in (("Worse", diff.worse), ("Better", diff.better)):
        if changes:
            lines.append("")
            lines.append(f"### {title}" if markdown else f"{title}:")
            lines.extend(_line(c, markdown) for c in changes)
    return "\n".join(lines) + "\n"


def _change_json(change: Change) -> dict[str, object]:
    f = change.finding
    return {"policy": f.policy, "rule_id": f.rule_id, "dataset": f.dataset,
            "status": f.status.value, "was": change.was.value if change.was else None,
            "severity": f.severity.value, "title": f.title, "message": f.message,
            "fingerprint": f.fingerprint}


def render_json(diff: FindingDiff) -> str:
    """The diff as JSON (``schema_version`` 1)."""
    doc = {
        "schema_version": 1,
        "worse": [_change_json(c) for c in diff.worse],
        "better": [_change_json(c) for c in diff.better],
        "unchanged": [_change_json(Change(f, f.status)) for f in diff.unchanged],
    }
    return json.dumps(doc, indent=2) + "\n"
