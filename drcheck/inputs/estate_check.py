"""An estate document checked whole: header, schema, then the references between its parts.

``check_estate`` lists every problem at once (duplicate names, undeclared hosts, buckets or
media, values that would reach SSH with the wrong syntax); ``load_estate`` reads, checks and
parses a file, passing location codes the catalog does not know to a warning callback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drcheck.inputs.catalog_check import catalog_warnings
from drcheck.inputs.documents import Document, load_file, paused_gc
from drcheck.inputs.estate import API_VERSION, ESTATE_SCHEMA, Estate, parse_estate
from drcheck.inputs.sshsyntax import estate_problems
from drcheck.inputs.validation import check_document, require_valid
from drcheck.shared.errors import Problem
from drcheck.shared.forked import beside, worth_a_fork

CHECK_BESIDE_FROM = 2000
"""Datasets from which an estate is checked in a forked worker while it is parsed."""


def _reference_problems(doc: Document) -> list[Problem]:
    data = doc.data
    problems: list[Problem] = []
    declared: dict[str, set[str]] = {}
    for section, kind in (("hosts", "host"), ("buckets", "bucket"), ("media", "medium")):
        names: set[str] = set()
        for i, item in enumerate(data.get(section) or []):
            if item["name"] in names:
                problems.append(doc.problem((section, i, "name"),
                                            f"duplicate {kind} name {item['name']!r}"))
            names.add(item["name"])
        declared[kind] = names
    problems += estate_problems(doc)  # values that reach SSH: host, user, port, paths
    seen: set[str] = set()
    kinds = tuple(declared.items())
    for i, ds in enumerate(data.get("datasets") or []):
        if ds["name"] in seen:
            problems.append(doc.problem(("datasets", i, "name"),
                                        f"duplicate dataset name {ds['name']!r}"))
        seen.add(ds["name"])
        if not _all_declared((ds["primary"], *(ds.get("copies") or ())), kinds):
            problems += _undeclared(doc, i, ds, declared)
    return problems


def _all_declared(replicas: tuple[dict[str, str], ...],
                  kinds: tuple[tuple[str, set[str]], ...]) -> bool:
    """Whether every host, bucket or medium these replicas name is declared (the quick
    answer for a sound dataset; ``_undeclared`` says which are not)."""
    for rep in replicas:
        for kind, names in kinds:
            if kind in rep and rep[kind] not in names:
                return False
    return True


def _undeclared(doc: Document, i: int, ds: dict[str, Any],
                declared: dict[str, set[str]]) -> list[Problem]:
    """The replicas of dataset ``i`` that name an undeclared host, bucket or medium."""
    problems: list[Problem] = []
    replicas: list[tuple[tuple[str | int, ...], dict[str, str]]] = [
        (("primary",), ds["primary"])]
    replicas += [(("copies", j), c) for j, c in enumerate(ds.get("copies") or [])]
    for path, rep in replicas:
        for kind, names in declared.items():
            if kind in rep and rep[kind] not in names:
                problems.append(doc.problem(
                    ("datasets", i, *path, kind),
                    f"{kind} {rep[kind]!r} is not declared under "
                    f"{'media' if kind == 'medium' else kind + 's'}"
                    + (f" (declared: {', '.join(sorted(names))})" if names else "")))
    return problems


def check_estate(doc: Document) -> list[Problem]:
    """Every problem with an estate document: header, schema, then references."""
    with paused_gc():
        return check_document(doc, "Estate", API_VERSION, ESTATE_SCHEMA, _reference_problems)


def checked_estate(doc: Document) -> Estate:
    """The estate of ``doc``, once ``check_estate`` has found nothing wrong with it (exit 2
    with every problem otherwise); what the caller sees is that, exactly, however it runs.

    A large estate is checked in a forked worker while this process parses it, on the
    guess that it is valid (it usually is): the check and the parse each take a fifth of
    a large offline audit. The parse of an invalid document may fail in any way, since it
    trusts the check; its failure counts only if the check then finds nothing. A worker
    that ends without a clean list of problems (it raised, or was killed) leaves the check
    to this process, which raises as the plain order would.
    """
    datasets = doc.data.get("datasets") if isinstance(doc.data, dict) else None
    if not (isinstance(datasets, list) and len(datasets) >= CHECK_BESIDE_FROM
            and worth_a_fork()):
        require_valid(check_estate(doc))
        return parse_estate(doc)
    with beside(lambda: _problems_only(doc)) as checked:
        try:
            estate, failure = parse_estate(doc), None
        except Exception as exc:  # an invalid document: see the docstring
            estate, failure = None, exc
        problems = checked()
    require_valid(check_estate(doc) if problems is None else problems)
    if failure is not None:
        raise failure
    assert estate is not None
    return estate


def _problems_only(doc: Document) -> list[Problem] | None:
    """``check_estate(doc)``, or None where it raises (the parent then checks again)."""
    try:
        return check_estate(doc)
    except Exception:  # redone in the parent, which raises it as it comes
        return None


def load_estate(path: str, on_warning: Callable[[Problem], None] | None = None) -> Estate:
    """Load and validate an estate file; every problem is reported at once (exit 2).

    Location codes the catalog does not know are passed to ``on_warning`` (they leave
    domains unknown, which the audit then reports).
    """
    with paused_gc():  # one pass over freshly built data: see documents.paused_gc
        doc = load_file(path)
        estate = checked_estate(doc)
        warnings = catalog_warnings(doc) if on_warning is not None else []
    if on_warning is not None:
        for warning in warnings:
            on_warning(warning)
    return estate
