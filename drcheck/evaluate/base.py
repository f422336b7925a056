"""The rule contract: a rule type checks one dataset against its parameters and says why.

A rule type is pure: it reads the dataset's replicas, their locations and facts, and the
injected ``now``; it never does I/O and never reads the clock. It returns an ``Outcome``; the
engine turns outcomes into ``Finding`` records with ids, severities and fingerprints.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from drcheck.model import (
    Dataset,
    Evidence,
    EvidenceRef,
    ProbeIssue,
    Replica,
    SharedDomain,
    Status,
)


@dataclass(frozen=True)
class Context:
    """What every rule may read besides the dataset: the time and the collection issues."""

    now: datetime
    issues: Mapping[str, tuple[ProbeIssue, ...]] = field(default_factory=dict)
    not_probed: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """A rule's verdict on one dataset, with the evidence and the shared domains behind it."""

    status: Status
    message: str
    shared: tuple[SharedDomain, ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()
    unknowns: tuple[str, ...] = ()


class RuleType(ABC):
    """One kind of check (``separation``, ``max-age``…), parameterised by a policy rule."""

    name: ClassVar[str]
    summary: ClassVar[str]
    params_schema: ClassVar[dict[str, Any]]

    @abstractmethod
    def check(self, dataset: Dataset, params: Mapping[str, Any], ctx: Context) -> Outcome:
        """Judge ``dataset``; unknown facts yield ``Status.UNKNOWN``, never a pass."""


def quote(replica: Replica, key: str, ev: Evidence) -> EvidenceRef:
    """An ``EvidenceRef`` for one fact of one replica."""
    return EvidenceRef(replica.id, key, ev.value, ev.source, ev.origin, ev.observed_at)


def plural(n: int, word: str) -> str:
    """``1 copy``, ``2 copies``."""
    if n == 1:
        return f"1 {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def count_verdict(good: int, maybe: int, need: int) -> Status:
    """Pass when ``good`` reaches ``need``; fail when even the unknowns could not; else unknown."""
    if good >= need:
        return Status.PASS
    if good + maybe < need:
        return Status.FAIL
    return Status.UNKNOWN
