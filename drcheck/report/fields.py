"""One set of field names for every output format: findings and scores as plain dicts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from operator import attrgetter
from typing import Any

from drcheck import __version__
from drcheck.facts.snapshot import snapshot_to_document
from drcheck.shared.model import (
    AuditResult,
    DatasetScore,
    EvidenceRef,
    Finding,
    Snapshot,
    Status,
    WaiverNote,
)

RESULT_FORMAT = "drcheck/result"
RESULT_VERSION = 2
RULE_KEYS = ("policy", "rule_id", "rule_type", "title", "severity", "controls")


def finding_dict(f: Finding) -> dict[str, Any]:
    """A finding with the field names every format uses."""
    return {
        "fingerprint": f.fingerprint,
        "policy": f.policy,
        "rule_id": f.rule_id,
        "rule_type": f.rule_type,
        "title": f.title,
        "dataset": f.dataset,
        "status": f.status.value,
        "severity": f.severity.value,
        "message": f.message,
        "shared_domains": shared_dicts(f),
        "unknowns": list(f.unknowns),
        "controls": {k: list(v) for k, v in sorted(f.controls.items())},
        "waiver": f.waiver,
        "evidence": [{"subject": e.subject, "key": e.key, "value": e.value,
                      "source": e.source.value, "origin": e.origin,
                      "observed_at": e.observed_at} for e in f.evidence],
    }


def shared_dicts(f: Finding) -> list[dict[str, Any]]:
    """The domains a finding's replicas share, as ``finding_dict`` writes them."""
    return [{"kind": s.kind._value_, "id": s.value, "replicas": list(s.replicas)}
            for s in f.shared]


def rule_fields(f: Finding) -> dict[str, Any]:
    """The ``RULE_KEYS`` fields of ``finding_dict(f)``, without building the rest."""
    return {"policy": f.policy, "rule_id": f.rule_id, "rule_type": f.rule_type,
            "title": f.title, "severity": f.severity.value,
            "controls": {k: list(v) for k, v in sorted(f.controls.items())}}


def waiver_dict(w: WaiverNote) -> dict[str, Any]:
    """A waiver as applied by one audit, with the fingerprints it waived."""
    return {"id": w.id, "reason": w.reason, "owner": w.owner, "expires": w.expires,
            "origin": w.origin, "expired": w.expired, "matched": list(w.matched)}


def baseline_dict(result: AuditResult) -> dict[str, Any]:
    """What the baseline accepted, what is new against it, and what it says is now fixed."""
    accepted = set(result.baselined)
    new = [f.fingerprint for f in result.findings
           if f.status in (Status.FAIL, Status.UNKNOWN) and f.fingerprint not in accepted]
    return {"file": result.baseline, "accepted": list(result.baselined), "new": new,
            "fixed": [{k: finding_dict(f)[k] for k in FIXED_KEYS} for f in result.fixed]}


FIXED_KEYS = ("fingerprint", "policy", "rule_id", "title", "dataset", "status", "severity")


def summary_counts(result: AuditResult) -> dict[str, int]:
    """How many findings have each status (one pass over them)."""
    counted = Counter(map(_status, result.findings))
    return {s.value: counted[s] for s in Status}


_status = attrgetter("status")


def lean_pass(f: Finding) -> bool:
    """A finding the result document lists under ``passed`` only: it passed with nothing
    to add (no shared domain, nothing unknown, no waiver)."""
    return f.status is Status.PASS and not f.shared and not f.unknowns and f.waiver is None


_signature = attrgetter("policy", "rule_id", "rule_type", "title", "severity", "controls")


