"""The data that crosses every stage boundary: failure domains, locations, facts, findings.

Everything here is a frozen dataclass or an enum and imports nothing else from drcheck, so
the estate loader, the probes, the evaluator and the reporters all speak the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any

from drcheck.shared.ids import fingerprint
from drcheck.shared.quickbuild import builder


class DomainKind(str, Enum):
    """A kind of failure domain, broadest first.

    The physical kinds nest (jurisdiction ⊃ metro ⊃ campus ⊃ building ⊃ room ⊃ rack ⊃
    host); provider ⊃ account is the logical chain. Region is a provider's own grouping and
    implies nothing physical across providers.
    """

    PROVIDER = "provider"
    ACCOUNT = "account"
    JURISDICTION = "jurisdiction"
    REGION = "region"
    METRO = "metro"
    CAMPUS = "campus"
    BUILDING = "building"
    ROOM = "room"
    RACK = "rack"
    HOST = "host"


PHYSICAL_CHAIN: tuple[DomainKind, ...] = (
    DomainKind.JURISDICTION,
    DomainKind.METRO,
    DomainKind.CAMPUS,
    DomainKind.BUILDING,
    DomainKind.ROOM,
    DomainKind.RACK,
    DomainKind.HOST,
)
LOGICAL_CHAIN: tuple[DomainKind, ...] = (DomainKind.PROVIDER, DomainKind.ACCOUNT)


class Source(str, Enum):
    """Where a claim or fact came from; the weakest is the catalog, the strongest a probe."""

    DECLARED = "declared"
    CATALOG = "catalog"
    PROBED = "probed"


class Status(str, Enum):
    """The outcome of one rule on one dataset."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    WAIVED = "waived"


class Severity(str, Enum):
    """How much a failing rule matters; ordered by ``rank``."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Position from 0 (info) to 4 (critical), for comparisons and sorting."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(Severity)}
"""Keyed by the members themselves: a ``str`` enum hashes as its value, and reading
``member.value`` goes through Python 3.11's slow ``enum.property``."""
_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement that a location belongs to a failure domain, with its provenance.

    ``origin`` says exactly where the statement was read (``estate.yaml:12``,
    ``catalog:ovh/s3/sbg``, ``s3:GetBucketLocation``); ``uncertain`` marks catalog rows whose
    source is itself unconfirmed.
    """

    kind: DomainKind
    value: str
    source: Source
    origin: str
    observed_at: str | None = None
    uncertain: bool = False

    @property
    def label(self) -> str:
        """``kind:value``, the form used on the command line and in messages."""
        return f"{self.kind.value}:{self.value}"


@dataclass(frozen=True, slots=True)
class Coordinates:
    """A point in degrees (WGS84) and where it came from; city-level unless stated."""

    lat: float
    lon: float
    source: Source
    origin: str
    uncertain: bool = False


@dataclass(frozen=True)
class Location:
    """A set of typed failure-domain claims plus coordinates when known.

    Several claims of one kind may disagree (the estate says SBG1, the endpoint says GRA):
    ``values`` returns all of them, and the evaluator treats a location as sharing a domain
    when any claim matches, so a disagreement can never make a copy look safer.
    """

    claims: tuple[Claim, ...] = ()
    coordinates: Coordinates | None = None

    def place(self, kinds: frozenset[DomainKind], point: bool) -> Place:
        """This location's claims of ``kinds`` (and with ``point`` its coordinates), interned:
        equal content gives the one same ``Place``, so an evaluator can memoise on places
        (a few hundred in a large estate) instead of replicas. Cached per location."""
        key = (kinds, point)
        found = self._places.get(key)
        if found is None:
            content = (frozenset((k, v) for k, v in self._by_kind.items() if k in kinds),
                       (self.coordinates.lat, self.coordinates.lon)
                       if point and self.coordinates is not None else None)
            found = _PLACES.get(content)
            if found is None:
                if len(_PLACES) >= _PLACES_LIMIT:  # a new Place for old content is still right
                    _PLACES.clear()
                found = _PLACES[content] = Place(len(_PLACES), *content)
            self._places[key] = found
        return found

    @cached_property
    def _places(self) -> dict[tuple[frozenset[DomainKind], bool], Place]:
        return {}

    @cached_property
    def _by_kind(self) -> dict[DomainKind, frozenset[str]]:
        grouped: dict[DomainKind, set[str]] = {}
        for c in self.claims:
            grouped.setdefault(c.kind, set()).add(c.value)
        return {k: frozenset(v) for k, v in grouped.items()}

    def values(self, kind: DomainKind) -> frozenset[str]:
        """Every domain id of ``kind`` that some claim names (indexed once per location)."""
        return self._by_kind.get(kind, _NONE)

    def claims_of(self, kind: DomainKind) -> tuple[Claim, ...]:
        """The claims of one kind, in the order they were made."""
        return tuple(c for c in self.claims if c.kind is kind)

    def conflicts(self) -> dict[DomainKind, tuple[Claim, ...]]:
        """Kinds whose claims name more than one domain, with those claims."""
        return dict(self._conflicts)

    @cached_property
    def _conflicts(self) -> dict[DomainKind, tuple[Claim, ...]]:
        return {kind: self.claims_of(kind) for kind, vals in self._by_kind.items()
                if len(vals) > 1}

    @cached_property
    def kinds(self) -> frozenset[DomainKind]:
        """The kinds some claim of this location names."""
        return frozenset(self._by_kind)

    @cached_property
    def sources(self) -> frozenset[Source]:
        """Where this location's claims come from."""
        return frozenset(c.source for c in self.claims)

    def describe(self) -> str:
        """A short label: the provider and the narrowest place known (``ovh ovh-sbg2``)."""
        return self._described

    @cached_property
    def _described(self) -> str:
        parts = sorted(self.values(DomainKind.PROVIDER))
        for kind in (DomainKind.BUILDING, DomainKind.CAMPUS, DomainKind.REGION,
                     DomainKind.METRO, DomainKind.JURISDICTION):
            vals = sorted(self.values(kind))
            if vals:
                parts.append("/".join(vals))
                break
        return " ".join(parts) if parts else "location unknown"


