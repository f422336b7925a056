"""The compliance view: findings grouped by the controls of one framework, with a verdict each.

A control fails when any finding mapped to it fails, is unknown when none fails but some
could not be told, and passes otherwise (a waived finding counts as passed, as in the
score, but stays listed). Findings mapped to no control of the framework are grouped under
``UNMAPPED`` so nothing disappears from the page an auditor signs off.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from operator import attrgetter

from drcheck.shared.model import Finding, Status

UNMAPPED = "(no control)"
_STATUS = attrgetter("status")
_CONTROLS = attrgetter("controls")


@dataclass(frozen=True)
class ControlRow:
    """One control of a framework and the findings that bear on it."""

    framework: str
    control: str
    status: Status
    findings: tuple[Finding, ...]

    def count(self, status: Status) -> int:
        """How many of the control's findings have ``status``."""
        return self._counts.get(status, 0)

    @cached_property
    def _counts(self) -> Counter[Status]:
        return Counter(map(_STATUS, self.findings))


def _natural(text: str) -> tuple[object, ...]:
    """Sort key that puts CP-9 before CP-10 and A.8.9 before A.8.13."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def control_status(findings: Iterable[Finding]) -> Status:
    """Fail if any failed; else unknown if any could not tell; else pass."""
    statuses = set(map(_STATUS, findings))
    if Status.FAIL in statuses:
        return Status.FAIL
    if Status.UNKNOWN in statuses:
        return Status.UNKNOWN
    return Status.PASS


def frameworks_of(findings: Sequence[Finding]) -> list[str]:
    """Every framework some finding maps to, sorted."""
    return sorted({fw for f in findings for fw in f.controls})


def control_rows(findings: Sequence[Finding], framework: str,
                 include_unmapped: bool = True) -> list[ControlRow]:
    """The framework's controls in natural order, each with its findings and verdict."""
    grouped: dict[str, list[Finding]] = {}
    for mapping, run in groupby(findings, key=_CONTROLS):  # a rule's findings share one
        controls = mapping.get(framework, ())
        if not controls and not include_unmapped:
            continue
        same = list(run)
        if not controls:
            grouped.setdefault(UNMAPPED, []).extend(same)
        for control in controls:
            grouped.setdefault(control, []).extend(same)
    order = sorted((c for c in grouped if c != UNMAPPED), key=_natural)
    if UNMAPPED in grouped:
        order.append(UNMAPPED)
    return [ControlRow(framework, c, control_status(grouped[c]), tuple(grouped[c]))
            for c in order]
