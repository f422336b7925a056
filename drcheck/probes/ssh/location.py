"""Location claims for a probed host: a declared file, cloud-init data, estate patterns.

Claims use the same ids declared locations resolve to: ``ovh:sbg`` regions (expanded by
``drcheck.assemble`` through the catalog) and, for a ``datacenter``, the catalog's building
id (``ovh-sbg2``) with the catalog's campus, metro and region. What the host said is
``Source.PROBED`` with an origin naming the file or pattern; what the catalog adds is
``Source.CATALOG`` ``via`` that origin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from drcheck.catalog import Catalog
from drcheck.estate import LocationPattern
from drcheck.model import Claim, DomainKind, Source

_DIRECT = {
    "provider": DomainKind.PROVIDER,
    "jurisdiction": DomainKind.JURISDICTION,
    "metro": DomainKind.METRO,
    "campus": DomainKind.CAMPUS,
    "building": DomainKind.BUILDING,
    "room": DomainKind.ROOM,
    "rack": DomainKind.RACK,
}


def claims_from_fields(fields: Mapping[str, str], origin: str, observed_at: str) -> list[Claim]:
    """Claims for location fields (``provider``, ``region``, ``datacenter``…)."""
    provider = fields.get("provider")
    out = [Claim(kind, fields[key].upper() if key == "jurisdiction" else fields[key],
                 Source.PROBED, origin, observed_at)
           for key, kind in _DIRECT.items() if fields.get(key)]
    if fields.get("account"):
        out.append(Claim(DomainKind.ACCOUNT, _prefixed(provider, fields["account"]),
                         Source.PROBED, origin, observed_at))
    if fields.get("region"):
        out.append(Claim(DomainKind.REGION, _prefixed(provider, fields["region"].lower()),
                         Source.PROBED, origin, observed_at))
    if fields.get("datacenter"):
        out += _datacenter_claims(provider, fields["datacenter"], origin, observed_at)
    return out


def _datacenter_claims(provider: str | None, code: str, origin: str,
                       observed_at: str) -> list[Claim]:
    """The building a datacenter code names, in the catalog's ids (as declared ones are).

    A code the catalog knows gives its building id (``ovh-sbg2``) as a probed claim plus the
    catalog's campus, metro, region…; an unknown one stays ``provider:code``.
    """
    entry = Catalog.default().by_datacenter(provider, code)
    if entry is None or not entry.building:
        return [Claim(DomainKind.BUILDING, _prefixed(provider, code.lower()), Source.PROBED,
                      origin, observed_at)]
    probed = Claim(DomainKind.BUILDING, entry.building, Source.PROBED, origin, observed_at)
    catalog = entry.claims(f"catalog:{entry.key} via {origin}", observed_at)
    return [probed, *(c for c in catalog if c.kind is not DomainKind.BUILDING)]


def pattern_fields(patterns: Iterable[LocationPattern], hostnames: Iterable[str],
                   addresses: Iterable[str]) -> list[tuple[dict[str, str], str]]:
    """Location fields from every estate pattern that matches, with an origin for each."""
    names = [h for h in hostnames if h]
    addrs = [a for a in addresses if a]
    out: list[tuple[dict[str, str], str]] = []
    for pattern in patterns:
        candidates = {"hostname": names, "address": addrs}.get(pattern.on, names + addrs)
        for value in candidates:
            found = _match(pattern, value)
            if found is not None:
                out.append((found, f"{pattern.origin} (pattern matched {value})"))
                break
    return out


def _match(pattern: LocationPattern, value: str) -> dict[str, str] | None:
    try:
        match = re.search(pattern.match, value, re.IGNORECASE)
    except re.error:
        return None
    if match is None:
        return None
    groups = {k: v for k, v in match.groupdict().items() if v}
    return {**pattern.fields, **groups}


def _prefixed(provider: str | None, value: str) -> str:
    return value if ":" in value or not provider else f"{provider}:{value}"
