"""Schema validation that speaks the user's language: file:line:column, JSON path, expectation.

jsonschema finds the errors; this module turns each into a ``Problem`` pinned to the offending
key (not merely its parent), with a plain sentence of what was expected and, for misspelt
words, the nearest valid one.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from drcheck.inputs.bounds import scan, tree_problems
from drcheck.inputs.documents import Document, PathKey
from drcheck.inputs.durations import parse_time
from drcheck.inputs.schemacheck import compile_check
from drcheck.shared.errors import ConfigError, Problem

TIME_KEYS = frozenset({"newest_restore_point", "last_restore_test"})
"""Keys whose string values are timestamps, wherever they stand in an input document."""

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError


def _suggest(word: str, choices: Iterable[Any]) -> str:
    names = [str(c) for c in choices]
    close = difflib.get_close_matches(str(word), names, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if value is None:
        return "null"
    return "string"


def _describe(error: ValidationError) -> list[tuple[PathKey, str]]:
    """One or more (path, message) pairs for a jsonschema error."""
    path: PathKey = tuple(error.absolute_path)
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(schema.get("properties", {}))
        known = schema.get("properties", {})
        extra = [k for k in error.instance if k not in known][:MAX_PROBLEMS]
        return [
            (path + (k,), f"unknown key {k!r}{_suggest(k, allowed)}; expected one of: "
             + ", ".join(allowed))
            for k in extra
        ]
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        return [(path, f"missing required key {missing!r}")]
    if kind == "enum":
        choices = list(error.validator_value)  # type: ignore[arg-type]
        return [(path, f"{error.instance!r} is not allowed{_suggest(str(error.instance), choices)};"
                 f" expected one of: {', '.join(map(str, choices))}")]
    if kind == "const":
        return [(path, f"expected {error.validator_value!r}, got {error.instance!r}")]
    if kind == "type":
        want = error.validator_value
        want_text = " or ".join(want) if isinstance(want, list) else str(want)
        return [(path, f"expected {want_text}, got {_type_name(error.instance)} "
                 f"{error.instance!r}")]
    if kind == "pattern":
        hint = schema.get("description", f"matching {error.validator_value}")
        return [(path, f"{error.instance!r} is not valid: expected {hint}")]
    if kind in ("oneOf", "anyOf") and isinstance(error.instance, dict):
        return [(path, schema.get("description") or f"does not match any allowed form: "
                 f"{error.message}")]
    return [(path, error.message)]


MAX_PROBLEMS = 100
"""Problems reported for one document at most: a hostile file with 200,000 unknown keys gets
the first hundred (and a line saying more were left out), in bounded time."""

_COMPILED: dict[int, tuple[dict[str, Any], Callable[[Any], bool]]] = {}


def passes(data: Any, schema: dict[str, Any]) -> bool:
    """Whether ``data`` is valid against ``schema``, by the schema compiled once per process
    (``schemacheck``): the fast pass/fail answer, without explanation."""
    cached = _COMPILED.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = (schema, compile_check(schema))
        _COMPILED[id(schema)] = cached
    return cached[1](data)


def schema_problems(doc: Document, schema: dict[str, Any]) -> list[Problem]:
    """Every schema violation in ``doc``, sorted by line. A valid document is checked by the
    compiled schema only; jsonschema runs to explain a failure, with every error."""
    if passes(doc.data, schema):
        return []
    from jsonschema import Draft202012Validator  # imported only to explain a failure

    validator = Draft202012Validator(schema)
    found: dict[tuple[str, str], Problem] = {}
    for error in validator.iter_errors(doc.data):
        leaves = error.context if error.validator == "allOf" and error.context else [error]
        for leaf in leaves:
            for path, message in _describe(leaf):
                problem = doc.problem(path, message)
                found.setdefault((problem.path, problem.message), problem)
        if len(found) >= MAX_PROBLEMS:
            break
    shown = sorted(found.values(), key=lambda p: (p.line or 0, p.column or 0, p.path))
    if len(shown) >= MAX_PROBLEMS:
        shown = shown[:MAX_PROBLEMS] + [Problem(doc.path, None, None, "$", f"more problems "
                                                f"after these {MAX_PROBLEMS} were not listed")]
    return shown


def header_problems(doc: Document, kind: str, api_version: str) -> list[Problem]:
    """Plain-words check of the document's header before the full schema runs."""
    if not isinstance(doc.data, dict):
        return [doc.problem((), f"expected a mapping with apiVersion: {api_version} and "
                            f"kind: {kind}, got {_type_name(doc.data)}")]
    problems = []
    if doc.data.get("kind") != kind:
        problems.append(doc.problem(("kind",), f"expected kind: {kind}, got "
                                    f"{doc.data.get('kind')!r}"))
    if doc.data.get("apiVersion") != api_version:
        problems.append(doc.problem(("apiVersion",), f"expected apiVersion: {api_version}, "
                                    f"got {doc.data.get('apiVersion')!r}"))
    return problems