class Shared:
    """The ``rules``, ``passed`` and ``evidence`` tables findings refer to, in finding order.

    Evidence ids are resolved against the model (``evidence_refs.ModelIndex``), so records
    can be made without building the snapshot document.
    """

    def __init__(self, snapshot: Snapshot) -> None:
        from drcheck.report.evidence_refs import ModelIndex

        self.rules: dict[str, dict[str, Any]] = {}
        self.passed: dict[str, list[str]] = {}
        self.evidence: dict[str, dict[str, Any]] = {}
        self.signatures: dict[str, tuple[object, ...]] = {}
        self.keys: dict[tuple[str, str], str] = {}  # "policy/rule id", made once per rule
        self.index = ModelIndex(snapshot)

    def evidence_id(self, e: EvidenceRef) -> str:
        """The id that names ``e`` in the snapshot, or its entry in ``evidence``
        (``evidence_refs`` says how ids are read)."""
        source = e.source._value_
        ident = self.index.names((e.subject, e.key, e.value, source, e.origin, e.observed_at))
        if ident is not None:
            return ident
        item = {"subject": e.subject, "key": e.key, "value": e.value, "source": source,
                "origin": e.origin, "observed_at": e.observed_at}
        base = f"{e.subject}#{e.key}"
        n = 1
        while self.evidence.get(f"{base}!{n}", item) != item:
            n += 1
        self.evidence[f"{base}!{n}"] = item
        return f"{base}!{n}"

    def _rule(self, f: Finding, key: str) -> tuple[dict[str, Any], bool]:
        """The rule entry of ``key`` (made from ``f`` when new) and whether ``f`` matches it."""
        rule = self.rules.get(key)
        mine = _signature(f)
        if rule is None:
            self.rules[key] = rule = rule_fields(f)
            self.signatures[key] = mine
            self.passed[key] = []
            return rule, True
        return rule, self.signatures[key] == mine

    def _rule_of(self, f: Finding) -> tuple[str, dict[str, Any], bool]:
        """The ``rules`` key of ``f``, its entry there and whether ``f`` matches it."""
        pair = (f.policy, f.rule_id)
        key = self.keys.get(pair) or self.keys.setdefault(pair, f"{f.policy}/{f.rule_id}")
        return (key, *self._rule(f, key))

    def records(self, findings: Iterable[Finding]) -> Iterator[dict[str, Any]]:
        """The record of each finding in turn but the lean passes, which are listed under
        ``passed``: with the rule by id, the evidence by id and empty fields left out. A
        passing finding keeps neither message, evidence nor fingerprint (derived from rule,
        dataset and status). The rule entry is looked up again only when a finding's rule
        fields are not the very objects of the one before (every finding of one rule comes
        in a run, in the engine's order)."""
        passed = self.passed
        last: Finding | None = None
        key, same_rule = "", False
        rule: dict[str, Any] = {}
        names: list[str] = []  # the ``passed`` list of the current rule
        for f in findings:
            if last is None or not (f.rule_id is last.rule_id and f.policy is last.policy
                                    and f.controls is last.controls and f.title is last.title
                                    and f.rule_type is last.rule_type
                                    and f.severity is last.severity):
                key, rule, same_rule = self._rule_of(f)
                names = passed[key]
                last = f
            if same_rule and lean_pass(f):
                names.append(f.dataset)
            else:
                yield self._record(f, key, rule, same_rule)

    def _record(self, f: Finding, key: str, rule: dict[str, Any],
                same_rule: bool) -> dict[str, Any]:
        """The record of ``f``, not a lean pass, under the rule entry ``rule`` of ``key``."""
        out: dict[str, Any] = {"rule": key, "dataset": f.dataset, "status": f.status._value_}
        if not same_rule:
            mine = rule_fields(f)
            out.update({k: mine[k] for k in RULE_KEYS if rule[k] != mine[k]})
        if f.shared:
            out["shared_domains"] = shared_dicts(f)
        if f.unknowns:
            out["unknowns"] = list(f.unknowns)
        if f.waiver is not None:
            out["waiver"] = f.waiver
        if f.status is Status.PASS:
            return out
        out["fingerprint"] = f.fingerprint
        out["message"] = f.message
        if f.evidence:
            out["evidence"] = [self.evidence_id(e) for e in f.evidence]
        return out


def result_head(result: AuditResult, shared: Shared, facts: dict[str, Any]) -> dict[str, Any]:
    """Every field of the result document but ``findings`` and ``datasets`` (the caller adds
    them): the ``shared`` tables must be complete, ``facts`` is the embedded snapshot (its
    ``datasets`` may still be a stream)."""
    doc: dict[str, Any] = {
        "format": RESULT_FORMAT,
        "version": RESULT_VERSION,
        "drcheck_version": __version__,
        "evaluated_at": result.evaluated_at,
        "policies": list(result.policies),
        "score": result.score,
        "summary": summary_counts(result),
        "rules": shared.rules,
        "passed": {k: v for k, v in shared.passed.items() if v},
        "evidence": shared.evidence,
        "issues": facts["issues"],
        "facts_digest": facts["digest"],
        "facts": facts,
    }
    if result.waivers:
        doc["waivers"] = [waiver_dict(w) for w in result.waivers]
    if result.baseline is not None:
        doc["baseline"] = baseline_dict(result)
    return doc


def score_dict(s: DatasetScore) -> dict[str, Any]:
    """A dataset's entry in the result document's ``datasets``."""
    return {"dataset": s.dataset, "criticality": s.criticality, "score": s.score,
            "counts": {k: n for k, n in s.counts.items() if n}}


def result_dict(result: AuditResult) -> dict[str, Any]:
    """The whole result as a JSON-ready dict (version 2): evidence shared, not repeated.

    ``findings`` holds the findings that did not pass (and passes with something to add: a
    shared domain, an unknown, a waiver), each naming its rule by id in
    ``rules`` and its evidence by id (``subject#key``: an entry of ``evidence``, or else the
    fact of that replica or dataset in ``facts``); ``passed`` lists by rule the datasets that
    passed it (fingerprint: ``drcheck.shared.ids.fingerprint``); the facts snapshot is
    embedded once, each location written once (``shared_facts``).
    """
    shared = Shared(result.snapshot)
    findings = list(shared.records(result.findings))
    doc = result_head(result, shared, snapshot_to_document(result.snapshot))
    doc["findings"] = findings
    doc["datasets"] = [score_dict(s) for s in result.scores]
    return doc
