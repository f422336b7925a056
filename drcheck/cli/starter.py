"""``drcheck init``'s starter files: a commented estate and policy for the user's providers.

Both are plain text with comments a newcomer can follow; the locations come from the
catalog (so they resolve to real domains), and no fact a probe would find is asserted: the
first audit says what is not known yet, which is the list of what to fill in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from drcheck.locations.catalog import Catalog, CatalogEntry
from drcheck.shared.errors import UsageError

PREFERRED = {
    "aws": ("eu-central-1", "eu-west-3"),
    "ovh": ("gra", "sbg"),
    "scaleway": ("fr-par", "nl-ams"),
    "gcp": ("europe-west1", "europe-west4"),
    "azure": ("westeurope", "northeurope"),
    "hetzner": ("fsn1", "hel1"),
}
"""Regions to start from, where a provider has well-known ones (any catalog region works)."""


@dataclass(frozen=True)
class Place:
    """One starter location: a provider and one of its catalog regions."""

    provider: str
    region: str
    entry: CatalogEntry

    @property
    def label(self) -> str:
        """``ovh gra (Gravelines, FR)`` for the comments."""
        return f"{self.provider} {self.region} ({self.entry.city}, {self.entry.country})"


def _region_id(entry: CatalogEntry) -> str:
    return entry.region.split(":", 1)[1]


def _places(catalog: Catalog, provider: str) -> list[Place]:
    """The provider's regions, preferred ones first, then those with a known metro."""
    seen: dict[str, Place] = {}
    for entry in sorted(catalog.entries, key=lambda e: (not e.metro, e.key)):
        region = _region_id(entry)
        if entry.provider == provider and region not in seen:
            seen[region] = Place(provider, region, entry)
    preferred = [seen[r] for r in PREFERRED.get(provider, ()) if r in seen]
    return preferred + [p for r, p in seen.items() if p not in preferred]


def resolve_providers(catalog: Catalog, names: Sequence[str]) -> list[str]:
    """Canonical provider ids, in order, without repeats; UsageError for an unknown one."""
    import difflib

    from drcheck.locations.catalog import PROVIDER_ALIASES

    out: list[str] = []
    for name in names:
        for part in filter(None, (p.strip() for p in name.split(","))):
            key = part.lower()
            canonical = key if key in catalog.providers else PROVIDER_ALIASES.get(key)
            if canonical is None:
                close = difflib.get_close_matches(key, sorted(catalog.providers), n=1)
                raise UsageError(f"provider {part!r} is not in the catalog"
                                 + (f" (did you mean {close[0]!r}?)" if close else ""),
                                 hint="known: " + ", ".join(sorted(catalog.providers)))
            if canonical not in out:
                out.append(canonical)
    if not out:
        raise UsageError("no provider given", hint="e.g. --provider ovh --provider aws")
    return out


def choose_places(catalog: Catalog, providers: Sequence[str]) -> tuple[Place, Place]:
    """Where the primary and its off-site copy go: the first provider, and the second (or
    another metro of the same provider when only one is given)."""
    first = _places(catalog, providers[0])
    if not first:
        raise UsageError(f"the catalog has no region for {providers[0]}")
    primary = first[0]
    pool = _places(catalog, providers[1]) if len(providers) > 1 else first[1:]
    others = [p for p in pool if p.entry.metro != primary.entry.metro] or pool
    if not others:
        raise UsageError(f"the catalog has only one region for {providers[0]}",
                         hint="give a second --provider for the copy")
    return primary, others[0]


