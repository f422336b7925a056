"""The fields of a facts document around its datasets (collection time, sources, probes,
issues, details, organisation, ...) and a dataset's business facts, in both directions.

Shared by the whole-form code (``snapshot``), the compact writer (``compact``) and the
checking reader (``reader``), so none of them imports another for these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drcheck.shared.model import (
    Business,
    Dataset,
    Evidence,
    Organisation,
    PersonalData,
    ProbeIssue,
    Snapshot,
    Source,
    Unattributed,
)


def evidence_from_dict(raw: Mapping[str, Any]) -> Evidence:
    """The inverse of ``partial.evidence_to_dict`` (a fact as a probe report or a
    whole snapshot holds it)."""
    return Evidence(raw["value"], Source(raw["source"]), raw["origin"], raw.get("observed_at"),
                    raw.get("reason"))


def issue_to_dict(i: ProbeIssue) -> dict[str, Any]:
    """A ``ProbeIssue`` as JSON."""
    return {"subject": i.subject, "probe": i.probe, "code": i.code, "reason": i.reason,
            "observed_at": i.observed_at, "security": i.security}


def issue_from_dict(raw: Mapping[str, Any]) -> ProbeIssue:
    """The inverse of ``issue_to_dict``."""
    return ProbeIssue(raw["subject"], raw["probe"], raw["code"], raw["reason"],
                      raw.get("observed_at"), bool(raw.get("security", False)))


def business_dict(b: Business) -> dict[str, Any]:
    """A dataset's business facts as the facts file holds them."""
    pd = b.personal_data
    return {"rpo": b.rpo, "rto": b.rto, "services": list(b.services), "owner": b.owner,
            "customers": b.customers, "subjects": b.subjects, "origin": b.origin,
            "personal_data": None if pd is None else {
                "categories": list(pd.categories),
                "special_categories": list(pd.special_categories)}}


def _organisation(o: Organisation) -> dict[str, Any]:
    return {"name": o.name, "sector": o.sector, "nis2": o.nis2,
            "dora_financial_entity": o.dora_financial_entity, "jurisdiction": o.jurisdiction,
            "supervisory_authority": o.supervisory_authority, "origin": o.origin,
            "contacts": [{"role": c.role, "name": c.name, "email": c.email, "phone": c.phone}
                         for c in o.contacts]}


def header_fields(s: Snapshot) -> dict[str, Any]:
    """Every top-level field of a snapshot document but the datasets and the version."""
    body: dict[str, Any] = {
        "collected_at": s.collected_at,
        "sources": dict(sorted(s.sources.items())),
        "probes": list(s.probes),
        "issues": [issue_to_dict(i) for i in s.issues],
        "details": {k: dict(v) for k, v in sorted(s.details.items())},
        "unattributed": [{"subject": u.subject, "name": u.name, "tool": u.tool,
                          "origin": u.origin, "reason": u.reason} for u in s.unattributed],
    }
    if s.organisation is not None:
        body["organisation"] = _organisation(s.organisation)
    if s.collections:
        body["collections"] = [dict(c) for c in s.collections]
    if s.partial is not None:
        body["partial"] = dict(s.partial)
    return body


def business_from(raw: Mapping[str, Any] | None) -> Business | None:
    if raw is None:
        return None
    pd = raw.get("personal_data")
    return Business(
        rpo=raw.get("rpo"), rto=raw.get("rto"), services=tuple(raw.get("services", ())),
        owner=raw.get("owner"), customers=raw.get("customers"), subjects=raw.get("subjects"),
        origin=raw.get("origin", ""),
        personal_data=None if pd is None else PersonalData(
            tuple(pd["categories"]), tuple(pd["special_categories"])))


def _organisation_from(raw: Mapping[str, Any] | None) -> Organisation | None:
    from drcheck.inputs.estate import organisation_of  # only when there is one (start-up)

    return None if raw is None else organisation_of(raw, raw.get("origin", ""))


def snapshot_with(data: Mapping[str, Any], datasets: tuple[Dataset, ...]) -> Snapshot:
    """A ``Snapshot`` of ``datasets`` and the other fields of a checked document."""
    return Snapshot(
        collected_at=data["collected_at"],
        datasets=datasets,
        sources=dict(data.get("sources", {})),
        issues=tuple(issue_from_dict(i) for i in data.get("issues", [])),
        probes=tuple(data.get("probes", [])),
        details=dict(data.get("details", {})),
        organisation=_organisation_from(data.get("organisation")),
        unattributed=tuple(Unattributed(u["subject"], u["name"], u["tool"], u["origin"],
                                        u["reason"]) for u in data.get("unattributed", [])),
        collections=tuple(data.get("collections", [])),
        partial=data.get("partial"),
    )
