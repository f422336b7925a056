"""Rule parameters: typed per rule, built from the rule's schema, defaults in one place."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from drcheck.evaluate.params import Duration, bind, type_schema, with_defaults
from drcheck.evaluate.registry import rule_types
from drcheck.shared.model import DomainKind

ROOT = Path(__file__).resolve().parents[2]
MINIMAL: dict[str, dict[str, Any]] = {
    "separation": {"kinds": ["campus"]}, "min-copies": {"min": 2},
    "distinct-domains": {"kind": "provider", "min": 2}, "min-distance": {"km": 100},
    "max-age": {"max_age": "26h"}, "restore-tested": {"max_age": "90d"},
    "survives": {"kinds": ["campus"]},
}


@pytest.mark.parametrize("name", sorted(rule_types()))
def test_every_field_is_a_schema_property_and_defaults_come_from_the_schema(name: str) -> None:
    cls = rule_types()[name]
    props = cls.params_schema["properties"]
    fields = {f.name for f in dataclasses.fields(cls.params_type)}
    assert fields == set(props), "the params dataclass and the schema name the same keys"
    bound = cls().bind(MINIMAL.get(name, {}))
    for key, prop in props.items():
        if "default" in prop:
            value = getattr(bound, key)
            raw = value if not isinstance(value, tuple | frozenset) else sorted(
                v.value if isinstance(v, DomainKind) else v for v in value)
            expected = prop["default"] if not isinstance(prop["default"], list) else sorted(
                prop["default"])
            assert raw == expected, f"{name}.{key}"
        elif key not in MINIMAL.get(name, {}):
            assert getattr(bound, key) is None, f"{name}.{key} has no default: None"


def test_values_are_converted_by_field_type() -> None:
    bound = rule_types()["survives"]().bind(
        {"kinds": ["campus", "account"], "depth": 2, "max_age": "1d12h"})
    assert bound.kinds == (DomainKind.CAMPUS, DomainKind.ACCOUNT)
    assert bound.max_age == Duration("1d12h", timedelta(hours=36))
    assert bound.bar.max_age == timedelta(hours=36) and bound.bar.require_immutable is False
    assert bound.loss == "any one or two campus/account"


def test_given_values_win_over_defaults_and_none_means_absent() -> None:
    schema = type_schema(n={"type": "integer", "default": 1}, s={"type": "string"})
    assert with_defaults(schema, {}) == {"n": 1}
    assert with_defaults(schema, {"n": 5, "s": None}) == {"n": 5}

    @dataclass(frozen=True)
    class Odd:
        when: complex

    with pytest.raises(TypeError, match="no converter"):
        bind(Odd, type_schema(when={}), {"when": 1})


def test_rules_restate_no_default() -> None:
    """Rules read their typed parameters; nothing does ``params.get(key, default)``."""
    pattern = re.compile(r"params\.get\(|params\[")
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in (ROOT / "drcheck").rglob("*.py")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line) and "policy.py" not in p.name]
    assert offenders == []