def sanity_problems(doc: Document) -> list[Problem]:
    """Numbers and times that no schema keyword catches: NaN and ±inf anywhere, nesting
    deeper than ``bounds.MAX_DEPTH``, and timestamps (``TIME_KEYS``) that match the pattern
    but not the calendar (``2026-02-30``) or lie outside 1970–9999."""
    clean, stamps = scan(doc.data, TIME_KEYS)  # one walk for both questions
    if not clean:
        return tree_problems(doc.data, doc.problem)
    return time_problems(doc, stamps=stamps)


def _stamps(data: Any, keys: frozenset[str]) -> set[str]:
    """The distinct timestamp texts under ``keys`` anywhere in ``data`` (no paths built)."""
    found: set[str] = set()
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key in keys:
                    if isinstance(item, str):
                        found.add(item)
                        continue
                    if isinstance(item, dict) and isinstance(item.get("value"), str):
                        found.add(item["value"])
                        continue
                if isinstance(item, dict | list):
                    stack.append(item)
        elif isinstance(value, list):
            stack.extend(item for item in value if isinstance(item, dict | list))
    return found


def _calendar_ok(stamp: str) -> bool:
    try:
        parse_time(stamp)
    except ValueError:
        return False
    return True


def time_problems(doc: Document, keys: frozenset[str] = TIME_KEYS,
                  stamps: set[str] | None = None) -> list[Problem]:
    """Every timestamp under one of ``keys`` that ``parse_time`` refuses, with its reason.

    Each distinct text is parsed once; paths are built only when one of them is refused.
    ``stamps``: those texts (or a superset) when a walk already found them (``scan``).
    """
    if stamps is None:
        stamps = _stamps(doc.data, keys)
    if all(_calendar_ok(stamp) for stamp in stamps):
        return []
    problems: list[Problem] = []
    stack: list[tuple[PathKey, Any]] = [((), doc.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                at, stamp = _stamp(path + (key,), item) if key in keys else (None, None)
                if at is not None and stamp is not None:
                    try:
                        parse_time(stamp)
                    except ValueError as exc:
                        problems.append(doc.problem(at, str(exc)))
                else:
                    stack.append((path + (key,), item))
        elif isinstance(value, list):
            stack.extend((path + (i,), item) for i, item in enumerate(value))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.path))


def _stamp(path: PathKey, item: Any) -> tuple[PathKey | None, str | None]:
    """The timestamp text under a time key: the value itself (an estate), or the ``value``
    of an evidence record (a facts snapshot)."""
    if isinstance(item, str):
        return path, item
    if isinstance(item, dict) and isinstance(item.get("value"), str):
        return path + ("value",), item["value"]
    return None, None


def check_document(doc: Document, kind: str, api_version: str, schema: dict[str, Any],
                   semantic: Callable[[Document], list[Problem]]) -> list[Problem]:
    """The passes every input document goes through, stopping at the first that finds
    something: numbers and nesting (``sanity_problems``), the header in plain words, the
    JSON Schema, then ``semantic`` checks the schema cannot express (references, unique
    ids, durations). Numbers, nesting and the timestamps' texts are found in one walk."""
    clean, stamps = scan(doc.data, TIME_KEYS)
    if not clean:
        return tree_problems(doc.data, doc.problem)
    problems = header_problems(doc, kind, api_version)
    if problems and not isinstance(doc.data, dict):
        return problems
    problems += [p for p in schema_problems(doc, schema)
                 if p.path not in ("$.kind", "$.apiVersion")]
    return problems or time_problems(doc, stamps=stamps) or semantic(doc)


def require_valid(problems: list[Problem]) -> None:
    """Raise ``ConfigError`` carrying every problem, if there is any."""
    if problems:
        raise ConfigError(problems)
