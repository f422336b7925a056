"""Scenario and sweep results as text: a terminal table, Markdown, or versioned JSON.

Pure functions returning strings; the CLI decides where they go. JSON carries every
dataset and every ranked impact; the table and Markdown show the ``top`` entries of each
ranking and say how many were left out.
"""

from __future__ import annotations

import heapq
import textwrap
from collections.abc import Sequence
from enum import Enum
from typing import Any

from tabulate import tabulate

from drcheck.evaluate.scoring import CRITICALITY_WEIGHT
from drcheck.evaluate.survival.model import (
    DatasetCuts,
    DatasetFate,
    Impact,
    ScenarioResult,
    SweepResult,
    Verdict,
    cut_text,
    label,
)
from drcheck.shared.jsontext import pretty

SCHEMA_VERSION = 1
WIDTH = 60


class SimulateFormat(str, Enum):
    """The formats ``drcheck simulate --format`` accepts."""

    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


def _fmt_bytes(n: int) -> str:
    if not n:
        return "-"
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(n)


def _fate_text(fate: DatasetFate) -> str:
    return "; ".join(f"{r.name} ({r.role}): {r.reason}" for r in fate.replicas)


def _more(total: int, shown: int) -> list[str]:
    return [f"… {total - shown} more (--top, or --format json for all)"] if total > shown else []


def render_scenario(result: ScenarioResult, fmt: SimulateFormat) -> str:
    """The datasets a scenario destroys or leaves uncertain."""
    if fmt is SimulateFormat.JSON:
        return _json({"kind": "scenario", **scenario_dict(result)})
    tablefmt = "github" if fmt is SimulateFormat.MARKDOWN else "simple"
    lost = ", ".join(label(d) for d in result.lost)
    parts = [f"losing {lost} together"]
    if result.datasets:
        rows = [(f.verdict.value.upper(), f.dataset, f.criticality,
                 textwrap.fill(_fate_text(f), WIDTH)) for f in result.datasets]
        parts.append(tabulate(rows, headers=["verdict", "dataset", "criticality",
                                             "replicas"], tablefmt=tablefmt))
    counts = {v: sum(1 for f in result.datasets if f.verdict is v) for v in Verdict}
    survive = result.evaluated - len(result.datasets)
    parts.append(f"{counts[Verdict.LOST]} lost · {counts[Verdict.DEGRADED]} left with no good "
                 f"copy · {counts[Verdict.UNKNOWN]} unknown · {survive} of "
                 f"{result.evaluated} survive")
    return "\n\n".join(parts) + "\n"


def _impact_rows(impacts: Sequence[Impact], top: int) -> list[tuple[Any, ...]]:
    return [(" + ".join(i.labels), len(i.lost), i.weight, _fmt_bytes(i.bytes), len(i.unknown),
             textwrap.fill(", ".join(i.lost or i.unknown), 40)) for i in impacts[:top]]


def _cuts_rows(datasets: Sequence[DatasetCuts], top: int) -> list[tuple[Any, ...]]:
    rows = []
    for d in datasets[:top]:
        dies = [cut_text(c) for c in d.cuts]
        dies += [f"{{{kind}:?}}? (no good replica's {kind} is known)" for kind in d.blind]
        rows.append((d.dataset, d.criticality, d.good,
                     textwrap.fill(" · ".join(dies) or "no cut within depth", WIDTH)))
    return rows


def _dataset_order(d: DatasetCuts) -> tuple[int, int, int, str]:
    sizes = [len(c.domains) for c in d.cuts if c.certain]
    return (min(sizes, default=99), 0 if d.cuts or d.blind else 1,
            -CRITICALITY_WEIGHT.get(d.criticality, 2), d.dataset)


def render_sweep(result: SweepResult, fmt: SimulateFormat, top: int = 20) -> str:
    """Ranked domains (and pairs) by data destroyed, then each dataset's minimal cuts."""
    if fmt is SimulateFormat.JSON:
        return _json({"kind": "sweep", **sweep_dict(result)})
    tablefmt = "github" if fmt is SimulateFormat.MARKDOWN else "simple"
    heads = ["domain", "lost", "weight", "bytes", "unknown", "datasets"]
    kinds = ", ".join(k.value for k in result.kinds)
    parts = [f"N-1: {result.swept} domains swept (kinds: {kinds}); "
             f"{sum(1 for i in result.singles if i.lost)} destroy data on their own"]
    if result.singles:
        parts.append("\n".join([tabulate(_impact_rows(result.singles, top), headers=heads,
                                         tablefmt=tablefmt), *_more(len(result.singles), top)]))
    if result.depth > 1:
        parts.append(f"N-2: pairs that destroy data neither domain destroys alone: "
                     f"{sum(1 for i in result.pairs if i.lost)} certain, "
                     f"{sum(1 for i in result.pairs if not i.lost)} uncertain")
        if result.pairs:
            parts.append("\n".join([tabulate(_impact_rows(result.pairs, top),
                                             headers=["pair", *heads[1:]], tablefmt=tablefmt),
                                    *_more(len(result.pairs), top)]))
    ordered = heapq.nsmallest(top, result.datasets, key=_dataset_order)  # sorted()[:top]
    parts.append("\n".join([tabulate(_cuts_rows(ordered, top), headers=[
        "dataset", "criticality", "good", f"dies with (minimal cut sets, up to {result.depth})"],
        tablefmt=tablefmt), *_more(len(result.datasets), top)]))
    return "\n\n".join(parts) + "\n"


def _json(doc: dict[str, Any]) -> str:
    return pretty({"schema_version": SCHEMA_VERSION, **doc})


def scenario_dict(result: ScenarioResult) -> dict[str, Any]:
    """The scenario as plain JSON-ready data."""
    return {
        "lost": [label(d) for d in result.lost],
        "evaluated": result.evaluated,
        "datasets": [{
            "dataset": f.dataset, "criticality": f.criticality, "bytes": f.bytes,
            "verdict": f.verdict.value, "unknowns": list(f.unknowns),
            "replicas": [{"name": r.name, "role": r.role, "standing": r.standing.value,
                          "fate": r.fate.value, "reason": r.reason} for r in f.replicas],
        } for f in result.datasets],
    }


def _impact_dict(i: Impact) -> dict[str, Any]:
    return {"domains": list(i.labels), "lost": list(i.lost), "unknown": list(i.unknown),
            "weight": i.weight, "bytes": i.bytes}


def sweep_dict(result: SweepResult) -> dict[str, Any]:
    """The sweep as plain JSON-ready data."""
    return {
        "depth": result.depth,
        "kinds": [k.value for k in result.kinds],
        "swept": result.swept,
        "singles": [_impact_dict(i) for i in result.singles],
        "pairs": [_impact_dict(i) for i in result.pairs],
        "datasets": [{
            "dataset": d.dataset, "criticality": d.criticality, "bytes": d.bytes,
            "good_replicas": d.good, "blind_kinds": list(d.blind),
            "cuts": [{"domains": list(c.labels), "certain": c.certain,
                      "unknowns": list(c.unknowns)} for c in d.cuts],
        } for d in result.datasets],
    }
