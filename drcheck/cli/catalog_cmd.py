"""``drcheck catalog QUERY``: what a region, datacenter code or endpoint host resolves to."""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Annotated, Any

import typer
from tabulate import tabulate

from drcheck.cli.app import app, guarded
from drcheck.locations.catalog import Catalog, CatalogEntry, EndpointMatch
from drcheck.shared.errors import UsageError

VALUE_WIDTH = 64
"""Wrap width of the value column, so a block fits in 80 columns."""

QUERY_HELP = (
    "A region (aws:eu-west-3, ovh:sbg, eu-west-3), a datacenter code (ovh:SBG2), an endpoint "
    "host or URL (s3.sbg.io.cloud.ovh.net), kind:value (campus:ovh-sbg, metro:paris), or a "
    "provider, metro or city name (ovh, strasbourg, gravelines)."
)
MAX_BLOCKS = 4
"""More entries than this are listed one line each instead of one block each."""


class CatalogFormat(str, Enum):
    """Output formats of ``drcheck catalog``."""

    TABLE = "table"
    JSON = "json"


def _uncertain_note(entry: CatalogEntry) -> str:
    """``yes: <the source's reason>`` for uncertain rows, ``no`` otherwise."""
    if not entry.uncertain:
        return "no"
    reason = entry.source.removeprefix("?").strip().split(";")[0].strip()
    return f"yes: {reason[:160]}" if reason else "yes"


def _entry_rows(entry: CatalogEntry) -> list[tuple[str, str]]:
    """The field/value lines of one entry's block."""
    where = "-" if entry.lat is None or entry.lon is None else f"{entry.lat:.2f}, {entry.lon:.2f}"
    return [
        ("provider", entry.provider),
        ("region", f"{entry.region} (code {entry.region_code}, service {entry.service})"),
        ("jurisdiction", entry.country or "-"),
        ("metro", entry.metro or "-"),
        ("campus", entry.campus or "-"),
        ("building", entry.building or "-"),
        ("buildings", " ".join(entry.buildings) or "-"),
        ("coordinates", f"{where} (city level)" if entry.lat is not None else where),
        ("city", entry.city or "-"),
        ("uncertain", _uncertain_note(entry)),
    ]


def _endpoint_rows(match: EndpointMatch) -> list[tuple[str, str]]:
    """The lines of an endpoint that names a provider but no catalog region."""
    if match.regional:
        region = "named by the host but not in the catalog"
    else:
        region = "not in the host name: read the bucket's location from the provider's API"
    return [("provider", match.provider), ("region", region)]


def _block(title: str, rows: list[tuple[str, str]]) -> str:
    """A titled two-column block, wrapped to fit 80 columns."""
    table = tabulate(rows, tablefmt="plain", maxcolwidths=[None, VALUE_WIDTH])
    return f"== {title} ==\n{table}\n"


def _entry_json(entry: CatalogEntry) -> dict[str, Any]:
    """One entry as a JSON object, with the domain claims it yields."""
    data = dataclasses.asdict(entry)
    data["buildings"] = list(entry.buildings)
    data["claims"] = [claim.label for claim in entry.claims(entry.origin)]
    return data


def render_query(catalog: Catalog, query: str, fmt: CatalogFormat) -> str:
    """The report for one query; UsageError when nothing in the catalog matches."""
    entries = catalog.query(query)
    endpoint = catalog.by_endpoint(query) if not entries else None
    if not entries and endpoint is None:
        raise UsageError(
            f"nothing in the catalog matches {query!r}",
            hint="try a region (aws:eu-west-3), a datacenter code (ovh:SBG2), an endpoint "
            "host (s3.sbg.io.cloud.ovh.net), kind:value (campus:ovh-sbg) or a provider, metro "
            "or city name (ovh, strasbourg)",
        )
    if fmt is CatalogFormat.JSON:
        document = {
            "query": query,
            "endpoint": dataclasses.asdict(endpoint) if endpoint else None,
            "entries": [_entry_json(e) for e in entries],
        }
        return json.dumps(document, indent=2, sort_keys=True) + "\n"
    if endpoint is not None:
        return _block(f"endpoint {query}", _endpoint_rows(endpoint))
    if len(entries) > MAX_BLOCKS:
        return _listing(entries)
    return "\n".join(_block(e.key, _entry_rows(e)) for e in entries)


def _listing(entries: list[CatalogEntry]) -> str:
    """One line per entry, for queries that name many (a provider, a metro), in 80 columns."""
    rows = [(e.key, e.city or "-", e.country or "-", e.metro or "-", e.campus or "-")
            for e in entries]
    table = tabulate(rows, headers=("entry", "city", "country", "metro", "campus"),
                     maxcolwidths=[26, 16, None, 12, 10])
    return (f"{table}\n\n{len(entries)} entries; `drcheck catalog PROVIDER:CODE` "
            "(e.g. ovh:SBG2) shows one in full\n")


@app.command("catalog")
def catalog_command(
    query: Annotated[str, typer.Argument(help=QUERY_HELP)],
    fmt: Annotated[CatalogFormat, typer.Option("--format", "-f")] = CatalogFormat.TABLE,
) -> None:
    """Show the failure domains a region, datacenter code or endpoint host resolves to."""

    def body() -> None:
        typer.echo(render_query(Catalog.default(), query, fmt), nl=False)

    guarded(body)
