"""Hosts, OVH and Scaleway storage from Terraform: instances, databases and their zones.

``aws_instance`` and ``aws_db_instance`` become hosts with their region (and availability
zone, declared as the campus ``aws:<az>`` as the catalog does; AZ letters are per account,
so that campus only separates hosts of one account). The OVH provider's
``ovh_cloud_project_instance`` and ``ovh_cloud_project_storage`` carry their region in the
plan, as do Scaleway's ``scaleway_instance_server`` (zone) and ``scaleway_object_bucket``
(region). Hosts read from Terraform are not probed over SSH (``probe: false``).
"""

from __future__ import annotations

from drcheck.importers.terraform_json import TfResource
from drcheck.importers.terraform_links import arn_parts, asset_name
from drcheck.importers.terraform_s3 import UNKNOWN_AFTER_APPLY, origin_of, placement
from drcheck.inputs.estate import BucketSpec, DeclaredLocation, HostSpec
from drcheck.shared.model import Evidence, FactKey, Source

HOST_TYPES = ("aws_instance", "aws_db_instance", "aws_rds_cluster", "ovh_cloud_project_instance",
              "scaleway_instance_server")
OVH_STORAGE = "ovh_cloud_project_storage"
SCW_BUCKET = "scaleway_object_bucket"


def _known(res: TfResource, attr: str) -> str | None:
    value = res.get(attr)
    return value if isinstance(value, str) and value and not res.is_unknown(attr) else None


def _account(res: TfResource) -> str | None:
    arn = _known(res, "arn")
    parts = arn_parts(arn) if arn else None
    return parts["account"] if parts and parts["account"] else None


def _aws_host_fields(res: TfResource, notes: list[str]) -> dict[str, str]:
    where = placement(res)
    notes.extend(f"{res.address}: {n}" for n in where.notes)
    fields = {"provider": "aws"}
    if where.region:
        fields["region"] = where.region
    account = _account(res)
    if account:
        fields["account"] = account
    az = _known(res, "availability_zone")
    if res.get("multi_az") is True:
        notes.append(f"{res.address}: multi-AZ database, the serving zone can change")
    elif az:
        fields["campus"] = f"aws:{az}"
    elif res.is_unknown("availability_zone"):
        notes.append(f"{res.address}: availability zone {UNKNOWN_AFTER_APPLY}")
    return fields


def _ovh_host_fields(res: TfResource, notes: list[str]) -> dict[str, str]:
    fields = {"provider": "ovh"}
    region = _known(res, "region")
    if region:
        fields["region"] = region
    else:
        notes.append(f"{res.address}: region not known before apply")
    project = _known(res, "service_name")
    if project:
        fields["account"] = project
    return fields


def _scw_host_fields(res: TfResource, notes: list[str]) -> dict[str, str]:
    fields = {"provider": "scaleway"}
    zone = _known(res, "zone") or res.provider.zone
    if zone:
        fields["region"] = zone
    else:
        notes.append(f"{res.address}: zone not known before apply")
    project = _known(res, "project_id")
    if project:
        fields["account"] = project
    return fields


def scw_bucket_spec(res: TfResource, file: str) -> tuple[BucketSpec, list[str]]:
    """A Scaleway Object Storage bucket of the native provider, in its (provider's) region."""
    region = _known(res, "region") or res.provider.region
    notes = [] if region else [f"{res.address}: region not known before apply"]
    name = _known(res, "name")
    spec = BucketSpec(name=asset_name(res.address), origin=origin_of(file, res),
                      bucket=name or asset_name(res.address), provider="scaleway",
                      region=region, account=_known(res, "project_id"), probe=False)
    return spec, notes


def _address(res: TfResource) -> str | None:
    for attr in ("public_ip", "private_ip", "address", "public_ipv4", "endpoint"):
        value = _known(res, attr)
        if value:
            return value
    return None


def host_spec(res: TfResource, file: str) -> tuple[HostSpec, list[str]]:
    """A host (not probed) for an instance or database, with its declared location."""
    notes: list[str] = []
    if res.type.startswith("ovh_"):
        fields = _ovh_host_fields(res, notes)
    elif res.type.startswith("scaleway_"):
        fields = _scw_host_fields(res, notes)
    else:
        fields = _aws_host_fields(res, notes)
    origin = origin_of(file, res)
    spec = HostSpec(
        name=asset_name(res.address),
        origin=origin,
        address=_address(res),
        probe=False,
        location=DeclaredLocation(fields=fields, coordinates=None, origin=origin),
    )
    return spec, notes


def ovh_bucket_spec(res: TfResource, file: str) -> tuple[BucketSpec, list[str]]:
    """An OVH Public Cloud object-storage container, located by its ``region_name``."""
    notes: list[str] = []
    origin = origin_of(file, res)
    region = _known(res, "region_name")
    if region is None:
        notes.append(f"{res.address}: region_name {UNKNOWN_AFTER_APPLY}")
    facts: dict[str, Evidence] = {}
    algo = res.get("encryption", "sse_algorithm")
    if isinstance(algo, str):
        facts[FactKey.ENCRYPTED.value] = Evidence(algo.lower() not in ("", "plaintext"),
                                                  Source.DECLARED, origin)
    name = _known(res, "name")
    spec = BucketSpec(
        name=asset_name(res.address),
        origin=origin,
        bucket=name or asset_name(res.address),
        provider="ovh",
        region=region.lower() if region else None,
        account=_known(res, "service_name"),
        probe=False,
        facts=facts,
    )
    return spec, notes
