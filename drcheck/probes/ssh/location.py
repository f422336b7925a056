"""Location claims for a probed host: a declared file, cloud-init data, estate patterns.

Claims use the same ids declared locations resolve to: ``ovh:sbg`` regions (expanded by
``drcheck.facts.assemble`` through the catalog) and, for a ``datacenter``, the catalog's building
id (``ovh-sbg2``) with the catalog's campus, metro and region. What the host said is
``Source.PROBED`` with an origin naming the file or pattern; what the catalog adds is
``Source.CATALOG`` ``via`` that origin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from drcheck.inputs.estate import LocationPattern
from drcheck.locations.catalog import Catalog
from drcheck.locations.claims import datacenter_claims, field_claims
from drcheck.shared.model import Claim, Source


def claims_from_fields(fields: Mapping[str, str], origin: str, observed_at: str) -> list[Claim]:
    """Claims for location fields (``provider``, ``region``, ``datacenter``…)."""
    out = field_claims(fields, Source.PROBED, lambda _: origin, observed_at)
    if fields.get("datacenter"):
        more, _ = datacenter_claims(Catalog.default(), fields.get("provider"),
                                    fields["datacenter"], Source.PROBED, origin, observed_at)
        out += more
    return out


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


