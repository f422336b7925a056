"""Copies the clouds make by themselves, read from Terraform plans: RDS automated backups
(retention 0 = none, a finding), GCS dual- and multi-region buckets, Azure storage redundancy.

The plan documents below have the shape ``terraform show -json tfplan`` writes (Terraform's
"JSON Output Format" documentation: ``format_version``, ``planned_values``,
``resource_changes[].change.{actions,before,after,after_unknown}``, ``configuration``); the
attribute names are the providers' own: ``backup_retention_period`` and
``availability_zones`` (hashicorp/aws ``aws_db_instance``, ``aws_rds_cluster``),
``location`` and ``custom_placement_config.data_locations`` (hashicorp/google
``google_storage_bucket``), ``account_replication_type``, ``location`` and the exported
``secondary_location`` (hashicorp/azurerm ``azurerm_storage_account``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.importers.terraform import import_terraform
from drcheck.report.result_reader import findings_of

PROVIDERS = {"aws": "registry.terraform.io/hashicorp/aws",
             "google": "registry.terraform.io/hashicorp/google",
             "azurerm": "registry.terraform.io/hashicorp/azurerm"}


def _change(rtype: str, name: str, after: dict[str, Any],
            unknown: dict[str, Any] | None = None) -> dict[str, Any]:
    provider = PROVIDERS[rtype.split("_", 1)[0]]
    return {"address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
            "provider_name": provider,
            "change": {"actions": ["create"], "before": None, "after": after,
                       "after_unknown": unknown or {"id": True}, "before_sensitive": False,
                       "after_sensitive": {}}}


def plan(*changes: dict[str, Any]) -> dict[str, Any]:
    """A plan document as ``terraform show -json`` writes it."""
    resources = [{"address": c["address"], "mode": "managed", "type": c["type"],
                  "name": c["name"], "provider_name": c["provider_name"], "schema_version": 0,
                  "values": c["change"]["after"], "sensitive_values": {}} for c in changes]
    config = [{"address": c["address"], "mode": "managed", "type": c["type"],
               "name": c["name"], "provider_config_key": c["type"].split("_", 1)[0],
               "expressions": {}, "schema_version": 0} for c in changes]
    return {
        "format_version": "1.2", "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"resources": resources}},
        "resource_changes": list(changes),
        "configuration": {"provider_config": {
            "aws": {"name": "aws", "full_name": PROVIDERS["aws"],
                    "expressions": {"region": {"constant_value": "eu-west-3"}}},
            "google": {"name": "google", "full_name": PROVIDERS["google"]},
            "azurerm": {"name": "azurerm", "full_name": PROVIDERS["azurerm"]}},
            "root_module": {"resources": config}},
        "timestamp": "2026-11-23T06:00:00Z", "applyable": True, "complete": True,
        "errored": False,
    }


DB = {"identifier": "legacy", "engine": "postgres", "instance_class": "db.t3.micro",
      "availability_zone": "eu-west-3a", "multi_az": False}
CLUSTER = {"cluster_identifier": "orders", "engine": "aurora-postgresql",
           "availability_zones": ["eu-west-3a", "eu-west-3b", "eu-west-3c"],
           "backup_retention_period": 14}


def _import(tmp_path: Path, document: dict[str, Any]) -> Any:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    return import_terraform(path)


def _copies(result: Any) -> dict[str, list[tuple[str, str | None, str | None]]]:
    """dataset -> [(copy asset, provider, region)] for buckets and media."""
    where: dict[str, tuple[str | None, str | None]] = {
        b.asset_id: (b.provider, b.region) for b in result.estate.buckets}
    where.update({m.asset_id: (m.location.fields.get("provider"),
                               m.location.fields.get("region")) for m in result.estate.media})
    return {d.name: [(c.asset_id, *where.get(c.asset_id, (None, None))) for c in d.copies]
            for d in result.estate.datasets}


def test_no_automated_backups_is_a_dataset_without_copies_and_fails(tmp_path: Path) -> None:
    document = plan(_change("aws_db_instance", "legacy", {**DB, "backup_retention_period": 0}))
    result = _import(tmp_path, document)
    assert _copies(result) == {"aws_db_instance.legacy": []}
    assert ("aws_db_instance.legacy: backup_retention_period = 0: no automated backups"
            in result.notes)
    path = tmp_path / "plan.json"
    audited = CliRunner().invoke(app, ["audit", "--plan", str(path), "-f", "json",
                                       "--now", "2026-11-23T06:00:00Z"])
    assert audited.exit_code == 1, audited.stderr
    failed = {f["rule_id"] for f in findings_of(json.loads(audited.stdout))
              if f["status"] == "fail"}
    assert "DR-SBG2-01" in failed  # no copy off the campus: no copy at all


def test_automated_backups_are_a_regional_copy_kept_n_days(tmp_path: Path) -> None:
    result = _import(tmp_path, plan(
        _change("aws_db_instance", "app", {**DB, "backup_retention_period": 7}),
        _change("aws_rds_cluster", "orders", CLUSTER, {"id": True, "arn": True})))
    copies = _copies(result)
    assert copies["aws_db_instance.app"] == [
        ("medium:aws_db_instance.app/automated-backups", "aws", "eu-west-3")]
    assert copies["aws_rds_cluster.orders"] == [
        ("medium:aws_rds_cluster.orders/automated-backups", "aws", "eu-west-3")]
    cluster = next(d for d in result.estate.datasets if d.name == "aws_rds_cluster.orders")
    assert cluster.copies[0].facts["expiration_days"].value == 14
    host = next(h for h in result.estate.hosts if h.name == "aws_rds_cluster.orders")
    assert dict(host.location.fields) == {"provider": "aws", "region": "eu-west-3"}


def test_retention_known_only_after_apply_is_no_verdict(tmp_path: Path) -> None:
    result = _import(tmp_path, plan(_change("aws_db_instance", "new", DB,
                                            {"id": True, "backup_retention_period": True})))
    assert result.estate.datasets == ()
    assert any("backup_retention_period not known before apply" in n for n in result.notes)


def test_gcs_locations_map_to_regions_and_copies(tmp_path: Path) -> None:
    result = _import(tmp_path, plan(
        _change("google_storage_bucket", "dual", {"name": "acme-dual", "location": "EUR4"}),
        _change("google_storage_bucket", "custom", {
            "name": "acme-custom", "location": "EU",
            "custom_placement_config": [{"data_locations": ["EUROPE-WEST1", "EUROPE-WEST4"]}]}),
        _change("google_storage_bucket", "multi", {"name": "acme-multi", "location": "US"}),
        _change("google_storage_bucket", "single", {"name": "acme-one",
                                                    "location": "EUROPE-WEST9"})))
    buckets = {b.name: (b.provider, b.region) for b in result.estate.buckets}
    assert buckets["google_storage_bucket.dual"] == ("gcp", "europe-north1")
    assert buckets["google_storage_bucket.custom"] == ("gcp", "europe-west1")
    assert buckets["google_storage_bucket.single"] == ("gcp", "europe-west9")
    copies = _copies(result)
    assert copies["google_storage_bucket.dual"] == [
        ("bucket:google_storage_bucket.dual/europe-west4", "gcp", "europe-west4")]
    assert copies["google_storage_bucket.custom"] == [
        ("bucket:google_storage_bucket.custom/europe-west4", "gcp", "europe-west4")]
    assert copies["google_storage_bucket.multi"] == [
        ("bucket:google_storage_bucket.multi/geo-redundant", "gcp", None)]
    assert "google_storage_bucket.single" not in copies  # one region: no copy elsewhere
    # the dual-region's copy is in another metro, so off the primary's campus
    path = tmp_path / "plan.json"
    audited = CliRunner().invoke(app, ["audit", "--plan", str(path), "-f", "json",
                                       "--now", "2026-11-23T06:00:00Z"])
    statuses = {(f["dataset"], f["rule_id"]): f["status"]
                for f in findings_of(json.loads(audited.stdout))}
    assert statuses[("google_storage_bucket.dual", "DR-SBG2-01")] == "pass"
    assert statuses[("google_storage_bucket.multi", "DR-SBG2-01")] == "unknown"


def test_azure_redundancy_types_map_to_copies(tmp_path: Path) -> None:
    def account(name: str, kind: str, location: str = "westeurope") -> dict[str, Any]:
        return _change("azurerm_storage_account", name, {
            "name": f"acme{name}", "location": location, "account_tier": "Standard",
            "account_replication_type": kind, "resource_group_name": "backups"},
            {"id": True, "secondary_location": True, "primary_location": True})

    result = _import(tmp_path, plan(account("lrs", "LRS"), account("zrs", "ZRS"),
                                    account("grs", "GRS"),
                                    account("ragzrs", "RAGZRS", "francecentral")))
    copies = _copies(result)
    assert "azurerm_storage_account.lrs" not in copies
    assert any("LRS keeps every copy in one datacenter" in n for n in result.notes)
    assert copies["azurerm_storage_account.zrs"] == [
        ("bucket:azurerm_storage_account.zrs/other-zones", "azure", "westeurope")]
    assert copies["azurerm_storage_account.grs"] == [
        ("bucket:azurerm_storage_account.grs/northeurope", "azure", "northeurope")]
    assert copies["azurerm_storage_account.ragzrs"] == [
        ("bucket:azurerm_storage_account.ragzrs/other-zones", "azure", "francecentral"),
        ("bucket:azurerm_storage_account.ragzrs/francesouth", "azure", "francesouth")]


def test_azure_state_names_its_secondary_region(tmp_path: Path) -> None:
    state = {"format_version": "1.0", "terraform_version": "1.9.8", "values": {
        "root_module": {"resources": [{
            "address": "azurerm_storage_account.geo", "mode": "managed",
            "type": "azurerm_storage_account", "name": "geo",
            "provider_name": PROVIDERS["azurerm"], "schema_version": 4,
            "values": {"name": "acmegeo", "location": "swedencentral",
                       "account_replication_type": "GRS", "primary_location": "swedencentral",
                       "secondary_location": "swedensouth"},
            "sensitive_values": {}}]}}}
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state))
    copies = _copies(import_terraform(path))
    assert copies["azurerm_storage_account.geo"] == [
        ("bucket:azurerm_storage_account.geo/swedensouth", "azure", "swedensouth")]
