"""Where a bucket is: the endpoint host, GetBucketLocation and the declaration, compared.

The probe makes one probed REGION claim, ``<provider>:<region>``, from the API answer
(``s3:GetBucketLocation``); the assembler expands it through the catalog into campus, metro and
jurisdiction. The region an endpoint host names (``s3.sbg.io.cloud.ovh.net``) and the declared
region are recorded beside it in ``details["location"]``; when two of the three disagree the
probe raises a ``location-mismatch`` issue. A host that names no region (the global AWS
endpoint, GCS, R2, a loopback test server) contributes nothing: the API answer alone counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from drcheck.locations.catalog import Catalog, canonical_provider
from drcheck.probes.s3_client import CallResult
from drcheck.shared.model import Claim, DomainKind, ProbeIssue, Source


@dataclass(frozen=True)
class HostInfo:
    """What an endpoint host says: the provider and, for a regional host, the region code."""

    provider: str
    region: str | None


HostResolver = Callable[[str], "HostInfo | None"]


def catalog_resolver(host: str) -> HostInfo | None:
    """Resolve a host through the drcheck catalog (None when the catalog does not know it)."""
    match = Catalog.default().by_endpoint(host)
    if match is None:
        return None
    region = match.entry.region if match.regional and match.entry is not None else None
    return HostInfo(provider=match.provider, region=region.split(":", 1)[-1] if region else None)


def canonical(provider: str | None, region: str | None) -> str | None:
    """A region code as the catalog spells it (``SBG`` → ``sbg``); lower-cased when unknown."""
    if region is None:
        return None
    entry = Catalog.default().by_region(provider, region) if provider else None
    if entry is not None:
        return entry.region.split(":", 1)[-1]
    return region.strip().lower()


def provider_id(name: str | None) -> str | None:
    """The catalog's id for a provider name or alias (``OVHcloud`` → ``ovh``)."""
    if name is None:
        return None
    return canonical_provider(name) or name.strip().lower()


def normalise_constraint(provider: str | None, constraint: str | None) -> str | None:
    """A LocationConstraint as a region code: AWS's ``None``/empty → us-east-1, ``EU`` →
    eu-west-1; other providers' empty answers stay unknown."""
    value = (constraint or "").strip()
    if provider == "aws":
        if not value:
            return "us-east-1"
        if value == "EU":
            return "eu-west-1"
    return value.lower() or None


@dataclass(frozen=True)
class LocationView:
    """The three views of a bucket's region and the provider the probe settled on."""

    provider: str | None
    host: str | None
    host_region: str | None
    api_constraint: str | None
    api_region: str | None
    declared_region: str | None
    api_error: str | None = None

    def details(self) -> dict[str, object]:
        """JSON-safe form for ``details["location"]``."""
        return {
            "provider": self.provider,
            "endpoint_host": self.host,
            "endpoint_region": self.host_region,
            "location_constraint": self.api_constraint,
            "api_region": self.api_region,
            "declared_region": self.declared_region,
            "error": self.api_error,
        }

    def disagreement(self) -> dict[str, str] | None:
        """The views that name a region, when they name more than one; else None."""
        views = {
            "endpoint": self.host_region,
            "GetBucketLocation": self.api_region,
            "declared": self.declared_region,
        }
        named = {k: v.lower() for k, v in views.items() if v}
        return named if len(set(named.values())) > 1 else None


def location_view(
    result: CallResult,
    host: str | None,
    declared_provider: str | None,
    declared_region: str | None,
    resolver: HostResolver,
) -> LocationView:
    """Combine the API answer, the host and the declaration into one ``LocationView``."""
    info = resolver(host) if host else None
    provider = provider_id(declared_provider) or (info.provider if info else None)
    if provider is None and host is None:
        provider = "aws"
    constraint = None
    api_region = None
    if result.data is not None:
        raw = result.data.get("LocationConstraint")
        constraint = str(raw) if raw is not None else None
        api_region = canonical(provider, normalise_constraint(provider, constraint))
    return LocationView(
        provider=provider,
        host=host,
        host_region=canonical(provider, info.region if info else None),
        api_constraint=constraint,
        api_region=api_region,
        declared_region=canonical(provider, declared_region),
        api_error=result.reason,
    )


def region_claims(view: LocationView, observed_at: str) -> tuple[Claim, ...]:
    """The probed REGION claim from the API answer, when provider and region are known."""
    if view.api_region is None or view.provider is None:
        return ()
    return (Claim(DomainKind.REGION, f"{view.provider}:{view.api_region}", Source.PROBED,
                  "s3:GetBucketLocation", observed_at),)


def location_issues(view: LocationView, subject: str, observed_at: str) -> list[ProbeIssue]:
    """``location-mismatch`` when the views disagree; ``location-unknown`` when the provider
    cannot be told (a custom endpoint without ``provider`` in the estate)."""
    issues: list[ProbeIssue] = []
    clash = view.disagreement()
    if clash:
        said = ", ".join(f"{k} says {v}" for k, v in clash.items())
        issues.append(ProbeIssue(subject, "s3", "location-mismatch",
                                 f"bucket region views disagree: {said}", observed_at))
    if view.api_region is None and view.api_error is None and view.provider != "aws":
        issues.append(ProbeIssue(
            subject, "s3", "location-unknown",
            f"GetBucketLocation on {view.host or 'the endpoint'} returned no location: the "
            "bucket's region is not known from the provider", observed_at))
    if view.provider is None and view.api_region is not None:
        issues.append(ProbeIssue(
            subject, "s3", "location-unknown",
            f"endpoint host {view.host} names no known provider; region {view.api_region} "
            "cannot be placed (set provider in the estate)", observed_at))
    return issues