@dataclass(frozen=True, slots=True, eq=False)
class Place:
    """What a location says of some kinds, reduced to what an evaluator compares: the
    domain ids of each of those kinds, and maybe the coordinates. One object per distinct
    content (``Location.place``), so it compares and hashes by identity, cheaply; ``id``
    numbers the places in the order they were first met."""

    id: int
    domains: frozenset[tuple[DomainKind, frozenset[str]]]
    point: tuple[float, float] | None


_PLACES: dict[tuple[frozenset[tuple[DomainKind, frozenset[str]]], tuple[float, float] | None],
              Place] = {}
_PLACES_LIMIT = 1 << 18
"""Every ``Place`` made so far, by content: a few hundred for the kinds above the host (the
evaluator asks for no others), one per asset for the host; past the limit the index starts
afresh (memos keyed on the old places stay right, as a place compares by identity)."""


FactValue = bool | int | float | str | None


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact about a copy: its value (``None`` = unknown), provenance and time.

    ``reason`` explains an unknown value (``AccessDenied on GetObjectLockConfiguration``).
    """

    value: FactValue
    source: Source
    origin: str
    observed_at: str | None = None
    reason: str | None = None

    @property
    def known(self) -> bool:
        """True when the value was established."""
        return self.value is not None


class FactKey(str, Enum):
    """The facts about a copy that rules read."""

    IMMUTABLE = "immutable"
    RETENTION_DAYS = "retention_days"
    OFFLINE = "offline"
    ENCRYPTED = "encrypted"
    NEWEST_RESTORE_POINT = "newest_restore_point"
    LAST_RESTORE_TEST = "last_restore_test"
    LAST_VERIFIED = "last_verified"
    RESTORE_POINT_BASIS = "restore_point_basis"
    NONCURRENT_EXPIRATION_DAYS = "noncurrent_expiration_days"
    EXPIRATION_DAYS = "expiration_days"
    BYTES = "bytes"
    RESTORE_THROUGHPUT = "restore_throughput"
    """Bytes per second a restore from this copy is declared to reach."""


class ReplicaKind(str, Enum):
    """What holds a copy of a dataset."""

    HOST = "host"
    BUCKET = "bucket"
    MEDIUM = "medium"


@dataclass(frozen=True, slots=True)
class Replica:
    """The primary or one copy of a dataset, at a resolved location, with its facts."""

    id: str
    name: str
    role: str
    kind: ReplicaKind
    asset: str
    path: str | None
    location: Location
    facts: Mapping[str, Evidence] = field(default_factory=dict)
    origin: str = ""

    def fact(self, key: FactKey) -> Evidence | None:
        """The evidence recorded for ``key``, or None when nothing was recorded."""
        return self.facts.get(key._value_)


@dataclass(frozen=True)
class PersonalData:
    """The personal data a dataset holds (GDPR Art. 4(1)), the Art. 9 special categories
    kept apart. Both empty: declared to hold no personal data."""

    categories: tuple[str, ...] = ()
    special_categories: tuple[str, ...] = ()

    @property
    def present(self) -> bool:
        """True when some personal data is declared."""
        return bool(self.categories or self.special_categories)


@dataclass(frozen=True)
class Business:
    """What a dataset means to the business and the law, as the estate declares it.

    ``rpo``/``rto`` are durations (``24h``); ``personal_data`` None means not declared
    (which is never read as "none").
    """

    rpo: str | None = None
    rto: str | None = None
    services: tuple[str, ...] = ()
    owner: str | None = None
    customers: int | None = None
    personal_data: PersonalData | None = None
    subjects: int | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Dataset:
    """Data that must survive: where it lives (primary) and where its copies are."""

    name: str
    primary: Replica
    copies: tuple[Replica, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    criticality: str = "medium"
    facts: Mapping[str, Evidence] = field(default_factory=dict)
    origin: str = ""
    business: Business | None = None

    @property
    def replicas(self) -> tuple[Replica, ...]:
        """The primary followed by every copy."""
        return (self.primary, *self.copies)


@dataclass(frozen=True, slots=True)
class ProbeIssue:
    """Something a probe could not establish or found wrong, kept for every report.

    ``code`` is a stable kebab-case word (``unreachable``, ``access-denied``,
    ``host-key-changed``, ``dangling-replication``); ``security`` marks issues that must be
    shouted about, not merely counted as unknown.
    """

    subject: str
    probe: str
    code: str
    reason: str
    observed_at: str | None = None
    security: bool = False


@dataclass(frozen=True)
class Contact:
    """Who to call for one role (``dpo``, ``ciso``, ``incident``…)."""

    role: str
    name: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Organisation:
    """The organisation behind an estate, as far as notification duties depend on it.

    ``nis2`` is ``essential``, ``important`` or ``none`` (None: not declared);
    ``jurisdiction`` an ISO 3166 country code of the main establishment (e.g. ``FR``);
    ``supervisory_authority`` names the lead GDPR authority when the estate knows it.
    """

    name: str | None = None
    sector: str | None = None
    nis2: str | None = None
    dora_financial_entity: bool | None = None
    jurisdiction: str | None = None
    supervisory_authority: str | None = None
    contacts: tuple[Contact, ...] = ()
    origin: str = ""


@dataclass(frozen=True)
class Snapshot:
    """Everything the evaluator needs, and nothing it must fetch: the facts snapshot."""

    collected_at: str
    datasets: tuple[Dataset, ...]
    sources: Mapping[str, str] = field(default_factory=dict)
    issues: tuple[ProbeIssue, ...] = ()
    probes: tuple[str, ...] = ()
    details: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    organisation: Organisation | None = None
    unattributed: tuple[Unattributed, ...] = ()
    collections: tuple[Mapping[str, Any], ...] = ()
    """Who collected what: runner, shard, selection, time and assets of each probe run."""
    partial: Mapping[str, Any] | None = None
    """A shard's estate text and raw probe reports, until ``drcheck merge`` assembles them."""


