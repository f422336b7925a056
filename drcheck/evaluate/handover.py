"""Findings judged by a forked worker, handed to the parent as plain tuples and filed there.

A worker judges a share of the datasets into the same per-rule, per-status lists the parent
files into (``engine._Bound.filed``). It hands them over without the rule's own fields
(every finding of a rule repeats them) and with its records as tuples of their fields:
pickling tuples of strings is several times faster than pickling frozen records, and the
parent rebuilds each record equal, field for field, to the one the worker made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from drcheck.evaluate.scoring import Tallies
from drcheck.shared.model import (
    Dataset,
    EvidenceRef,
    Finding,
    Severity,
    SharedDomain,
    Status,
    new_evidence_ref,
    new_finding,
)


class Filing(Protocol):
    """What a bound rule says of itself and where its findings are filed (``_Bound``)."""

    @property
    def kind(self) -> str: ...

    @property
    def policy(self) -> str: ...

    @property
    def rule_id(self) -> str: ...

    @property
    def severity(self) -> Severity: ...

    @property
    def title(self) -> str: ...

    @property
    def controls(self) -> Mapping[str, tuple[str, ...]]: ...

    @property
    def filed(self) -> dict[Status, list[Finding]]: ...


Entry = int | tuple[int, str, tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...],
                    tuple[str, ...]]
"""A finding without its rule: its dataset's index in the share, message, shared domains,
evidence and unknowns; the index alone for a finding with nothing but its status (most
passes, ``unexplained``), which the parent names with its own dataset record."""


def entry_maker(datasets: Sequence[Dataset]) -> Callable[..., Entry]:
    """What a worker judging ``datasets`` files instead of a finding: the ``Entry`` of the
    finding ``new_finding`` would make of the same arguments."""
    index = {d.name: i for i, d in enumerate(datasets)}

    def make(rule_id: str, kind: str, policy: str, dataset: str, status: Status,
             severity: Severity, title: str, message: str, shared: tuple[SharedDomain, ...],
             evidence: tuple[EvidenceRef, ...], unknowns: tuple[str, ...],
             controls: Mapping[str, tuple[str, ...]]) -> Entry:
        if not (message or shared or evidence or unknowns):
            return index[dataset]
        return (index[dataset], message, tuple([(d.kind, d.value, d.replicas) for d in shared]),
                tuple([(e.subject, e.key, e.value, e.source, e.origin, e.observed_at)
                       for e in evidence]),
                unknowns)

    return make


def handed_over(rules: Sequence[Filing]) -> list[list[list[Any]]]:
    """What a worker filed (``entry_maker``), by rule and status in filing order."""
    return [list(rule.filed.values()) for rule in rules]


def _shared(raw: Iterable[tuple[Any, ...]]) -> tuple[SharedDomain, ...]:
    return tuple([SharedDomain(kind, value, replicas) for kind, value, replicas in raw])


def _evidence(raw: Iterable[tuple[Any, ...]]) -> tuple[EvidenceRef, ...]:
    return tuple([new_evidence_ref(*fields) for fields in raw])


def refile(rules: Sequence[Filing], handed: list[list[list[Entry]]],
           datasets: Sequence[Dataset]) -> None:
    """File a worker's ``handed_over`` findings on ``datasets`` after the rules' own, in the
    same order."""
    names = [d.name for d in datasets]
    for rule, by_status in zip(rules, handed, strict=True):
        rule_id, kind, policy, severity = rule.rule_id, rule.kind, rule.policy, rule.severity
        title, controls = rule.title, rule.controls
        for (status, found), entries in zip(rule.filed.items(), by_status, strict=True):
            for entry in entries:
                if isinstance(entry, int):
                    found.append(new_finding(rule_id, kind, policy, names[entry], status,
                                             severity, title, "", (), (), (), controls))
                    continue
                i, message, shared, evidence, unknowns = entry
                found.append(new_finding(rule_id, kind, policy, names[i], status, severity,
                                         title, message, _shared(shared) if shared else (),
                                         _evidence(evidence) if evidence else (), unknowns,
                                         controls))


def fold_filed(rules: Sequence[Filing], tallies: Tallies,
               datasets: Sequence[Dataset] | None = None) -> None:
    """Fold what the rules filed into ``tallies`` (``scoring.Tallies``): their findings, or,
    given the ``datasets`` a worker judged, its ``Entry`` items (the same folding: a
    failed ``survives`` entry with shared domains caps its dataset)."""
    names = None if datasets is None else [d.name for d in datasets]
    for rule in rules:
        cut = rule.kind == "survives"
        for status, found in rule.filed.items():
            if not found:
                continue
            if names is None:
                tallies.fold_findings(status, rule.severity, found)
                continue
            items: list[Any] = found
            cuts = ([names[e[0]] for e in items if not isinstance(e, int) and e[2]]
                    if cut and status is Status.FAIL else [])
            tallies.fold_run(status, rule.severity,
                             [names[e] if isinstance(e, int) else names[e[0]] for e in items],
                             cuts)
