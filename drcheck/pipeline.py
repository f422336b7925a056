"""The audit pipeline, stage by stage: estate → (probes) → snapshot → evaluator → result.

The CLI and the importers call these functions; each stage can also be run on its own
(``drcheck validate``, ``drcheck probe``, ``drcheck audit --facts``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from drcheck.assemble import assemble
from drcheck.baseline import new_findings
from drcheck.catalog import Catalog
from drcheck.catalog_check import catalog_warnings
from drcheck.durations import format_time
from drcheck.errors import ExitCode, Problem, UsageError
from drcheck.estate import API_VERSION, ESTATE_SCHEMA, Estate, parse_estate
from drcheck.evaluate.engine import evaluate
from drcheck.model import AuditResult, Severity, Snapshot, Status
from drcheck.policy import Policy
from drcheck.probes.base import ProbeReport
from drcheck.progress import Progress
from drcheck.sshsyntax import estate_problems
from drcheck.validation import check_document, require_valid
from drcheck.yamlsource import Document, load_file

log = logging.getLogger("drcheck.pipeline")


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
    for i, ds in enumerate(data.get("datasets") or []):
        if ds["name"] in seen:
            problems.append(doc.problem(("datasets", i, "name"),
                                        f"duplicate dataset name {ds['name']!r}"))
        seen.add(ds["name"])
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
    return check_document(doc, "Estate", API_VERSION, ESTATE_SCHEMA, _reference_problems)


def load_estate(path: str, on_warning: Callable[[Problem], None] | None = None) -> Estate:
    """Load and validate an estate file; every problem is reported at once (exit 2).

    Location codes the catalog does not know are passed to ``on_warning`` (they leave
    domains unknown, which the audit then reports).
    """
    doc = load_file(path)
    require_valid(check_estate(doc))
    if on_warning is not None:
        for warning in catalog_warnings(doc):
            on_warning(warning)
    return parse_estate(doc)


def build_snapshot(estate: Estate, reports: Sequence[ProbeReport], now: datetime) -> Snapshot:
    """The facts snapshot of ``estate`` from declarations, the catalog and probe reports."""
    return assemble(estate, reports, Catalog.default(), format_time(now))


def run_audit(snapshot: Snapshot, policies: Sequence[Policy], now: datetime) -> AuditResult:
    """Evaluate; the result is a pure function of the arguments (progress goes to stderr)."""
    checks = sum(len(p.rules) for p in policies) * len(snapshot.datasets)
    progress = Progress("evaluate", checks, "rule checks")
    result = evaluate(snapshot, policies, now, progress.advance)
    progress.done()
    log.info("evaluated %d rule checks: %d finding(s), score %d", checks,
             len(result.findings), result.score)
    return result


def require_evaluated(result: AuditResult, source: str) -> None:
    """Refuse (exit 2) an audit that evaluated nothing: a gate that checked no dataset must
    not pass. ``source`` names the input (``plan.json``, ``estate.yaml``)."""
    datasets = result.snapshot.datasets
    if not datasets:
        raise UsageError(
            f"nothing to evaluate: {source} yields no dataset",
            hint="an importer infers datasets from replication, backup plans and read "
            "replicas; add the others with --mapping FILE (see docs/importers.md)")
    if not result.findings:
        raise UsageError(
            f"nothing to evaluate: no rule of {', '.join(result.policies) or 'no policy'} "
            f"selects any of the {len(datasets)} dataset(s) of {source}",
            hint="check the rules' selectors (labels, criticality) against the datasets")


def exit_code(result: AuditResult, fail_on: Severity) -> ExitCode:
    """1 if a failure at or above ``fail_on``; else 3 if an unknown at or above it; else 0.

    Waived findings never gate; with a baseline, only findings it does not accept do.
    """
    gating = [f for f in new_findings(result) if f.severity.rank >= fail_on.rank]
    if any(f.status is Status.FAIL for f in gating):
        return ExitCode.FINDINGS
    if any(f.status is Status.UNKNOWN for f in gating):
        return ExitCode.INCOMPLETE
    return ExitCode.OK
