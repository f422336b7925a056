"""Hypothesis strategies for every drcheck input, generated from the input's own JSON Schema.

``from_schema`` on the shipped schemas as they are is too slow for CI (the estate's
exactly-one-of-host-bucket-medium replicas and the policy's per-type ``if/then`` make the
canonicaliser search for minutes), so ``loosen`` drops the keywords that only narrow
(``oneOf`` becomes ``anyOf``, ``not`` and ``pattern`` go): the documents drawn are then a
superset of the valid ones, and the invalid ones must be refused with exit 2 just the same.
``repaired_estate`` declares every host, bucket and medium a dataset names, so many estates
get past validation and reach the evaluator.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from drcheck.evaluate.registry import rule_types
from drcheck.evaluate.waivers import WAIVERS_SCHEMA
from drcheck.facts.snapshot import FACTS_SCHEMA, content_digest
from drcheck.importers.mapping import MAPPING_SCHEMA
from drcheck.inputs.estate_schema import ESTATE_SCHEMA
from drcheck.shared.model import Severity

_DROP = ("not", "pattern", "format", "$schema", "$id", "default", "uniqueItems")


def _gen(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Documents of ``schema`` whose strings can be written as UTF-8 (no NUL, no lone
    surrogate: a file cannot hold them)."""
    return from_schema(schema, allow_x00=False, codec="utf-8")


def loosen(schema: Any) -> Any:
    """``schema`` without the narrowing keywords that make generation slow."""
    if isinstance(schema, list):
        return [loosen(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROP:
            continue
        if key == "properties":
            out[key] = {k: loosen(v) for k, v in value.items()}
        else:
            out["anyOf" if key == "oneOf" else key] = loosen(value)
    if out.get("type") == "array":
        out.setdefault("maxItems", 3)
    if out.get("type") == "object" and "additionalProperties" in out and isinstance(
            out["additionalProperties"], dict):
        out.setdefault("maxProperties", 3)
    return out


def _estate_schema() -> dict[str, Any]:
    schema = loosen(copy.deepcopy(ESTATE_SCHEMA))
    for item in schema["properties"]["datasets"]["items"]["properties"].values():
        item.pop("anyOf", None)
        for inner in item.get("items", {}), item:
            inner.pop("anyOf", None)
    return dict(schema)


def _declare(data: dict[str, Any]) -> dict[str, Any]:
    """Declare every host, bucket and medium the datasets name (media need a location)."""
    sections = {"host": "hosts", "bucket": "buckets", "medium": "media"}
    for dataset in data.get("datasets") or []:
        if not isinstance(dataset, dict):
            continue
        replicas = [dataset.get("primary"), *(dataset.get("copies") or [])]
        for replica in replicas:
            for kind, section in sections.items():
                name = replica.get(kind) if isinstance(replica, dict) else None
                items = data.setdefault(section, [])
                if isinstance(name, str) and isinstance(items, list) and name not in [
                        i.get("name") for i in items if isinstance(i, dict)]:
                    entry: dict[str, Any] = {"name": name}
                    if kind == "medium":
                        entry.update(type="tape", location={"provider": "vault"})
                    if kind == "host":
                        entry["probe"] = False
                    items.append(entry)
    for item in data.get("hosts") or []:
        if isinstance(item, dict):
            item["probe"] = False  # fuzzing never dials out
    for item in data.get("buckets") or []:
        if isinstance(item, dict):
            item["probe"] = False
    return data


def estates() -> st.SearchStrategy[dict[str, Any]]:
    """Estate documents from the estate schema, their references declared."""
    return _gen(_estate_schema()).map(_declare)


def _rule(name: str) -> st.SearchStrategy[dict[str, Any]]:
    params = _gen(loosen(rule_types()[name].params_schema))
    return st.fixed_dictionaries({
        "id": st.from_regex(r"\AR-[0-9]{1,3}\Z"),
        "type": st.just(name),
        "severity": st.sampled_from([s.value for s in Severity]),
        "params": params,
    })


def policies() -> st.SearchStrategy[dict[str, Any]]:
    """Policy documents: one to three rules, each with parameters from its type's schema."""
    rule = st.sampled_from(sorted(rule_types())).flatmap(_rule)
    return st.fixed_dictionaries({
        "apiVersion": st.just("drcheck/v1"), "kind": st.just("Policy"),
        "rules": st.lists(rule, min_size=1, max_size=3),
    })


def waivers() -> st.SearchStrategy[dict[str, Any]]:
    """Waiver documents from the waivers schema."""
    return _gen(loosen(WAIVERS_SCHEMA))


def mappings() -> st.SearchStrategy[dict[str, Any]]:
    """Import mapping documents from the mapping schema."""
    return _gen(loosen(MAPPING_SCHEMA))


def _sign(data: dict[str, Any]) -> dict[str, Any]:
    data["digest"] = content_digest(data)
    return data


def facts() -> st.SearchStrategy[dict[str, Any]]:
    """Facts snapshots from the facts schema, with a correct digest so the evaluator runs."""
    return _gen(loosen(FACTS_SCHEMA)).map(_sign)
