"""Waiver files: accepted risks with a reason, an owner and an expiry date.

A waiver matches findings by rule id, policy, dataset and dataset labels (every condition
given must hold). A matching failed or unknown finding becomes ``waived`` and stays in every
report with the waiver's reason; a passed finding is left alone. A waiver whose expiry date
has passed stops applying and is itself reported, so an accepted risk cannot quietly become
permanent. The file is validated like a policy: header, JSON Schema, then semantics, every
problem with file:line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from drcheck.evaluate.engine import sort_key
from drcheck.evaluate.scoring import dataset_scores, estate_score
from drcheck.inputs.documents import Document, load_file
from drcheck.inputs.validation import check_document, require_valid
from drcheck.shared.errors import Problem
from drcheck.shared.model import AuditResult, Finding, Status, WaiverNote

API_VERSION = "drcheck/v1"
KIND = "Waivers"
WAIVABLE = (Status.FAIL, Status.UNKNOWN)

_STR = {"type": "string", "minLength": 1}
_LABEL = {"type": ["string", "number", "boolean"]}
WAIVERS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://drcheck.dev/schemas/waivers.json",
    "title": "drcheck waivers",
    "type": "object",
    "additionalProperties": False,
    "required": ["apiVersion", "kind", "waivers"],
    "properties": {
        "apiVersion": {"const": API_VERSION},
        "kind": {"const": KIND},
        "metadata": {"type": "object", "additionalProperties": False,
                     "properties": {"name": _STR, "description": {"type": "string"}}},
        "waivers": {"type": "array", "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "reason", "owner", "expires"],
            "anyOf": [{"required": ["rule"]}, {"required": ["dataset"]},
                      {"required": ["labels"]}],
            "description": "a waiver names at least one of rule, dataset or labels",
            "properties": {
                "id": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
                       "description": "a permanent id such as W-2026-001"},
                "rule": _STR,
                "policy": _STR,
                "dataset": _STR,
                "labels": {"type": "object", "additionalProperties": _LABEL},
                "reason": _STR,
                "owner": _STR,
                "expires": {"type": "string", "format": "date",
                            "pattern": r"^\d{4}-\d{2}-\d{2}$",
                            "description": "an expiry date such as 2027-03-31"},
            },
        }},
    },
}


@dataclass(frozen=True)
class Waiver:
    """One accepted risk: what it matches, why, who owns it, and until when."""

    id: str
    reason: str
    owner: str
    expires: date
    origin: str
    rule: str | None = None
    policy: str | None = None
    dataset: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    def expired(self, now: datetime) -> bool:
        """True once the expiry date is over (a waiver holds through its expiry day)."""
        return now.date() > self.expires

    def matches(self, finding: Finding, labels: Mapping[str, str]) -> bool:
        """True when every condition the waiver names holds for ``finding``."""
        return ((self.rule is None or self.rule == finding.rule_id)
                and (self.policy is None or self.policy == finding.policy)
                and (self.dataset is None or self.dataset == finding.dataset)
                and all(labels.get(k) == v for k, v in self.labels.items()))


def _semantic_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, raw in enumerate(doc.data.get("waivers", [])):
        if raw["id"] in seen:
            problems.append(doc.problem(("waivers", i, "id"), f"duplicate waiver id {raw['id']!r}"))
        seen.add(raw["id"])
        try:
            date.fromisoformat(raw["expires"])
        except ValueError:
            problems.append(doc.problem(("waivers", i, "expires"),
                                        f"{raw['expires']!r} is not a calendar date"))
    return problems


def check_waivers(doc: Document) -> list[Problem]:
    """Every problem with a waiver document: header, schema, then semantics."""
    return check_document(doc, KIND, API_VERSION, WAIVERS_SCHEMA, _semantic_problems)


def _label(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def parse_waivers(doc: Document) -> tuple[Waiver, ...]:
    """Waivers from a document that passed ``check_waivers``."""
    return tuple(
        Waiver(id=str(w["id"]), reason=str(w["reason"]), owner=str(w["owner"]),
               expires=date.fromisoformat(w["expires"]), origin=doc.where(("waivers", i)),
               rule=w.get("rule"), policy=w.get("policy"), dataset=w.get("dataset"),
               labels={str(k): _label(v) for k, v in (w.get("labels") or {}).items()})
        for i, w in enumerate(doc.data["waivers"])
    )


def load_waivers(paths: Sequence[str]) -> tuple[Waiver, ...]:
    """Load and validate waiver files; every problem is reported at once (exit 2)."""
    out: list[Waiver] = []
    problems: list[Problem] = []
    for path in paths:
        doc = load_file(path)
        found = check_waivers(doc)
        problems += found
        if not found:
            out += parse_waivers(doc)
    require_valid(problems)
    return tuple(out)


def _note(waiver: Waiver, expired: bool, matched: list[str]) -> WaiverNote:
    return WaiverNote(waiver.id, waiver.reason, waiver.owner, waiver.expires.isoformat(),
                      waiver.origin, expired, tuple(matched))


def apply_waivers(result: AuditResult, waivers: Sequence[Waiver], now: datetime) -> AuditResult:
    """The result with matching failed/unknown findings waived and scores recomputed.

    A waived finding keeps its fingerprint, so baselines and SARIF stay stable. Expired
    waivers match nothing and are listed in ``result.waivers`` with ``expired=True``.
    """
    if not waivers:
        return result
    labels = {d.name: d.labels for d in result.snapshot.datasets}
    active = [w for w in waivers if not w.expired(now)]
    matched: dict[str, list[str]] = {w.id: [] for w in waivers}
    findings: list[Finding] = []
    for f in result.findings:
        hit = next((w for w in active if f.status in WAIVABLE
                    and w.matches(f, labels.get(f.dataset, {}))), None)
        if hit is not None:
            matched[hit.id].append(f.fingerprint)
            f = replace(f, status=Status.WAIVED, waiver=f"{hit.id}: {hit.reason}")
        findings.append(f)
    findings.sort(key=sort_key)
    scores = dataset_scores(result.snapshot.datasets, findings)
    notes = tuple(_note(w, w.expired(now), matched[w.id]) for w in waivers)
    return replace(result, findings=tuple(findings), scores=scores, score=estate_score(scores),
                   waivers=notes)


def expired_notes(result: AuditResult) -> tuple[WaiverNote, ...]:
    """The waivers that had expired by the time of the audit."""
    return tuple(w for w in result.waivers if w.expired)
