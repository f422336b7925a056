"""Policy files: rules with permanent ids, a type, parameters, severity, selector, controls.

The schema is generated from the rule registry (each rule type declares its
``params_schema``), so there is no second, hand-kept schema to drift. Loading validates in
three passes: the header in plain words, the JSON Schema, then checks the schema cannot
express (unique ids, valid durations).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from drcheck.evaluate.registry import rule_types
from drcheck.inputs.documents import Document, load_file, parse_text
from drcheck.inputs.durations import parse_duration
from drcheck.inputs.validation import check_document, require_valid
from drcheck.shared.errors import Problem, UsageError
from drcheck.shared.model import Severity

API_VERSION = "drcheck/v1"
FRAMEWORKS = ("nist-800-53", "iso-27001", "soc2", "dora", "bsi", "cnil", "veeam")
BUILTIN_DEFAULT = "sbg2"


@dataclass(frozen=True)
class Selector:
    """Which datasets a rule applies to: all label pairs must match (a list = any of)."""

    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    criticality: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()

    def matches(self, name: str, labels: Mapping[str, str], criticality: str) -> bool:
        """True when the dataset satisfies every condition."""
        if self.datasets and name not in self.datasets:
            return False
        if self.criticality and criticality not in self.criticality:
            return False
        return all(labels.get(k) in allowed for k, allowed in self.labels.items())


@dataclass(frozen=True)
class Rule:
    """One rule of a policy."""

    id: str
    type: str
    title: str
    severity: Severity
    params: Mapping[str, Any]
    selector: Selector
    controls: Mapping[str, tuple[str, ...]]
    origin: str
    description: str = ""


@dataclass(frozen=True)
class Policy:
    """A policy file, parsed."""

    name: str
    path: str
    rules: tuple[Rule, ...]
    description: str = ""
    digest: str = ""


def policy_schema() -> dict[str, Any]:
    """The policy file's JSON Schema, built from the rule registry."""
    types = rule_types()
    label_value = {"type": ["string", "number", "boolean"]}
    rule_branches = [
        {
            "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"properties": {"params": cls.params_schema}},
        }
        for name, cls in types.items()
    ]
    rule = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "type", "severity"],
        "properties": {
            "id": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
                   "description": "a permanent id such as DR-SBG2-01"},
            "type": {"enum": list(types)},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "severity": {"enum": [s.value for s in Severity]},
            "params": {"type": "object"},
            "selector": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "labels": {"type": "object", "additionalProperties": {
                        "oneOf": [label_value, {"type": "array", "items": label_value}]}},
                    "criticality": {"type": "array", "items": {
                        "enum": ["low", "medium", "high", "critical"]}},
                    "datasets": {"type": "array", "items": {"type": "string"}},
                },
            },
            "controls": {
                "type": "object",
                "additionalProperties": False,
                "properties": {f: {"type": "array", "items": {"type": "string"}}
                               for f in FRAMEWORKS},
            },
        },
        "allOf": rule_branches,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://drcheck.dev/schemas/policy.json",
        "title": "drcheck policy",
        "type": "object",
        "additionalProperties": False,
        "required": ["apiVersion", "kind", "rules"],
        "properties": {
            "apiVersion": {"const": API_VERSION},
            "kind": {"const": "Policy"},
            "metadata": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"name": {"type": "string"}, "description": {"type": "string"}},
            },
            "rules": {"type": "array", "minItems": 1, "items": rule},
        },
    }


def _semantic_problems(doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(doc.data.get("rules", [])):
        rid = raw.get("id")
        if rid in seen:
            problems.append(doc.problem(("rules", i, "id"), f"duplicate rule id {rid!r} "
                                        f"(first at rules[{seen[rid]}])"))
        seen.setdefault(rid, i)
        params = raw.get("params") or {}
        for key in ("max_age",):
            if isinstance(params.get(key), str):
                try:
                    parse_duration(params[key])
                except ValueError as exc:
                    problems.append(doc.problem(("rules", i, "params", key), str(exc)))
    return problems


def check_policy(doc: Document) -> list[Problem]:
    """Every problem with a policy document, in the three passes."""
    return check_document(doc, "Policy", API_VERSION, policy_schema(), _semantic_problems)


def _selector(raw: Mapping[str, Any] | None) -> Selector:
    raw = raw or {}
    labels = {
        str(k): tuple(str(x).lower() if isinstance(x, bool) else str(x)
                      for x in (v if isinstance(v, list) else [v]))
        for k, v in (raw.get("labels") or {}).items()
    }
    return Selector(labels, tuple(raw.get("criticality") or ()), tuple(raw.get("datasets") or ()))


def parse_policy(doc: Document) -> Policy:
    """Build a ``Policy`` from a document that passed ``check_policy``."""
    data = doc.data
    rules = tuple(
        Rule(
            id=str(r["id"]),
            type=str(r["type"]),
            title=str(r.get("title") or rule_types()[r["type"]].summary),
            severity=Severity(r["severity"]),
            params=dict(r.get("params") or {}),
            selector=_selector(r.get("selector")),
            controls={k: tuple(v) for k, v in sorted((r.get("controls") or {}).items())},
            origin=doc.where(("rules", i)),
            description=str(r.get("description", "")),
        )
        for i, r in enumerate(data["rules"])
    )
    meta = data.get("metadata") or {}
    return Policy(str(meta.get("name") or Path(doc.path).stem), doc.path, rules,
                  str(meta.get("description", "")), doc.digest)


def load_policy(path: str) -> Policy:
    """Load and validate a policy file; every problem is reported at once."""
    doc = load_file(path)
    require_valid(check_policy(doc))
    return parse_policy(doc)


def builtin_names() -> list[str]:
    """The names of the policy packs shipped with drcheck."""
    pack_dir = resources.files("drcheck").joinpath("packs")
    return sorted(p.name[:-5] for p in pack_dir.iterdir() if p.name.endswith(".yaml"))


def load_builtin(name: str) -> Policy:
    """A shipped policy pack by name (``sbg2``, ``3-2-1-1-0``, ``bsi-georedundancy``)."""
    if name not in builtin_names():
        raise UsageError(f"no built-in policy {name!r}",
                         hint="built-in policies: " + ", ".join(builtin_names()))
    text = resources.files("drcheck").joinpath("packs").joinpath(f"{name}.yaml").read_text("utf-8")
    doc = parse_text(text, f"builtin:{name}")
    require_valid(check_policy(doc))
    return parse_policy(doc)


def resolve_policies(specs: list[str]) -> list[Policy]:
    """Policies named on the command line: a file path, or ``builtin:NAME`` / a pack name."""
    if not specs:
        return [load_builtin(BUILTIN_DEFAULT)]
    out = []
    for spec in specs:
        name = spec.removeprefix("builtin:")
        if spec.startswith("builtin:") or (not Path(spec).exists() and name in builtin_names()):
            out.append(load_builtin(name))
        else:
            out.append(load_policy(spec))
    return out
