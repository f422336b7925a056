"""What-if vocabulary: domains, the bar a copy must meet, replica fates, cuts and sweeps.

A *domain* is a ``(DomainKind, value)`` pair, written ``kind:value`` on the command line
(``campus:ovh-sbg``, ``account:aws:123456789012``, ``host:host:db-1``). A *scenario* is a set
of domains lost together. Everything here is a frozen dataclass or an enum; the analysis
lives in ``survival``, ``cuts`` and ``sweep``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from drcheck.shared.errors import UsageError
from drcheck.shared.model import DomainKind

Domain = tuple[DomainKind, str]
"""A failure domain: its kind and its id (the ``value`` of the claims that name it)."""


def parse_domain(text: str) -> Domain:
    """``campus:ovh-sbg`` → ``(CAMPUS, "ovh-sbg")``; the id may itself contain colons."""
    kind, sep, value = text.strip().partition(":")
    kinds = ", ".join(k.value for k in DomainKind)
    if not sep or not value:
        raise UsageError(f"{text!r} is not KIND:ID", hint=f"e.g. campus:ovh-sbg; kinds: {kinds}")
    try:
        return DomainKind(kind), value
    except ValueError:
        raise UsageError(f"{text!r}: unknown domain kind {kind!r}", hint=f"kinds: {kinds}") \
            from None


KIND_VALUE: dict[DomainKind, str] = {k: k.value for k in DomainKind}
"""Each kind's name, without the enum's property lookup (the sweep asks millions of times)."""


def label(domain: Domain) -> str:
    """``kind:value``, the form used on the command line and in reports."""
    return f"{KIND_VALUE[domain[0]]}:{domain[1]}"


@dataclass(frozen=True)
class Bar:
    """What a surviving copy must be to count: fresh enough, and immutable when asked.

    ``max_age`` None means no freshness bar. The primary is the live data: it is fresh by
    definition and immutability is never asked of it.
    """

    max_age: timedelta | None = None
    require_immutable: bool = False
    min_retention_days: int = 0


class Standing(str, Enum):
    """Whether a replica meets the bar, whatever happens to its domains."""

    GOOD = "good"
    STALE = "stale"
    UNVERIFIED = "unverified"
    MUTABLE = "mutable"


class Fate(str, Enum):
    """What a scenario does to one replica."""

    LOST = "lost"
    UNKNOWN = "unknown"
    SURVIVES = "survives"


class Verdict(str, Enum):
    """What a scenario does to one dataset, worst first.

    LOST: no replica survives. DEGRADED: only copies below the bar survive (stale,
    unverified, mutable). UNKNOWN: no good replica is known to survive, but one might:
    unknown claims decide. SURVIVES: a good replica (possibly the primary) survives.
    """

    LOST = "lost"
    DEGRADED = "degraded"
    UNKNOWN = "unknown"
    SURVIVES = "survives"


@dataclass(frozen=True)
class ReplicaFate:
    """One replica under a scenario: its standing, its fate and why."""

    name: str
    role: str
    standing: Standing
    fate: Fate
    reason: str


@dataclass(frozen=True)
class DatasetFate:
    """One dataset under a scenario, with every replica's fate."""

    dataset: str
    criticality: str
    bytes: int | None
    verdict: Verdict
    replicas: tuple[ReplicaFate, ...]

    @property
    def unknowns(self) -> tuple[str, ...]:
        """The unknown location facts that decide an UNKNOWN verdict."""
        return tuple(f"{r.name}: {r.reason}" for r in self.replicas
                     if r.fate is Fate.UNKNOWN and r.standing is Standing.GOOD)


@dataclass(frozen=True)
class ScenarioResult:
    """The outcome of losing ``lost`` together: every dataset that does not survive."""

    lost: tuple[Domain, ...]
    datasets: tuple[DatasetFate, ...]
    evaluated: int


@dataclass(frozen=True)
class Cut:
    """A minimal set of domains whose loss destroys every good replica of a dataset.

    ``certain`` cuts rest on claims alone; the others (``unknowns`` non-empty) would kill
    the dataset only if some replica's unknown location is in fact inside the cut.
    """

    domains: tuple[Domain, ...]
    certain: bool
    unknowns: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """The domains as ``kind:value``."""
        return tuple(label(d) for d in self.domains)


def cut_text(cut: Cut) -> str:
    """``{campus:ovh-sbg}``, or with the unknowns that decide an uncertain cut."""
    text = "{" + ", ".join(cut.labels) + "}"
    return text if cut.certain else f"{text}? ({'; '.join(cut.unknowns)})"


@dataclass(frozen=True)
class DatasetCuts:
    """A dataset's minimal cut sets up to the sweep depth, and its blind spots.

    ``blind`` names kinds for which no good replica has any claim and no two of them are
    proven apart: one domain of that kind, named nowhere, might hold them all.
    """

    dataset: str
    criticality: str
    bytes: int | None
    good: int
    cuts: tuple[Cut, ...]
    blind: tuple[str, ...] = ()

    def of_size(self, size: int, certain: bool = True) -> tuple[Cut, ...]:
        """The cuts with exactly ``size`` domains (only the certain ones by default)."""
        return tuple(c for c in self.cuts if len(c.domains) == size and c.certain is certain)


@dataclass(frozen=True)
class Impact:
    """What the loss of one domain (or one pair) destroys, for ranking.

    ``lost`` are datasets certainly destroyed; ``unknown`` those whose fate hinges on
    unknown claims. For a pair, only datasets neither domain destroys alone are counted.
    """

    domains: tuple[Domain, ...]
    lost: tuple[str, ...]
    unknown: tuple[str, ...]
    weight: int
    bytes: int

    @property
    def labels(self) -> tuple[str, ...]:
        """The domains as ``kind:value``."""
        return tuple(label(d) for d in self.domains)


@dataclass(frozen=True)
class SweepResult:
    """An N-1 (and with depth 2, N-2) sweep: ranked impacts and per-dataset cuts."""

    depth: int
    kinds: tuple[DomainKind, ...]
    swept: int
    singles: tuple[Impact, ...]
    pairs: tuple[Impact, ...]
    datasets: tuple[DatasetCuts, ...]
