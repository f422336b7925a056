"""Reading a result document (``--format json``, version 2) back into whole findings.

The document shares what findings have in common (``fields.result_dict``): rules by id,
evidence by id, passing findings as datasets per rule, the facts with each location once.
``findings_of`` gives every finding as one self-contained record again (the fields of
``fields.finding_dict``); ``facts_of`` gives the embedded facts snapshot with every replica
written whole (the embedded ``facts`` is itself a facts file, version 3). Tools that read the
JSON report use these instead of re-implementing the sharing.
"""

from __future__ import annotations

from typing import Any

from drcheck.facts.shared_facts import expand_facts
from drcheck.report.evidence_refs import resolve, subject_index
from drcheck.shared.ids import fingerprint
from drcheck.shared.model import Status

_Doc = dict[str, Any]


def facts_of(doc: _Doc) -> _Doc:
    """The facts snapshot embedded in a result document, every replica written whole (same
    digest; ``drcheck audit --facts`` loads it saved as a file, as it loads ``doc["facts"]``)."""
    return expand_facts(doc["facts"])


def _evidence(ref: str, doc: _Doc, index: dict[str, _Doc]) -> _Doc:
    if ref in doc.get("evidence", {}):
        return dict(doc["evidence"][ref])
    found = resolve(ref, index)
    if found is None:
        raise KeyError(f"evidence {ref!r} names nothing in the result document")
    return found


def _whole(record: _Doc, doc: _Doc, index: dict[str, _Doc]) -> _Doc:
    rule = doc["rules"][record["rule"]]
    out = dict(rule)
    out.update({k: v for k, v in record.items() if k not in ("rule", "evidence")})
    if out["status"] == Status.PASS.value:
        out.setdefault("fingerprint", fingerprint(out["policy"], out["rule_id"],
                                                  out["dataset"]))
        out.setdefault("message", "")
    out.setdefault("shared_domains", [])
    out.setdefault("unknowns", [])
    out.setdefault("waiver", None)
    out["evidence"] = [_evidence(ref, doc, index) for ref in record.get("evidence", [])]
    return out


def _passed(key: str, dataset: str, doc: _Doc) -> _Doc:
    rule = doc["rules"][key]
    return {**rule, "fingerprint": fingerprint(rule["policy"], rule["rule_id"], dataset),
            "dataset": dataset, "status": Status.PASS.value, "message": "",
            "shared_domains": [], "unknowns": [], "waiver": None, "evidence": []}


def findings_of(doc: _Doc) -> list[_Doc]:
    """Every finding of a result document, each with all of its fields; the findings that did
    not pass first (in the document's order), then the passing ones by rule and dataset.
    A passing finding's ``message`` and ``evidence`` are empty: the document does not keep
    them (the facts it read are in the embedded snapshot)."""
    index = subject_index(facts_of(doc))
    out = [_whole(r, doc, index) for r in doc["findings"]]
    out += [_passed(key, ds, doc) for key, datasets in doc.get("passed", {}).items()
            for ds in datasets]
    return out
