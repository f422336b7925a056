"""Location claims for a probed host: a declared file, cloud-init data, estate patterns.

Claims use the same ids the estate uses (``ovh:sbg`` regions, ``ovh:sbg2`` buildings for a
``datacenter``) so ``drcheck.assemble`` expands them through the catalog. Every claim is
``Source.PROBED`` with an origin naming the file or pattern it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

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
        out.append(Claim(DomainKind.BUILDING, _prefixed(provider, fields["datacenter"].lower()),
                         Source.PROBED, origin, observed_at))
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


def _prefixed(provider: str | None, value: str) -> str:
    return value if ":" in value or not provider else f"{provider}:{value}"