@dataclass(frozen=True, slots=True)
class Unattributed:
    """A copy a probe found whose sources could not be determined: counted for no dataset."""

    subject: str
    name: str
    tool: str
    origin: str
    reason: str


@dataclass(frozen=True, slots=True)
class SharedDomain:
    """A failure domain that several replicas of one dataset have in common."""

    kind: DomainKind
    value: str
    replicas: tuple[str, ...]

    @property
    def label(self) -> str:
        """``kind:value``."""
        return f"{self.kind.value}:{self.value}"


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """A fact a finding rests on, quoted with its provenance."""

    subject: str
    key: str
    value: FactValue
    source: Source
    origin: str
    observed_at: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """The outcome of one rule on one dataset, explained."""

    rule_id: str
    rule_type: str
    policy: str
    dataset: str
    status: Status
    severity: Severity
    title: str
    message: str
    shared: tuple[SharedDomain, ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()
    unknowns: tuple[str, ...] = ()
    controls: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    waiver: str | None = None

    @property
    def fingerprint(self) -> str:
        """The finding's permanent id (``ids.fingerprint``): derived from policy, rule and
        dataset when asked, never stored, so it cannot disagree with them, and the findings
        no report names by id (most passes) cost no hash."""
        return fingerprint(self.policy, self.rule_id, self.dataset)


@dataclass(frozen=True, slots=True)
class DatasetScore:
    """A dataset's 0–100 score and the counts behind it."""

    dataset: str
    criticality: str
    score: int
    counts: Mapping[str, int]


@dataclass(frozen=True)
class RuleRef:
    """A policy rule as reports describe it: where it is defined and what it maps to."""

    policy: str
    rule_id: str
    rule_type: str
    title: str
    severity: Severity
    origin: str
    description: str = ""
    controls: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class WaiverNote:
    """A waiver as one audit applied it: the findings it waived, or that it had expired."""

    id: str
    reason: str
    owner: str
    expires: str
    origin: str
    expired: bool
    matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuditResult:
    """Findings, scores and the snapshot they were computed from.

    The optional fields are filled in after evaluation by the output stage: rule
    definitions (for SARIF), waivers applied or expired, the baseline compared against
    (``baselined`` = fingerprints it accepts, ``fixed`` = its findings that no longer fail)
    and how long the audit took.
    """

    evaluated_at: str
    findings: tuple[Finding, ...]
    scores: tuple[DatasetScore, ...]
    score: int
    snapshot: Snapshot
    policies: tuple[str, ...]
    rules: tuple[RuleRef, ...] = ()
    waivers: tuple[WaiverNote, ...] = ()
    baseline: str | None = None
    baselined: tuple[str, ...] = ()
    fixed: tuple[Finding, ...] = ()
    duration_seconds: float | None = None


# The records made by the hundred thousand (a finding per rule and dataset, four records per
# replica while a snapshot is read or assembled), constructed the quick way (``quickbuild``):
# each is exactly what calling the class makes.
new_claim = builder(Claim)
new_coordinates = builder(Coordinates)
new_evidence = builder(Evidence)
new_replica = builder(Replica)
new_dataset = builder(Dataset)
new_evidence_ref = builder(EvidenceRef)
new_finding = builder(Finding)
