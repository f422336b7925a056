"""A JSON Schema compiled once into Python closures that answer one question: valid or not.

jsonschema explains every error but costs ~20 µs per value; checking a 100k-dataset estate
with it takes minutes. This compiles the keywords drcheck's schemas use into closures that
return a bool and allocate nothing, so a valid document (the common case) is checked at
Python speed; ``validation.schema_problems`` runs jsonschema only when this says "invalid",
to explain. Sound by construction: an unknown keyword compiles to "invalid", so jsonschema
decides whatever this does not understand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]
_IGNORED = frozenset(("$schema", "$id", "title", "description", "default", "examples",
                      "format", "$comment", "deprecated", "readOnly", "writeOnly"))
_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _never(_: Any) -> bool:
    return False


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b or (
        _TYPES["number"](a) and _TYPES["number"](b) and a == b)


def _value_key(v: Any) -> tuple[str, Any]:
    """Equality as JSON sees it: 1 == 1.0, but True is not 1."""
    return ("n", v) if _TYPES["number"](v) else (type(v).__name__, v)


def _one_of_values(choices: list[Any]) -> Check:
    """``enum``/``const``: a set lookup when every choice is a plain value."""
    if any(isinstance(c, dict | list) for c in choices):
        return lambda v: any(_same(v, c) for c in choices)
    keys = {_value_key(c) for c in choices}
    texts = frozenset(c for c in choices if isinstance(c, str))

    def check(v: Any) -> bool:
        if v.__class__ is str:  # the common case, a word of an enum
            return v in texts
        if isinstance(v, dict | list):
            return False
        return _value_key(v) in keys

    return check


_EXACT: dict[str, Check] = {
    "object": dict.__instancecheck__, "array": list.__instancecheck__,
    "string": str.__instancecheck__, "boolean": bool.__instancecheck__,
}
"""Type tests that are one ``isinstance`` each, as the C method itself (no Python frame)."""


def _type(want: Any) -> Check:
    names = want if isinstance(want, list) else [want]
    if any(n not in _TYPES for n in names):
        return _never
    tests = [_TYPES[n] for n in names]
    if len(tests) == 1:
        return _EXACT.get(names[0], tests[0])
    return _any_type(frozenset(names))


_CLASSES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "integer": (int,),
    "number": (int, float), "boolean": (bool,), "null": (type(None),)}


def _any_type(names: frozenset[str]) -> Check:
    """``type: [a, b, ...]`` as one ``isinstance``: a bool passes only as a boolean (Python
    counts it an int, JSON Schema does not)."""
    classes = tuple({c for n in names for c in _CLASSES[n]})
    if "boolean" in names:
        return lambda v: isinstance(v, classes)
    return lambda v: isinstance(v, classes) and v.__class__ is not bool


def _closed_object(props: dict[str, Check], required: frozenset[str], strict: bool) -> Check:
    """A mapping with ``additionalProperties: false``: its key set is checked at C speed."""
    closed = frozenset(props)

    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return not strict
        keys = v.keys()
        if not keys <= closed or not keys >= required:
            return False
        for key, value in v.items():  # noqa: SIM110  (a loop: no generator per mapping)
            if not props[key](value):
                return False
        return True

    return check


def _object(schema: dict[str, Any], strict: bool = False) -> Check:
    """``properties``/``additionalProperties``/``required``; ``strict``: also ``type:
    object`` (a value that is not a mapping fails), one closure instead of two."""
    props = {k: compile_check(v) for k, v in schema.get("properties", {}).items()}
    extra = schema.get("additionalProperties", True)
    required = frozenset(schema.get("required", ()))
    if extra is False:
        return _closed_object(props, required, strict)
    extra_check = None if extra is True else compile_check(extra)

    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return not strict
        if not v.keys() >= required:
            return False
        for key, value in v.items():
            sub = props.get(key)
            if sub is not None:
                if not sub(value):
                    return False
            elif extra_check is not None and not extra_check(value):
                return False
        return True

    return check


def _string(schema: dict[str, Any], strict: bool = False) -> Check:
    pattern = re.compile(schema["pattern"]).search if "pattern" in schema else None
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    if pattern is not None:
        return _patterned(pattern, low, high, strict)

    def check(v: Any) -> bool:
        if not isinstance(v, str):
            return not strict
        return not (len(v) < low or (high is not None and len(v) > high))

    return check


_SEEN = 1 << 14


def _patterned(pattern: Callable[[str], Any], low: int, high: int | None,
               strict: bool) -> Check:
    """A string with a ``pattern``: the texts that passed are remembered (a bounded number),
    as documents repeat them (timestamps, host names), and a set look-up is cheaper than
    the expression."""
    passed: set[str] = set()

    def check(v: Any) -> bool:
        if not isinstance(v, str):
            return not strict
        if v in passed:
            return True
        if len(v) < low or (high is not None and len(v) > high) or pattern(v) is None:
            return False
        if len(passed) < _SEEN:
            passed.add(v)
        return True

    return check


def _number(schema: dict[str, Any]) -> Check:
    low, high = schema.get("minimum"), schema.get("maximum")
    above = schema.get("exclusiveMinimum")

    def check(v: Any) -> bool:
        if not _TYPES["number"](v):
            return True
        return not ((low is not None and v < low) or (high is not None and v > high)
                    or (above is not None and v <= above))

    return check


def _array(schema: dict[str, Any]) -> Check:
    raw = schema.get("items", True)
    items = compile_check(raw) if isinstance(raw, dict | bool) else _never
    low, unique = schema.get("minItems", 0), schema.get("uniqueItems", False)

    def check(v: Any) -> bool:
        if not isinstance(v, list):
            return True
        if len(v) < low:
            return False
        if unique and not _distinct(v):
            return False
        for x in v:  # noqa: SIM110  (a loop: no generator per list)
            if not items(x):
                return False
        return True

    return check


def _distinct(values: list[Any]) -> bool:
    """Whether no two items are equal as JSON values (containers: let jsonschema decide)."""
    if any(isinstance(x, dict | list) for x in values):
        return False
    keys = {("n", x) if _TYPES["number"](x) else (type(x).__name__, x) for x in values}
    return len(keys) == len(values)


def _single_required(schema: Any) -> str | None:
    """``k`` for exactly ``{"required": ["k"]}``, else None."""
    if isinstance(schema, dict) and set(schema) == {"required"}:
        required = schema["required"]
        if isinstance(required, list) and len(required) == 1 and isinstance(required[0], str):
            return required[0]
    return None


def _branch_keys(branch: Any) -> tuple[str, set[str]] | None:
    """(k, others) for ``{"required": [k], "not": {"anyOf": [{"required": [o]}, ...]}}``."""
    if not isinstance(branch, dict) or set(branch) != {"required", "not"}:
        return None
    key = _single_required({"required": branch["required"]})
    negated = branch["not"]
    if key is None or not isinstance(negated, dict) or set(negated) != {"anyOf"} or \
            not isinstance(negated["anyOf"], list):
        return None
    others = [_single_required(r) for r in negated["anyOf"]]
    if any(o is None for o in others):
        return None
    return key, {o for o in others if o is not None}


def _exclusive_keys(branches: Any) -> frozenset[str] | None:
    """The keys of a ``oneOf`` that says "exactly one of these keys": each branch requires
    one key and ``not: {anyOf: [{required: [other]}, ...]}`` the others; else None."""
    if not isinstance(branches, list) or len(branches) < 2:
        return None
    parsed = [_branch_keys(b) for b in branches]
    if any(p is None for p in parsed):
        return None
    pairs = [p for p in parsed if p is not None]
    every = {k for k, _ in pairs}
    if len(every) != len(pairs) or any(o != every - {k} for k, o in pairs):
        return None
    return frozenset(every)


def _one_of(branches: Any) -> Check:
    """``oneOf``: exactly one branch holds (counting stops at the second). The common
    "exactly one of these keys" form is a set intersection: a value that is not a mapping
    satisfies no branch there (each branch's ``not anyOf required`` refuses it)."""
    keys = _exclusive_keys(branches)
    if keys is not None:
        return lambda v: isinstance(v, dict) and len(keys.intersection(v)) == 1
    one = [compile_check(s) for s in branches]

    def check(v: Any) -> bool:
        found = 0
        for branch in one:
            if branch(v):
                found += 1
                if found > 1:
                    return False
        return found == 1

    return check


def _combinators(schema: dict[str, Any]) -> list[Check]:
    out: list[Check] = []
    if "oneOf" in schema:
        out.append(_one_of(schema["oneOf"]))
    if "anyOf" in schema:
        anyof = [compile_check(s) for s in schema["anyOf"]]
        out.append(lambda v: any(c(v) for c in anyof))
    if "allOf" in schema:
        allof = [compile_check(s) for s in schema["allOf"]]
        out.append(lambda v: all(c(v) for c in allof))
    if "not" in schema:
        inner = compile_check(schema["not"])
        out.append(lambda v: not inner(v))
    if "if" in schema:
        cond = compile_check(schema["if"])
        then = compile_check(schema.get("then", {}))
        other = compile_check(schema.get("else", {}))
        out.append(lambda v: then(v) if cond(v) else other(v))
    return out


_OBJECT_WORDS = frozenset(("properties", "additionalProperties", "required"))
_STRING_WORDS = frozenset(("pattern", "minLength", "maxLength"))
_FUSED: dict[str, tuple[frozenset[str], Callable[[dict[str, Any], bool], Check]]] = {
    "object": (_OBJECT_WORDS, _object), "string": (_STRING_WORDS, _string)}
"""Types whose keywords are checked in the same closure as the type itself."""

_HANDLED = frozenset(("type", "properties", "additionalProperties", "required", "pattern",
                      "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
                      "items", "minItems", "uniqueItems", "enum", "const", "oneOf", "anyOf",
                      "allOf", "not", "if", "then", "else"))


def _checks(schema: dict[str, Any]) -> list[Check]:
    """One check per group of keywords present in ``schema``."""
    keys = set(schema)
    checks: list[Check] = []
    fused = _FUSED.get(schema["type"]) if isinstance(schema.get("type"), str) else None
    if fused is not None and keys.intersection(fused[0]):
        checks.append(fused[1](schema, True))  # the type and its keywords in one closure
        keys -= fused[0]
    elif "type" in schema:
        checks.append(_type(schema["type"]))
    if "enum" in schema:
        checks.append(_one_of_values(list(schema["enum"])))
    if "const" in schema:
        checks.append(_one_of_values([schema["const"]]))
    for group, build in ((("properties", "additionalProperties", "required"), _object),
                         (("pattern", "minLength", "maxLength"), _string),
                         (("minimum", "maximum", "exclusiveMinimum"), _number),
                         (("items", "minItems", "uniqueItems"), _array)):
        if keys.intersection(group):
            checks.append(build(schema))
    return checks + _combinators(schema)


def compile_check(schema: Any) -> Check:
    """A closure that is True exactly when a value is valid (False for anything unknown)."""
    if schema is True or schema == {}:
        return lambda v: True
    if not isinstance(schema, dict) or set(schema) - _HANDLED - _IGNORED:
        return _never
    checks = _checks(schema)
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)
    return lambda v: all(c(v) for c in checks)
