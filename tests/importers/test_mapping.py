"""The mapping file: datasets and locations the source cannot say, by the source's names."""

from __future__ import annotations

from pathlib import Path

import pytest

from drcheck.importers.terraform import import_terraform
from drcheck.shared.errors import ConfigError

PLAN = "plan_full.json"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text)
    return path


def test_mapping_adds_a_dataset_by_resource_address(tmp_path: Path, fixtures: Path) -> None:
    mapping = _write(tmp_path, """\
datasets:
  - name: archive
    primary: {resource: 'module.archive["eu"].aws_s3_bucket.this', path: daily/}
    copies:
      - aws_s3_bucket.scw
      - {resource: ovh_cloud_project_storage.archive, name: ovh-copy}
    criticality: high
    labels: {team: data, pii: true}
""")
    estate = import_terraform(fixtures / PLAN, mapping).estate
    archive = next(d for d in estate.datasets if d.name == "archive")
    assert archive.primary.asset_id == "bucket:module.archive/eu.aws_s3_bucket.this"
    assert archive.primary.path == "daily/"
    assert [(c.name, c.asset_id) for c in archive.copies] == [
        ("aws_s3_bucket.scw", "bucket:aws_s3_bucket.scw"),
        ("ovh-copy", "bucket:ovh_cloud_project_storage.archive")]
    assert archive.criticality == "high"
    assert dict(archive.labels) == {"team": "data", "pii": "true"}
    assert archive.origin == f"{mapping}:2"


def test_mapping_completes_an_inferred_dataset(tmp_path: Path, fixtures: Path) -> None:
    mapping = _write(tmp_path, """\
datasets:
  - name: orders
    primary: aws_db_instance.orders
    copies: [bucket:aws_s3_bucket.scw]
    criticality: critical
""")
    estate = import_terraform(fixtures / PLAN, mapping).estate
    orders = next(d for d in estate.datasets if d.primary.asset_id == "host:aws_db_instance.orders")
    assert orders.name == "orders" and orders.criticality == "critical"
    assert [c.asset_id for c in orders.copies][-1] == "bucket:aws_s3_bucket.scw"
    assert len(orders.copies) == 6  # replica, three vaults, automated backups, mapped bucket


def test_mapping_locations_place_a_custom_endpoint(tmp_path: Path, fixtures: Path) -> None:
    mapping = _write(tmp_path, """\
locations:
  aws_s3_bucket.minio: {provider: onprem, campus: hq-lyon, coordinates: {lat: 45.76, lon: 4.84}}
""")
    estate = import_terraform(fixtures / PLAN, mapping).estate
    minio = next(b for b in estate.buckets if b.name == "aws_s3_bucket.minio")
    assert minio.location is not None
    assert dict(minio.location.fields) == {"provider": "onprem", "campus": "hq-lyon"}
    assert minio.location.coordinates == (45.76, 4.84)
    assert minio.location.origin == f"{mapping}:2"


def test_unknown_name_in_mapping_points_at_its_line(tmp_path: Path, fixtures: Path) -> None:
    mapping = _write(tmp_path, "datasets:\n  - primary: aws_s3_bucket.nope\n")
    with pytest.raises(ConfigError) as err:
        import_terraform(fixtures / PLAN, mapping)
    assert f"{mapping}:2" in err.value.message and "aws_s3_bucket.nope" in err.value.message


def test_invalid_mapping_is_reported_with_line(tmp_path: Path, fixtures: Path) -> None:
    mapping = _write(tmp_path, "datasets:\n  - primary: aws_s3_bucket.data\n    colour: red\n")
    with pytest.raises(ConfigError) as err:
        import_terraform(fixtures / PLAN, mapping)
    assert f"{mapping}:" in err.value.message and "colour" in err.value.message


def test_lenient_mapping_skips_resources_the_baseline_lacks(tmp_path: Path,
                                                             fixtures: Path) -> None:
    mapping = _write(tmp_path, """\
datasets:
  - name: orders
    primary: aws_db_instance.orders
  - name: legacy
    primary: aws_s3_bucket.legacy
    copies: [aws_s3_bucket.scw, 'module.archive["eu"].aws_s3_bucket.this']
""")
    estate = import_terraform(fixtures / "state_full.json", mapping, strict=False).estate
    names = [d.name for d in estate.datasets]
    assert names == ["legacy"]
    assert [c.asset_id for c in estate.datasets[0].copies] == [
        "bucket:acme-legacy-copy", "bucket:module.archive/eu.aws_s3_bucket.this"]


def test_duplicate_dataset_names_are_refused(tmp_path: Path, fixtures: Path) -> None:
    mapping = _write(tmp_path, """\
datasets:
  - {name: same, primary: aws_s3_bucket.scw}
  - {name: same, primary: aws_s3_bucket.minio}
""")
    with pytest.raises(ConfigError, match="used twice"):
        import_terraform(fixtures / PLAN, mapping)
