"""The brief's vocabulary: frozen records from dataset impacts up to the whole brief."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from drcheck.brief.regimes import Regime, Source
from drcheck.evaluate.survival.model import DatasetFate, Domain, label
from drcheck.shared.model import Business, Organisation


class Outcome(str, Enum):
    """What a lost domain leaves of one dataset, worst first.

    LOST: no replica survives. DEGRADED: only copies below the bar survive (stale,
    unverified, mutable), or the primary is lost and no surviving copy was ever
    restore-tested. UNKNOWN: unknown claims decide. SAFE: the primary or a good,
    restore-tested copy survives.
    """

    LOST = "lost"
    DEGRADED = "degraded"
    UNKNOWN = "unknown"
    SAFE = "safe"


class DutyStatus(str, Enum):
    """Whether the declared facts meet a regime's stated trigger."""

    TRIGGERED = "triggered"
    TO_ASSESS = "to-assess"
    NOT_TRIGGERED = "not-triggered"
    NOT_APPLICABLE = "not-applicable"
    NOT_ASSESSED = "not-assessed"


@dataclass(frozen=True)
class Recovery:
    """The recovery point achievable now from the best surviving replica, against the RPO.

    ``age`` None and ``point`` None with nothing surviving: "none". ``rpo_from`` says
    where the objective came from (``estate`` or ``policy max-age``).
    """

    text: str
    source: str | None
    point: str | None
    age: timedelta | None
    rpo: timedelta | None
    rpo_from: str | None
    meets: bool | None


@dataclass(frozen=True)
class Restore:
    """A restore-time estimate from the surviving copy's size and throughput, against the RTO."""

    text: str
    copy: str | None
    bytes: int | None
    throughput: int | None
    throughput_declared: bool
    estimate: timedelta | None
    rto: timedelta | None
    meets: bool | None


@dataclass(frozen=True)
class DatasetImpact:
    """One dataset under the loss of a domain."""

    dataset: str
    criticality: str
    outcome: Outcome
    why: str
    primary_lost: bool
    survivors: tuple[str, ...]
    fate: DatasetFate
    business: Business | None
    recovery: Recovery
    restore: Restore

    @property
    def hit(self) -> bool:
        """True when the loss takes the live data away (restore needed) or worse."""
        return self.primary_lost or self.outcome is not Outcome.SAFE


@dataclass(frozen=True)
class Step:
    """One deadline of a duty; ``due`` None when there is no fixed time or no --incident-at."""

    step: str
    text: str
    due: datetime | None
    source: Source


@dataclass(frozen=True)
class Duty:
    """A regime as this loss meets it: status, recipient, the datasets behind it and why."""

    regime: Regime
    status: DutyStatus
    recipient: str
    reason: str
    datasets: tuple[tuple[str, str], ...]
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class DomainBrief:
    """The brief for one lost domain (or a set lost together)."""

    domains: tuple[Domain, ...]
    datasets: tuple[DatasetImpact, ...]
    duties: tuple[Duty, ...]
    draft: str
    untouched_counts: tuple[tuple[str, int], ...] = ()
    """Datasets whose primary survives (so they are safe), counted by criticality."""

    @property
    def labels(self) -> tuple[str, ...]:
        """The domains as ``kind:value``."""
        return tuple(label(d) for d in self.domains)

    def of(self, outcome: Outcome) -> tuple[DatasetImpact, ...]:
        """The datasets with ``outcome``."""
        return tuple(d for d in self.datasets if d.outcome is outcome)

    @property
    def hit(self) -> tuple[DatasetImpact, ...]:
        """The datasets the loss touches: primary lost, or worse (the ones reports list)."""
        return tuple(d for d in self.datasets if d.hit)

    def untouched(self) -> dict[str, int]:
        """How many datasets keep their primary (and so are safe), by criticality."""
        return dict(self.untouched_counts)

    @property
    def evaluated(self) -> int:
        """Every dataset of the estate, listed or counted."""
        return len(self.datasets) + sum(n for _, n in self.untouched_counts)


@dataclass(frozen=True)
class Brief:
    """Every domain brief, with the times and assumptions they rest on."""

    mode: str
    now: datetime
    incident_at: datetime | None
    organisation: Organisation | None
    briefs: tuple[DomainBrief, ...]
    swept: int
    destructive: int
    notice: str
    default_throughput: int
