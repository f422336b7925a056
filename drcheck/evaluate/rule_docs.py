"""Rule types as user documentation: what each checks, its parameters, when it passes,
fails or cannot tell, and a worked example (a policy, a tiny estate, the verdicts).

``drcheck rules NAME`` prints ``rule_doc(NAME)``; docs/rules.md is the same text for every
rule type. The examples are package data (``rules/examples/NAME.yaml``), and the test suite
audits each one and checks the verdicts it states, so the documentation cannot drift from
what the rule does.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from drcheck.evaluate.base import RuleType
from drcheck.evaluate.registry import rule_types
from drcheck.inputs.documents import parse_text

EXAMPLES = "examples"


@dataclass(frozen=True)
class RuleExample:
    """A rule type's worked example: evaluate ``estate`` under ``policy`` at ``now``."""

    name: str
    what: str
    now: str
    policy: str
    estate: str
    verdicts: dict[str, str]


def example(name: str) -> RuleExample:
    """The example shipped for rule type ``name``."""
    path = resources.files("drcheck.evaluate.rules").joinpath(EXAMPLES).joinpath(f"{name}.yaml")
    text = path.read_text(encoding="utf-8")
    data = parse_text(text, f"{EXAMPLES}/{name}.yaml").data
    what = text.splitlines()[0].split(": ", 1)[-1]
    return RuleExample(name, what, str(data["now"]), str(data["policy"]),
                       str(data["estate"]), {str(k): str(v) for k, v in data["verdicts"].items()})


def _plain(text: str) -> str:
    """Docstring markup (``code``) as plain text (`code`)."""
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def _param_line(key: str, prop: dict[str, Any], required: bool) -> str:
    """One parameter: its name, whether required or its default, its type and meaning."""
    if "enum" in prop:
        what = "one of " + ", ".join(str(v) for v in prop["enum"])
    elif prop.get("type") == "array":
        item = prop.get("items", {})
        kinds = ", ".join(item["enum"]) if "enum" in item else item.get("type", "values")
        what = f"list of {kinds}"
    else:
        what = str(prop.get("type", "value"))
        bounds = [f"≥ {prop['minimum']}" if "minimum" in prop else "",
                  f"> {prop['exclusiveMinimum']}" if "exclusiveMinimum" in prop else "",
                  f"≤ {prop['maximum']}" if "maximum" in prop else ""]
        what += "".join(f" {b}" for b in bounds if b)
    if "description" in prop:
        what += f" ({prop['description']})"
    if required:
        state = "required"
    elif "default" in prop:
        default = prop["default"]
        state = "default " + (", ".join(map(str, default)) if isinstance(default, list)
                              else str(default).lower() if isinstance(default, bool)
                              else str(default))
    else:
        state = "optional"
    return f"  {key}: {state}; {what}"


def _parameters(cls: type[RuleType[Any]]) -> list[str]:
    schema = cls.params_schema
    required = set(schema.get("required", ()))
    lines = [_param_line(k, p, k in required) for k, p in schema["properties"].items()]
    return lines or ["  (none)"]


def rule_doc(name: str) -> str:
    """The full documentation of rule type ``name`` as plain text."""
    cls = rule_types()[name]
    ex = example(name)
    verdicts = [f"  {ds}: {verdict}" for ds, verdict in ex.verdicts.items()]
    lines = [
        f"{name}: {cls.summary}", "",
        _plain(inspect.cleandoc(cls.__doc__ or "")), "",
        "Parameters:", *_parameters(cls), "",
        f"Passes when {_plain(cls.passes)}.",
        f"Fails when {_plain(cls.fails)}.",
        f"Unknown when {_plain(cls.unknown)}.", "",
        f"Example: {ex.what}", "",
        "policy.yaml:", *(f"  {line}" for line in ex.policy.rstrip().splitlines()), "",
        "estate.yaml:", *(f"  {line}" for line in ex.estate.rstrip().splitlines()), "",
        f"drcheck audit estate.yaml -p policy.yaml --now {ex.now} gives:", *verdicts,
    ]
    return "\n".join(lines) + "\n"


def rules_markdown() -> str:
    """docs/rules.md: every rule type's documentation, as ``drcheck rules NAME`` prints it."""
    head = [
        "# Rule types",
        "",
        "Every rule of a policy has a `type`. This page is generated from the rule types",
        "themselves (`python3 tools/write_rule_docs.py`); `drcheck rules NAME` prints one",
        "section. Every example below is audited by the test suite, which checks the verdicts",
        "it states.",
        "",
        "```console",
        "$ drcheck rules separation",
        "separation: at least N copies outside the primary's failure domain of the named kinds",
        "...",
        "  same-campus: fail",
        "```",
    ]
    body = []
    for name in rule_types():
        body += ["", f"## {name}", "", "```text", rule_doc(name).rstrip("\n"), "```"]
    return "\n".join(head + body) + "\n"
