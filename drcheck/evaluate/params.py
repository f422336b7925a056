"""Rule parameters: one schema per rule type, and the typed values built from it.

A rule type declares its parameters once, as a JSON Schema made by ``type_schema``: the
policy schema embeds it, ``drcheck rules NAME`` documents it, and ``bind`` turns a policy
rule's raw ``params`` into the rule's frozen parameter dataclass, filling every absent key
from the schema's ``default``. Defaults live in the schema and nowhere else; a key with no
default and no value is None.

Field types convert the raw values: ``DomainKind`` and ``tuple[DomainKind, ...]`` from kind
names, ``Duration`` from ``26h``-style text, ``frozenset[str]`` from a list, ``int``,
``float``, ``bool`` and ``str`` as such.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from drcheck.inputs.durations import DURATION_PATTERN, parse_duration
from drcheck.shared.model import DomainKind

P = TypeVar("P")

KIND_SCHEMA: dict[str, Any] = {"enum": [k.value for k in DomainKind]}
DURATION_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": DURATION_PATTERN,
    "description": "a duration such as 26h, 7d or 1d12h",
}


def kinds_schema(**extra: Any) -> dict[str, Any]:
    """A list of distinct domain kinds (``[campus, account]``)."""
    return {"type": "array", "items": KIND_SCHEMA, "uniqueItems": True, **extra}


def type_schema(*, required: Sequence[str] = (), **properties: dict[str, Any]) -> dict[str, Any]:
    """The params schema of a rule type: an object of ``properties`` and nothing else."""
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    schema["properties"] = properties
    return schema


@dataclass(frozen=True)
class Duration:
    """A duration as the policy wrote it (``48h``) and as a ``timedelta``."""

    text: str
    delta: timedelta


@dataclass(frozen=True)
class NoParams:
    """The parameters of a rule type that takes none."""


def with_defaults(schema: Mapping[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    """``raw`` with every absent property that has a schema ``default`` filled in."""
    values = {k: v for k, v in raw.items() if v is not None}
    for key, prop in schema.get("properties", {}).items():
        if key not in values and "default" in prop:
            values[key] = prop["default"]
    return values


def _converter(hint: Any) -> Callable[[Any], Any]:
    """How to turn a raw JSON value into a value of the field type ``hint``."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return _converter(args[0])  # ``X | None``: None is handled by the caller
    origin = typing.get_origin(hint)
    if origin is tuple:
        item = _converter(args[0])
        return lambda v: tuple(item(x) for x in v)
    if origin is frozenset:
        item = _converter(args[0])
        return lambda v: frozenset(item(x) for x in v)
    if hint is Duration:
        return lambda v: Duration(str(v), parse_duration(str(v)))
    if hint is DomainKind:
        return DomainKind
    if hint in (int, float, bool, str):
        return typing.cast(Callable[[Any], Any], hint)
    raise TypeError(f"no converter for parameter type {hint!r}")


def bind(params_type: type[P], schema: Mapping[str, Any], raw: Mapping[str, Any]) -> P:
    """The typed parameters of one policy rule: schema defaults filled in, values converted.

    ``raw`` passed the policy schema; a key that is neither given nor defaulted is None.
    """
    values = with_defaults(schema, raw)
    hints = typing.get_type_hints(params_type)
    fields = {}
    for f in dataclasses.fields(typing.cast(Any, params_type)):
        value = values.get(f.name)
        fields[f.name] = None if value is None else _converter(hints[f.name])(value)
    return params_type(**fields)
