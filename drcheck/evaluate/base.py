"""The rule contract: a rule type checks one dataset against its parameters and says why.

A rule type is pure: it reads the dataset's replicas, their locations and facts, and the
injected ``now``; it never does I/O and never reads the clock. It returns an ``Outcome``; the
engine turns outcomes into ``Finding`` records with ids, severities and fingerprints.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar, cast

from drcheck.evaluate.params import bind
from drcheck.shared.model import (
    Dataset,
    Evidence,
    EvidenceRef,
    ProbeIssue,
    Replica,
    SharedDomain,
    Status,
    new_evidence_ref,
)
from drcheck.shared.quickbuild import builder

P = TypeVar("P")


@dataclass(frozen=True)
class Context:
    """What every rule may read besides the dataset: the time and the collection issues."""

    now: datetime
    issues: Mapping[str, tuple[ProbeIssue, ...]] = field(default_factory=dict)
    not_probed: Mapping[str, str] = field(default_factory=dict)
    explain_passes: bool = True
    """False when the caller said no report will read why a check passed (JSON, SARIF,
    Markdown, Prometheus, the table without passes): a passing outcome may then carry an
    empty message and no evidence. Its status, shared domains and unknowns are the same
    either way; any other outcome is explained in full."""
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    """Scratch space for one evaluation, for what depends on ``now`` or on one dataset (the
    age of a timestamp, a dataset's copy distances read by every ``min-distance`` rule);
    what depends on places alone is memoised process-wide in ``domains``. Keys may use
    ``id()`` of snapshot objects, which live as long as the evaluation."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A rule's verdict on one dataset, with the evidence and the shared domains behind it."""

    status: Status
    message: str
    shared: tuple[SharedDomain, ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()
    unknowns: tuple[str, ...] = ()


outcome = builder(Outcome)
"""``Outcome(...)``, made the quick way (``quickbuild``): one per rule and dataset."""


class RuleType(ABC, Generic[P]):
    """One kind of check (``separation``, ``max-age``…), parameterised by a policy rule.

    ``summary``, ``passes``, ``fails`` and ``unknown`` are its user documentation
    (``drcheck rules NAME``), with the example under ``rules/examples/NAME.yaml``.
    ``params_schema`` (made with ``params.type_schema``) is the one statement of the
    parameters and their defaults; ``params_type`` is the frozen dataclass ``bind`` builds
    from it, once per policy rule.
    """

    name: ClassVar[str]
    summary: ClassVar[str]
    passes: ClassVar[str]
    fails: ClassVar[str]
    unknown: ClassVar[str]
    params_schema: ClassVar[dict[str, Any]]
    params_type: ClassVar[type[Any]]

    def bind(self, params: Mapping[str, Any]) -> P:
        """The typed parameters of one policy rule (schema defaults filled in)."""
        return cast(P, bind(self.params_type, self.params_schema, params))

    def check(self, dataset: Dataset, params: Mapping[str, Any], ctx: Context) -> Outcome:
        """Judge ``dataset`` under a policy rule's raw ``params``."""
        return self.judge(dataset, self.bind(params), ctx)

    @abstractmethod
    def judge(self, dataset: Dataset, params: P, ctx: Context) -> Outcome:
        """Judge ``dataset``; unknown facts yield ``Status.UNKNOWN``, never a pass."""


def quote(replica: Replica, key: str, ev: Evidence) -> EvidenceRef:
    """An ``EvidenceRef`` for one fact of one replica."""
    return new_evidence_ref(replica.id, key, ev.value, ev.source, ev.origin, ev.observed_at)


def plural(n: int, word: str) -> str:
    """``1 copy``, ``2 copies``."""
    if n == 1:
        return f"1 {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


def unexplained(status: Status, ctx: Context) -> bool:
    """Whether a rule may stop at its verdict: it passed and nobody reads why."""
    return status is Status.PASS and not ctx.explain_passes


def count_verdict(good: int, maybe: int, need: int) -> Status:
    """Pass when ``good`` reaches ``need``; fail when even the unknowns could not; else unknown."""
    if good >= need:
        return Status.PASS
    if good + maybe < need:
        return Status.FAIL
    return Status.UNKNOWN


_REGISTERED: dict[str, type[RuleType[Any]]] = {}
R = TypeVar("R", bound=type[RuleType[Any]])


def register(name: str) -> Callable[[R], R]:
    """Class decorator: register a rule type under ``name`` and stamp ``cls.name``."""

    def wrap(cls: R) -> R:
        if name in _REGISTERED:
            raise ValueError(f"rule type {name!r} registered twice")
        cls.name = name
        _REGISTERED[name] = cls
        return cls

    return wrap


def registered() -> dict[str, type[RuleType[Any]]]:
    """The rule types registered so far, by name (``registry.rule_types`` has them all)."""
    return dict(sorted(_REGISTERED.items()))
