"""Copies a cloud makes by itself, from Terraform: RDS automated backups, GCS dual- and
multi-region buckets, Azure storage redundancy.

- ``aws_db_instance`` and ``aws_rds_cluster``: ``backup_retention_period`` N > 0 is a copy
  (the automated backups, in the database's region, kept N days); 0 means no automated
  backups, so the database is a dataset with no copy of its own (a finding unless a backup
  plan or replica covers it). Read replicas are copies of their source, not datasets.
- ``google_storage_bucket``: ``location`` is a region (``EUROPE-WEST1``: one bucket, no
  copy), a dual-region (``EUR4``, ``NAM4``, ``ASIA1``, or ``custom_placement_config``'s two
  ``data_locations``: the bucket in the first region and its geo-redundant copy in the
  second) or a multi-region (``EU``, ``US``, ``ASIA``: a copy in a region Google does not
  name).
- ``azurerm_storage_account``: ``account_replication_type`` LRS (three copies in one
  datacenter: no copy outside it), ZRS (copies in the region's other zones: a copy whose
  zone is not named), GRS/RA-GRS (a copy in the secondary region), GZRS/RA-GZRS (both).
  The secondary region is ``secondary_location`` when the file knows it (state), else the
  region's published pair.
Provider-made replicas follow deletes and overwrites: they are copies for losing a place,
not for losing the data to a mistake (``immutable`` is never claimed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from drcheck.importers.terraform_json import TfResource
from drcheck.importers.terraform_links import arn_parts, asset_name
from drcheck.importers.terraform_s3 import origin_of, placement
from drcheck.inputs.estate import BucketSpec, DeclaredLocation, MediumSpec, ReplicaSpec
from drcheck.shared.model import Evidence, FactKey, Source

DATABASES = ("aws_db_instance", "aws_rds_cluster")
GCS = "google_storage_bucket"
AZURE = "azurerm_storage_account"
CLOUD_BUCKETS = (GCS, AZURE)

GCS_DUAL = {
    # Google's predefined dual-regions (cloud.google.com/storage/docs/locations)
    "EUR4": ("europe-north1", "europe-west4"),
    "NAM4": ("us-central1", "us-east1"),
    "ASIA1": ("asia-northeast1", "asia-northeast2"),
}
GCS_MULTI = {"EU", "US", "ASIA"}
AZURE_PAIRS = {
    # Azure's published region pairs (learn.microsoft.com, "Azure region pairs")
    "westeurope": "northeurope", "northeurope": "westeurope",
    "francecentral": "francesouth", "francesouth": "francecentral",
    "germanywestcentral": "germanynorth", "germanynorth": "germanywestcentral",
    "uksouth": "ukwest", "ukwest": "uksouth",
    "switzerlandnorth": "switzerlandwest", "switzerlandwest": "switzerlandnorth",
    "norwayeast": "norwaywest", "norwaywest": "norwayeast",
    "eastus": "westus", "westus": "eastus", "eastus2": "centralus", "centralus": "eastus2",
    "westus2": "westcentralus", "westcentralus": "westus2",
    "canadacentral": "canadaeast", "canadaeast": "canadacentral",
}


@dataclass
class CloudCopies:
    """What the cloud resources add: buckets, media, copies per primary address, notes."""

    buckets: dict[str, BucketSpec] = field(default_factory=dict)
    media: dict[str, MediumSpec] = field(default_factory=dict)
    copies: dict[str, list[ReplicaSpec]] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def copy(self, primary: str, replica: ReplicaSpec) -> None:
        """Record ``replica`` as a copy of the resource at address ``primary``."""
        self.copies.setdefault(primary, []).append(replica)
        self.origins.setdefault(primary, replica.origin)

    def no_copy(self, primary: str, origin: str) -> None:
        """Make ``primary`` a dataset even when nothing copies it."""
        self.copies.setdefault(primary, [])
        self.origins.setdefault(primary, origin)


def _known(res: TfResource, attr: str) -> object | None:
    value = res.get(attr)
    return None if res.is_unknown(attr) or value in (None, "") else value


def _evidence(value: bool | int | str, origin: str) -> Evidence:
    return Evidence(value, Source.DECLARED, origin)


def _database_backups(res: TfResource, file: str, out: CloudCopies) -> None:
    if _known(res, "replicate_source_db") or "replicate_source_db" in res.refs:
        return  # a read replica: a copy of its source (see terraform.py), not a dataset
    origin = origin_of(file, res)
    days = _known(res, "backup_retention_period")
    if not isinstance(days, int) or isinstance(days, bool):
        out.notes.append(f"{res.address}: backup_retention_period not known before apply; "
                         "automated backups unknown")
        return
    if days == 0:
        out.notes.append(f"{res.address}: backup_retention_period = 0: no automated backups")
        out.no_copy(res.address, origin)
        return
    where = placement(res)
    fields = {"provider": "aws", **({"region": where.region} if where.region else {})}
    arn = _known(res, "arn")
    parts = arn_parts(arn) if isinstance(arn, str) else None
    if parts and parts["account"]:
        fields["account"] = parts["account"]
    medium = MediumSpec(name=f"{asset_name(res.address)}/automated-backups", type="other",
                        origin=origin, location=DeclaredLocation(fields, None, origin),
                        facts={FactKey.OFFLINE.value: _evidence(False, origin)})
    out.media[medium.name] = medium
    out.copy(res.address, ReplicaSpec(
        name="automated-backups", asset_id=medium.asset_id, origin=origin,
        facts={FactKey.EXPIRATION_DAYS.value: _evidence(days, origin)}))


def _bucket(res: TfResource, file: str, provider: str, region: str | None,
            suffix: str = "", account: str | None = None) -> BucketSpec:
    name = _known(res, "name")
    return BucketSpec(name=asset_name(res.address) + suffix, origin=origin_of(file, res),
                      bucket=str(name) if name else asset_name(res.address),
                      provider=provider, region=region, account=account, probe=False)


def _gcs_regions(res: TfResource) -> tuple[str, ...] | None:
    """The regions a GCS bucket stores data in; () for a multi-region; None if unknown."""
    location = _known(res, "location")
    if not isinstance(location, str):
        return None
    code = location.upper()
    custom = res.get("custom_placement_config", 0, "data_locations")
    if isinstance(custom, list) and len(custom) == 2 and all(isinstance(c, str) for c in custom):
        return tuple(c.lower() for c in custom)
    if code in GCS_DUAL:
        return GCS_DUAL[code]
    if code in GCS_MULTI:
        return ()
    return (code.lower(),)


def _gcs(res: TfResource, file: str, out: CloudCopies) -> BucketSpec:
    regions = _gcs_regions(res)
    project = _known(res, "project")
    account = str(project) if project else None
    if regions is None:
        out.notes.append(f"{res.address}: location not known before apply")
        return _bucket(res, file, "gcp", None, account=account)
    location = str(_known(res, "location")).upper()
    if not regions:  # multi-region: Google names the area, not the regions
        spec = _bucket(res, file, "gcp", location.lower(), account=account)
        replica = _bucket(res, file, "gcp", None, "/geo-redundant", account)
        out.notes.append(f"{res.address}: multi-region {location}: the regions holding its "
                         "copies are not published, so their separation is unknown")
    elif len(regions) == 2:
        spec = _bucket(res, file, "gcp", regions[0], account=account)
        replica = _bucket(res, file, "gcp", regions[1], f"/{regions[1]}", account)
    else:
        return _bucket(res, file, "gcp", regions[0], account=account)
    out.buckets[replica.name] = replica
    out.copy(res.address, ReplicaSpec(name=f"replica@{replica.name}",
                                      asset_id=replica.asset_id, origin=replica.origin))
    return spec


def _azure_secondary(res: TfResource, region: str) -> str | None:
    secondary = _known(res, "secondary_location")
    return str(secondary).lower() if secondary else AZURE_PAIRS.get(region)


def _azure(res: TfResource, file: str, out: CloudCopies) -> BucketSpec:
    location = _known(res, "location")
    region = str(location).lower().replace(" ", "") if location else None
    kind = str(_known(res, "account_replication_type") or "").upper().replace("RA", "", 1)
    spec = _bucket(res, file, "azure", region)
    if region is None or not kind:
        out.notes.append(f"{res.address}: location or account_replication_type not known "
                         "before apply; redundancy unknown")
        return spec
    if kind in ("ZRS", "GZRS"):
        zonal = _bucket(res, file, "azure", region, "/other-zones")
        out.buckets[zonal.name] = zonal
        out.copy(res.address, ReplicaSpec(name="zone-redundant", asset_id=zonal.asset_id,
                                          origin=zonal.origin))
    if kind in ("GRS", "GZRS"):
        secondary = _azure_secondary(res, region)
        if secondary is None:
            out.notes.append(f"{res.address}: {kind} but the secondary region of {region} is "
                             "not known; left out")
        else:
            geo = _bucket(res, file, "azure", secondary, f"/{secondary}")
            out.buckets[geo.name] = geo
            out.copy(res.address, ReplicaSpec(name=f"geo-replica@{secondary}",
                                              asset_id=geo.asset_id, origin=geo.origin))
    if kind == "LRS":
        out.notes.append(f"{res.address}: LRS keeps every copy in one datacenter")
    return spec


def cloud_buckets(resources: Sequence[TfResource], file: str,
                  out: CloudCopies) -> dict[str, BucketSpec]:
    """The GCS and Azure storage resources as buckets (by address), copies into ``out``."""
    found: dict[str, BucketSpec] = {}
    for res in resources:
        if res.type == GCS:
            found[res.address] = _gcs(res, file, out)
        elif res.type == AZURE:
            found[res.address] = _azure(res, file, out)
    return found


def database_backups(resources: Sequence[TfResource], file: str, out: CloudCopies) -> None:
    """Automated backups of every database, into ``out``."""
    for res in resources:
        if res.type in DATABASES:
            _database_backups(res, file, out)