ESTATE = """\
# A starter estate written by `drcheck init`: one dataset, its primary and one off-site copy.
# Replace the names, addresses and paths with yours, then run
#   drcheck validate {dir}estate.yaml {dir}policy.yaml
#   drcheck audit {dir}estate.yaml -p {dir}policy.yaml --offline
# Every field is described by `drcheck schema estate`; `drcheck catalog QUERY` shows what a
# region or datacenter code resolves to (try `drcheck catalog {primary_provider}`).
apiVersion: drcheck/v1
kind: Estate
metadata:
  name: {name}
  description: Starter estate; primary at {primary_provider} {primary_region},
    copy at {copy_provider} {copy_region}.
hosts:
  - name: app-db
    address: app-db.example.net   # what SSH connects to when probe is true
    probe: false                  # true: log in read-only over SSH and find the backups
    location:                     # declared domains; a probe adds what it sees
      provider: {primary_provider}
      region: {primary_region}   # {primary_label}
      # datacenter: ...           # a datacenter code pins the building and campus
buckets:
  - name: backups
    provider: {copy_provider}
    region: {copy_region}   # {copy_label}
    # endpoint: https://...       # an S3 endpoint URL names the provider and region too
    probe: false                  # true: read versioning, object lock, age over the S3 API
    # facts:                      # what you know without a probe (a probe would find it):
    #   encrypted: true
    #   immutable: true           # object lock / WORM
    #   retention_days: 30
datasets:
  - name: app-db
    criticality: high             # low, medium, high or critical: weights the score
    labels: {{tier: gold}}          # policies select datasets by labels
    primary: {{host: app-db, path: /var/lib/postgresql}}
    copies:
      - name: offsite
        bucket: backups
        prefix: app-db/
        # facts:
        #   newest_restore_point: 2026-01-31T02:00:00Z   # the copy's newest backup
    # facts:
    #   last_restore_test: 2026-01-15                    # when a restore was last verified
"""

POLICY = """\
# A starter policy written by `drcheck init`. Each rule has a permanent id (keep it when you
# edit the rule: baselines, waivers and history follow it), a type (`drcheck rules` lists
# them), a severity and parameters. Built-in packs: -p sbg2, -p 3-2-1-1-0, -p bsi-georedundancy.
apiVersion: drcheck/v1
kind: Policy
metadata:
  name: starter
  description: Off campus, {diversity}, fresh, immutable, restore-tested, encrypted.
rules:
  - id: START-01
    type: separation            # the SBG2 lesson: another building on the campus burns too
    title: A copy off the primary's campus
    severity: critical
    params: {{kinds: [campus], min_copies: 1}}
    controls: {{nist-800-53: [CP-6], iso-27001: [A.8.13]}}
  - id: START-02
    type: separation
    title: A copy outside the primary's {diversity_kind}
    severity: high
    params: {{kinds: [{diversity_kind}], min_copies: 1}}
    controls: {{nist-800-53: ["CP-6(1)"], dora: [Art. 12]}}
  - id: START-03
    type: max-age               # the RPO: how much data you may lose
    title: An off-site copy younger than 24 hours
    severity: high
    params: {{max_age: 24h, scope: offsite}}
    controls: {{nist-800-53: [CP-9]}}
  - id: START-04
    type: immutable-copy        # ransomware: a copy nobody can delete for two weeks
    title: A copy immutable for at least 14 days
    severity: high
    params: {{min_copies: 1, min_retention_days: 14}}
    controls: {{nist-800-53: ["CP-9(7)"]}}
  - id: START-05
    type: restore-tested        # a backup nobody restored is a hope
    title: A verified restore within 90 days
    severity: medium
    params: {{max_age: 90d}}
    controls: {{nist-800-53: ["CP-9(1)"], iso-27001: [A.8.13]}}
  - id: START-06
    type: encrypted
    title: Every copy encrypted at rest
    severity: medium
    controls: {{nist-800-53: ["CP-9(8)"]}}
"""


def starter_files(catalog: Catalog, providers: Sequence[str], name: str,
                  directory: str = "") -> dict[str, str]:
    """``{"estate.yaml": text, "policy.yaml": text}`` for these providers."""
    primary, copy = choose_places(catalog, providers)
    prefix = f"{directory.rstrip('/')}/" if directory and directory != "." else ""
    estate = ESTATE.format(
        dir=prefix, name=name, primary_provider=primary.provider,
        primary_region=primary.region, primary_label=primary.label,
        copy_provider=copy.provider, copy_region=copy.region, copy_label=copy.label)
    two = primary.provider != copy.provider
    policy = POLICY.format(diversity="another provider" if two else "another metro",
                           diversity_kind="provider" if two else "metro")
    return {"estate.yaml": estate, "policy.yaml": policy}
