"""Terraform plan and state JSON → estate: exact estates, unknowns, addresses, origins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from drcheck.importers.emit import dump_yaml, estate_document, schema_errors
from drcheck.importers.terraform import estate_from_plan, estate_from_state, import_terraform
from drcheck.inputs.documents import parse_text
from drcheck.inputs.estate import Estate
from drcheck.inputs.estate_check import check_estate
from drcheck.shared.errors import ConfigError, UsageError
from drcheck.shared.model import FactKey

PLAN = "plan_full.json"
STATE = "state_full.json"


def _expected(path: Path) -> object:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _bucket(estate: Estate, name: str):  # type: ignore[no-untyped-def]
    return next(b for b in estate.buckets if b.name == name)


def test_plan_estate_is_exactly_the_reviewed_one(fixtures: Path) -> None:
    result = import_terraform(fixtures / PLAN)
    assert estate_document(result.estate) == _expected(fixtures / "plan_full.estate.yaml")
    assert result.notes == [
        "aws_s3_bucket.minio: custom S3 endpoint http://minio.backup.internal:9000 names no "
        "known provider region: declare its location in a mapping file",
        'module.archive["us"].aws_s3_bucket.this: bucket name known only after apply',
        "aws_db_instance.orders: availability zone known only after apply",
        "aws_db_instance.orders_replica: availability zone known only after apply",
        "aws_s3_bucket_replication_configuration.data: rule old is disabled; not a copy",
        "aws_s3_bucket_replication_configuration.data: replication destination is "
        'module.archive["eu"].bucket_arn, which drcheck cannot follow (a module output or an '
        "ambiguous instance); declare the copy in a mapping file",
        "aws_s3_bucket.legacy: destination bucket acme-legacy-copy is not in the file; its "
        "region is unknown",
    ]


def test_state_estate_is_exactly_the_reviewed_one(fixtures: Path) -> None:
    estate = estate_from_state(fixtures / STATE, config=fixtures / PLAN)
    assert estate_document(estate) == _expected(fixtures / "state_full.estate.yaml")


def test_addresses_with_modules_count_and_for_each_become_names(fixtures: Path) -> None:
    estate = estate_from_plan(fixtures / PLAN)
    names = {b.name for b in estate.buckets} | {h.name for h in estate.hosts}
    assert {"aws_s3_bucket.dr/0", "module.archive/eu.aws_s3_bucket.this",
            "module.archive/us.aws_s3_bucket.this", "module.logs.aws_s3_bucket.logs",
            "aws_instance.app/a", "aws_instance.app/b"} <= names
    bucket = _bucket(estate, "module.archive/eu.aws_s3_bucket.this")
    assert bucket.origin == f"{fixtures / PLAN}:module.archive[\"eu\"].aws_s3_bucket.this"


def test_deleted_resources_and_data_sources_are_left_out(fixtures: Path) -> None:
    estate = estate_from_plan(fixtures / PLAN)
    assert "aws_s3_bucket.old" not in {b.name for b in estate.buckets}
    assert not any("caller_identity" in h.name for h in estate.hosts)


def test_unknown_after_apply_is_unknown_not_guessed(fixtures: Path) -> None:
    estate = estate_from_plan(fixtures / PLAN)
    db = next(h for h in estate.hosts if h.name == "aws_db_instance.orders")
    assert db.location is not None and "campus" not in db.location.fields
    assert db.address is None
    minio = _bucket(estate, "aws_s3_bucket.minio")
    assert (minio.provider, minio.region) == (None, None)
    assert minio.endpoint == "http://minio.backup.internal:9000"


def test_provider_blocks_place_buckets(fixtures: Path) -> None:
    estate = estate_from_plan(fixtures / PLAN)
    assert (_bucket(estate, "aws_s3_bucket.scw").provider,
            _bucket(estate, "aws_s3_bucket.scw").region) == ("scaleway", "fr-par")
    # var.region of the default provider, resolved from the plan's variables
    assert _bucket(estate, "aws_s3_bucket.data").region == "eu-west-3"
    # aliased provider through count
    assert _bucket(estate, "aws_s3_bucket.dr/0").region == "eu-central-1"
    # a module's unmatched provider key falls back to the root configuration
    assert _bucket(estate, "module.logs.aws_s3_bucket.logs").region == "eu-west-3"


def test_split_and_inline_bucket_configuration_give_facts(fixtures: Path) -> None:
    estate = estate_from_plan(fixtures / PLAN)
    data = _bucket(estate, "aws_s3_bucket.data").facts
    assert data[FactKey.IMMUTABLE.value].value is True
    assert data[FactKey.RETENTION_DAYS.value].value == 30
    assert data[FactKey.RETENTION_DAYS.value].origin.endswith(
        "aws_s3_bucket_object_lock_configuration.data")
    assert data[FactKey.EXPIRATION_DAYS.value].value == 365
    legacy = _bucket(estate, "aws_s3_bucket.legacy").facts
    assert legacy[FactKey.EXPIRATION_DAYS.value].value == 90
    assert legacy[FactKey.ENCRYPTED.value].origin.endswith("aws_s3_bucket.legacy")


def test_unknown_object_lock_is_an_unknown_fact(tmp_path: Path, fixtures: Path) -> None:
    plan = json.loads((fixtures / PLAN).read_text())
    change = next(c for c in plan["resource_changes"] if c["address"] == "aws_s3_bucket.scw")
    del change["change"]["after"]["object_lock_enabled"]
    change["change"]["after_unknown"]["object_lock_enabled"] = True
    (tmp_path / "p.json").write_text(json.dumps(plan))
    fact = _bucket(estate_from_plan(tmp_path / "p.json"), "aws_s3_bucket.scw").facts["immutable"]
    assert fact.value is None and fact.reason == "known only after apply"


def test_backup_plan_copies_follow_references_and_arns(fixtures: Path) -> None:
    estate = estate_from_plan(fixtures / PLAN)
    orders = next(d for d in estate.datasets if d.name == "aws_db_instance.orders")
    assert [c.asset_id for c in orders.copies] == [
        "host:aws_db_instance.orders_replica", "medium:aws_backup_vault.main",
        "medium:aws_backup_vault.dr", "medium:vault:us-east-1:222233334444:offsite",
        "medium:aws_db_instance.orders/automated-backups"]
    assert orders.copies[1].origin.endswith("aws_backup_plan.daily")
    vault = next(m for m in estate.media if m.name == "vault:us-east-1:222233334444:offsite")
    assert dict(vault.location.fields) == {"provider": "aws", "region": "us-east-1",
                                           "account": "222233334444"}
    tagged = next(d for d in estate.datasets if d.name == "aws_instance.app/a")
    assert tagged.origin.endswith("aws_backup_selection.tagged")


def test_state_without_configuration_does_not_guess_custom_endpoints(examples: Path) -> None:
    result = import_terraform(examples / "state.json")
    assert all(b.provider is None and b.region is None for b in result.estate.buckets)
    assert any("no AWS region" in n for n in result.notes)
    with_config = estate_from_state(examples / "state.json", config=examples / "plan.json")
    assert {(b.name, b.provider, b.region) for b in with_config.buckets} == {
        ("aws_s3_bucket.backups", "ovh", "sbg"), ("aws_s3_bucket.replica", "ovh", "gra")}


def test_example_plan_moves_the_replica_onto_the_primary_campus(examples: Path) -> None:
    plan = estate_from_plan(examples / "plan.json")
    (dataset,) = plan.datasets
    assert dataset.primary.asset_id == "bucket:aws_s3_bucket.backups"
    assert [c.asset_id for c in dataset.copies] == ["bucket:aws_s3_bucket.replica_sbg"]
    state = estate_from_state(examples / "state.json", config=examples / "plan.json")
    assert [c.asset_id for c in state.datasets[0].copies] == ["bucket:aws_s3_bucket.replica"]


def test_plan_without_resource_changes_reads_planned_values(tmp_path: Path,
                                                           fixtures: Path) -> None:
    plan = json.loads((fixtures / PLAN).read_text())
    del plan["resource_changes"]
    (tmp_path / "p.json").write_text(json.dumps(plan))
    estate = estate_from_plan(tmp_path / "p.json")
    assert "module.archive/eu.aws_s3_bucket.this" in {b.name for b in estate.buckets}


def test_emitted_document_validates_and_round_trips(fixtures: Path) -> None:
    result = import_terraform(fixtures / PLAN)
    doc = estate_document(result.estate)
    assert schema_errors(doc) == []
    text = dump_yaml(doc, result.notes)
    assert check_estate(parse_text(text, "estate.yaml")) == []


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "invalid JSON"),
    ('{"format_version": "2.0"}', "unsupported format_version '2.0'"),
    ('{"terraform_version": "1.9.8"}', "missing format_version"),
    ("[1, 2]", "expected a JSON object"),
    ('{"format_version": "1.2", "resource_changes": [{"address": "x"}]}',
     "$.resource_changes[0].type"),
    ('{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "a", '
     '"name": "b", "change": {"actions": ["create"], "after": []}}]}',
     "$.resource_changes[0].change.after"),
    ('{"format_version": "1.0", "values": {"root_module": {"resources": "x"}}}',
     "$.values.root_module.resources"),
])
def test_bad_input_names_the_file_and_json_path(tmp_path: Path, content: str,
                                               message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ConfigError) as err:
        import_terraform(path)
    assert str(path) in err.value.message and message in err.value.message


def test_missing_file_and_wrong_kind_are_usage_errors(tmp_path: Path, examples: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        import_terraform(tmp_path / "nope.json")
    with pytest.raises(UsageError, match="expected plan JSON"):
        estate_from_plan(examples / "state.json")
    with pytest.raises(UsageError, match="needs plan JSON"):
        estate_from_state(examples / "state.json", config=examples / "state.json")


def test_prior_state_of_a_plan(examples: Path, tmp_path: Path) -> None:
    from drcheck.importers.terraform import import_prior_state

    prior = import_prior_state(examples / "plan.json").estate
    assert prior.name == "plan-prior-state"
    assert [c.asset_id for c in prior.datasets[0].copies] == ["bucket:aws_s3_bucket.replica"]
    first = json.loads((examples / "plan.json").read_text())
    del first["prior_state"]
    (tmp_path / "first.json").write_text(json.dumps(first))
    assert import_prior_state(tmp_path / "first.json").estate.buckets == ()
    first["prior_state"] = [1]
    (tmp_path / "bad.json").write_text(json.dumps(first))
    with pytest.raises(ConfigError, match=r"\$\.prior_state"):
        import_prior_state(tmp_path / "bad.json")


def test_ovh_storage_replication_and_database_read_replica(fixtures: Path) -> None:
    estate = estate_from_plan(fixtures / PLAN)
    ovh = next(d for d in estate.datasets if d.name == "ovh_cloud_project_storage.archive")
    (copy,) = ovh.copies
    dest = next(b for b in estate.buckets if b.asset_id == copy.asset_id)
    assert (dest.bucket, dest.provider, dest.region) == ("acme-ovh-archive-sbg", "ovh", "sbg")
    orders = next(d for d in estate.datasets if d.name == "aws_db_instance.orders")
    assert orders.copies[0].asset_id == "host:aws_db_instance.orders_replica"
    assert orders.copies[0].origin.endswith(":aws_db_instance.orders_replica")
    replica = next(h for h in estate.hosts if h.name == "aws_db_instance.orders_replica")
    assert replica.location is not None and replica.location.fields["region"] == "eu-central-1"


def test_external_replication_destination_stays_on_the_source_service(fixtures: Path) -> None:
    estate = estate_from_plan(fixtures / PLAN)
    copy = next(b for b in estate.buckets if b.name == "acme-legacy-copy")
    assert (copy.provider, copy.region, copy.account) == ("aws", None, "444455556666")


def test_raw_tfstate_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    raw = tmp_path / "terraform.tfstate"
    raw.write_text('{"version": 4, "terraform_version": "1.9.8", "serial": 3, "resources": []}')
    with pytest.raises(ConfigError, match="raw terraform.tfstate"):
        import_terraform(raw)


def test_example_estate_is_current(examples: Path) -> None:
    """examples/terraform/estate.yaml is `drcheck import terraform examples/terraform/plan.json`."""
    committed = _expected(examples / "estate.yaml")
    assert isinstance(committed, dict)
    committed["metadata"].pop("description")
    assert estate_document(estate_from_plan(examples / "plan.json")) == committed


def test_scaleway_native_resources(fixtures: Path) -> None:
    estate = estate_from_plan(fixtures / PLAN)
    cold = _bucket(estate, "scaleway_object_bucket.cold")
    # the region is unknown on the resource: the provider block's region is where it goes
    assert (cold.bucket, cold.provider, cold.region) == ("acme-cold", "scaleway", "nl-ams")
    web = next(h for h in estate.hosts if h.name == "scaleway_instance_server.web")
    assert web.location is not None
    assert dict(web.location.fields) == {"provider": "scaleway", "region": "fr-par-2"}


def test_backup_rule_names_are_made_safe_for_the_estate(tmp_path: Path, fixtures: Path) -> None:
    plan = json.loads((fixtures / PLAN).read_text())
    change = next(c for c in plan["resource_changes"] if c["address"] == "aws_backup_plan.daily")
    change["change"]["after"]["rule"][0]["rule_name"] = "Daily backups (35 d)"
    (tmp_path / "p.json").write_text(json.dumps(plan))
    estate = estate_from_plan(tmp_path / "p.json")
    orders = next(d for d in estate.datasets if d.name == "aws_db_instance.orders")
    assert orders.copies[1].name == "Daily_backups__35_d_@aws_backup_vault.main"
    assert schema_errors(estate_document(estate)) == []
