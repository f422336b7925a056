"""Location fields (``provider``, ``region``, ``datacenter``…) to typed failure-domain claims.

One mapping for every place a location is written down: the estate's ``location`` blocks
(source ``declared``) and a host's own location file or name pattern (source ``probed``).
A datacenter code the catalog knows becomes the catalog's building id plus the catalog's
campus, metro, region and jurisdiction, each marked ``catalog`` ``via`` where it was read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from drcheck.locations.catalog import Catalog, CatalogEntry, canonical_provider
from drcheck.shared.model import Claim, DomainKind, Source

DIRECT_KINDS = {
    "provider": DomainKind.PROVIDER,
    "jurisdiction": DomainKind.JURISDICTION,
    "metro": DomainKind.METRO,
    "campus": DomainKind.CAMPUS,
    "building": DomainKind.BUILDING,
    "room": DomainKind.ROOM,
    "rack": DomainKind.RACK,
}
"""Location fields whose value is the domain id itself."""


def prefixed(provider: str | None, value: str) -> str:
    """Provider-scoped ids (accounts, regions): ``ovh:sbg`` from provider ovh and ``sbg``."""
    return value if ":" in value or not provider else f"{provider}:{value}"


def field_claims(fields: Mapping[str, str], source: Source, origin_of: Callable[[str], str],
                 observed_at: str | None = None) -> list[Claim]:
    """Claims for every field except ``datacenter`` (see ``datacenter_claims``).

    A provider alias (``ovhcloud``, ``amazon``) is claimed as the catalog's provider id, so
    it agrees with what the catalog says of the same place.
    """
    provider = fields.get("provider")
    if provider:
        provider = canonical_provider(provider) or provider
        fields = {**fields, "provider": provider}
    out = [Claim(kind, fields[key].upper() if key == "jurisdiction" else fields[key], source,
                 origin_of(key), observed_at)
           for key, kind in DIRECT_KINDS.items() if fields.get(key)]
    if fields.get("account"):
        out.append(Claim(DomainKind.ACCOUNT, prefixed(provider, fields["account"]), source,
                         origin_of("account"), observed_at))
    if fields.get("region"):
        out.append(Claim(DomainKind.REGION, prefixed(provider, fields["region"].lower()),
                         source, origin_of("region"), observed_at))
    return out


def datacenter_claims(catalog: Catalog, provider: str | None, code: str, source: Source,
                      origin: str, observed_at: str | None = None) -> tuple[
                          list[Claim], CatalogEntry | None]:
    """The building a datacenter code names, in the catalog's ids, and what else it knows.

    An unknown code stays a ``provider:code`` building claim and no catalog entry.
    """
    entry = catalog.by_datacenter(provider, code)
    if entry is None or not entry.building:
        return [Claim(DomainKind.BUILDING, prefixed(provider, code.lower()), source, origin,
                      observed_at)], None
    own = Claim(DomainKind.BUILDING, entry.building, source, origin, observed_at)
    more = entry.claims(f"catalog:{entry.key} via {origin}", observed_at)
    return [own, *(c for c in more if c.kind is not DomainKind.BUILDING)], entry
