"""Catalog codes in an estate, checked at validate time: a typo is named before any audit.

A provider, region or datacenter code that the catalog does not know is not an error in
itself (a private datacenter, a provider the catalog lacks), but it silently leaves every
domain it would have given unknown. So each one is a warning with the nearest known code
("did you mean"), and ``--strict`` makes it an error.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from drcheck.inputs.documents import Document, PathKey
from drcheck.locations.catalog import PROVIDER_ALIASES, Catalog
from drcheck.shared.errors import Problem


def _did_you_mean(word: str, choices: list[str], upper: bool = False) -> str:
    close = difflib.get_close_matches(word.lower(), choices, n=3, cutoff=0.6)
    names = [c.upper() if upper else c for c in close]
    return f" (did you mean {' or '.join(repr(n) for n in names)}?)" if names else ""


def _regions_of(catalog: Catalog, provider: str) -> list[str]:
    return sorted({e.region.split(":", 1)[1] for e in catalog.entries if e.provider == provider})


def _datacenters_of(catalog: Catalog, provider: str | None) -> list[str]:
    codes: set[str] = set()
    for entry in catalog.entries:
        if provider is None or entry.provider == provider:
            codes.update(b.split("-", 1)[1] for b in entry.buildings if "-" in b)
    return sorted(codes)


def _locations(data: Mapping[str, Any]) -> Iterator[tuple[PathKey, Mapping[str, Any]]]:
    """Every mapping in the estate that carries location fields, with its path."""
    for section in ("hosts", "buckets", "media", "host_locations"):
        for i, item in enumerate(data.get(section) or []):
            if not isinstance(item, Mapping):
                continue
            if section == "buckets":
                yield (section, i), item
            location = item.get("location")
            if isinstance(location, Mapping):
                yield (section, i, "location"), location


def _location_words(catalog: Catalog, provider_name: Any, region: Any,
                    code: Any) -> list[tuple[str, str]]:
    """(field, warning) for each code of one location the catalog does not know."""
    found: list[tuple[str, str]] = []
    provider: str | None = None
    if isinstance(provider_name, str):
        key = provider_name.strip().lower()
        provider = key if key in catalog.providers else PROVIDER_ALIASES.get(key)
        if provider is None:
            names = sorted({*catalog.providers, *PROVIDER_ALIASES})
            found.append(("provider", (
                f"provider {provider_name!r} is not in the catalog"
                f"{_did_you_mean(provider_name, names)}; its domains stay unknown")))
            return found
    if provider and isinstance(region, str) and catalog.by_region(provider, region) is None:
        found.append(("region", (
            f"region {region!r} of provider {provider} is not in the catalog"
            f"{_did_you_mean(region, _regions_of(catalog, provider))}; "
            "its jurisdiction, metro and campus stay unknown")))
    if isinstance(code, str) and catalog.by_datacenter(provider, code) is None:
        owner = f" of provider {provider}" if provider else ""
        found.append(("datacenter", (
            f"datacenter {code!r}{owner} is not in the catalog"
            f"{_did_you_mean(code, _datacenters_of(catalog, provider), upper=True)}; "
            "its building, campus and metro stay unknown")))
    return found


def catalog_warnings(doc: Document, catalog: Catalog | None = None) -> list[Problem]:
    """Location codes of a (schema-valid) estate that the catalog does not know.

    Estates repeat a few hundred locations over many thousand hosts and buckets: each
    distinct (provider, region, datacenter) is looked up in the catalog once.
    """
    if not isinstance(doc.data, Mapping):
        return []
    catalog = catalog or Catalog.default()
    found: list[Problem] = []
    verdicts: dict[tuple[Any, Any, Any], list[tuple[str, str]]] = {}
    for path, fields in _locations(doc.data):
        codes = (fields.get("provider"), fields.get("region"), fields.get("datacenter"))
        try:
            words = verdicts.get(codes)
        except TypeError:  # an unhashable value (a list where a code belongs)
            words = _location_words(catalog, *codes)
        else:
            if words is None:
                words = verdicts[codes] = _location_words(catalog, *codes)
        found += [doc.problem((*path, field), message) for field, message in words]
    return found
