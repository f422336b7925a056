"""Each regime's applicability, through the real CLI on small estates written per test.

The estate: one dataset with its primary in SBG2 and its copy in SBG1, so losing campus
ovh-sbg loses it; the organisation and the dataset's business facts vary per test.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from drcheck.brief.duties import add_months
from tests.brief.conftest import INCIDENT, brief_json, duty

BASE = """apiVersion: drcheck/v1
kind: Estate
hosts:
  - {name: db, probe: false, location: {provider: ovh, datacenter: SBG2}}
  - {name: bk, probe: false, location: {provider: ovh, datacenter: SBG1}}
  - {name: far, probe: false, location: {provider: ovh, datacenter: GRA1}}
datasets:
  - name: people
    criticality: high
    primary: {host: db, path: /data}
    copies:
      - {name: near, host: bk, path: /b, facts: {newest_restore_point: 2026-11-23T01:00:00Z}}
"""


def _estate(tmp_path: Path, dataset: dict[str, Any], org: dict[str, Any] | None,
            far_copy: bool = False) -> str:
    text = BASE
    if far_copy:
        text += ("      - {name: away, host: far, path: /b, facts: {newest_restore_point: "
                 "2026-11-23T02:00:00Z}}\n    facts: {last_restore_test: 2026-10-01}\n")
    for key, value in dataset.items():
        text += f"    {key}: {json.dumps(value)}\n"
    if org is not None:
        text += f"organisation: {json.dumps(org)}\n"
    path = tmp_path / "estate.yaml"
    path.write_text(text)
    return str(path)


def _brief(path: str) -> dict[str, Any]:
    return brief_json(path, "--fail", "campus:ovh-sbg", "--incident-at", INCIDENT)


PD = {"personal_data": {"categories": ["contact"]}, "subjects": 20}
ORG = {"nis2": "none", "dora_financial_entity": False, "jurisdiction": "FR"}


def test_personal_data_lost_triggers_art33_with_the_cnil_deadline(tmp_path: Path) -> None:
    data = _brief(_estate(tmp_path, PD, ORG))
    art33 = duty(data, "gdpr-art33")
    assert art33["status"] == "triggered"
    assert "CNIL" in art33["recipient"]
    assert art33["deadlines"][0]["due"] == "2021-03-13T00:47:00+01:00"
    assert art33["deadlines"][0]["due_utc"] == "2021-03-12T23:47:00Z"
    assert [d["dataset"] for d in art33["datasets"]] == ["people"]
    assert "contact" in art33["datasets"][0]["why"]


def test_no_personal_data_no_art33(tmp_path: Path) -> None:
    data = _brief(_estate(tmp_path, {"personal_data": False}, ORG))
    assert duty(data, "gdpr-art33")["status"] == "not-triggered"
    assert duty(data, "gdpr-art33")["deadlines"] == []
    assert duty(data, "gdpr-art34")["status"] == "not-triggered"


def test_undeclared_personal_data_is_not_read_as_none(tmp_path: Path) -> None:
    data = _brief(_estate(tmp_path, {"owner": "team"}, ORG))
    art33 = duty(data, "gdpr-art33")
    assert art33["status"] == "not-assessed"
    assert "personal_data not declared" in art33["datasets"][0]["why"]


def test_art34_needs_high_risk(tmp_path: Path) -> None:
    low = _brief(_estate(tmp_path, PD, ORG))
    assert duty(low, "gdpr-art34")["status"] == "not-triggered"
    special = {"personal_data": {"special_categories": ["health"]}, "subjects": 20}
    high = _brief(_estate(tmp_path, special, ORG))
    art34 = duty(high, "gdpr-art34")
    assert art34["status"] == "triggered"
    assert "health" in art34["datasets"][0]["why"]
    many = _brief(_estate(tmp_path, {**PD, "subjects": 10000}, ORG))
    assert duty(many, "gdpr-art34")["status"] == "triggered"


def test_non_financial_entity_gets_no_dora_duty(tmp_path: Path) -> None:
    data = _brief(_estate(tmp_path, PD, ORG))
    dora = duty(data, "dora-art19")
    assert dora["status"] == "not-applicable"
    assert dora["deadlines"] == []


def test_financial_entity_gets_dora_deadlines_chained(tmp_path: Path) -> None:
    data = _brief(_estate(tmp_path, PD, {**ORG, "dora_financial_entity": True}))
    dora = duty(data, "dora-art19")
    assert dora["status"] == "triggered"
    assert [(d["step"], d["due_utc"]) for d in dora["deadlines"]] == [
        ("initial-notification", "2021-03-10T23:47:00Z"),
        ("intermediate-report", "2021-03-13T23:47:00Z"),
        ("final-report", "2021-04-13T23:47:00Z")]  # a calendar month, fixed offset


def test_nis2_none_gets_no_nis2_duty(tmp_path: Path) -> None:
    data = _brief(_estate(tmp_path, PD, ORG))
    assert duty(data, "nis2-art23")["status"] == "not-applicable"


@pytest.mark.parametrize("kind", ["essential", "important"])
def test_nis2_entities_get_the_three_steps(tmp_path: Path, kind: str) -> None:
    data = _brief(_estate(tmp_path, {"services": ["web"]}, {**ORG, "nis2": kind}))
    nis2 = duty(data, "nis2-art23")
    assert nis2["status"] == "triggered"
    assert [(d["step"], d["due"]) for d in nis2["deadlines"]] == [
        ("early-warning", "2021-03-11T00:47:00+01:00"),
        ("incident-notification", "2021-03-13T00:47:00+01:00"),
        ("final-report", "2021-04-13T00:47:00+01:00")]


def test_no_organisation_leaves_scoped_duties_not_assessed(tmp_path: Path) -> None:
    data = _brief(_estate(tmp_path, PD, None))
    assert duty(data, "nis2-art23")["status"] == "not-assessed"
    assert duty(data, "dora-art19")["status"] == "not-assessed"
    assert duty(data, "gdpr-art33")["recipient"] == "the lead supervisory authority"


def test_a_restorable_dataset_is_to_assess_not_triggered(tmp_path: Path) -> None:
    data = _brief(_estate(tmp_path, PD, ORG, far_copy=True))
    impact = data["losses"][0]["datasets"][0]
    assert impact["outcome"] == "safe" and impact["primary_lost"]
    assert impact["recovery"]["source"] == "away"
    assert duty(data, "gdpr-art33")["status"] == "to-assess"


def test_never_restore_tested_survivors_are_degraded(tmp_path: Path) -> None:
    path = _estate(tmp_path, PD, ORG, far_copy=True)
    Path(path).write_text(Path(path).read_text().replace(
        "    facts: {last_restore_test: 2026-10-01}\n", ""))
    data = _brief(path)
    impact = data["losses"][0]["datasets"][0]
    assert impact["outcome"] == "degraded"
    assert "no restore test" in impact["why"]
    assert duty(data, "gdpr-art33")["status"] == "triggered"


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    jan31 = datetime(2025, 1, 31, 12, tzinfo=timezone.utc)
    assert add_months(jan31, 1) == datetime(2025, 2, 28, 12, tzinfo=timezone.utc)
    assert add_months(datetime(2025, 12, 15, tzinfo=timezone.utc), 1).year == 2026


UNKNOWN_ESTATE = """apiVersion: drcheck/v1
kind: Estate
hosts:
  - {name: db, probe: false, location: {provider: ovh, datacenter: SBG2}}
media:
  - {name: tape, type: tape, location: {provider: ovh}}
datasets:
  - name: people
    criticality: high
    primary: {host: db, path: /data}
    copies:
      - {name: vault, medium: tape, facts: {newest_restore_point: 2026-11-23T01:00:00Z}}
    personal_data: {categories: [contact]}
organisation: {nis2: none, dora_financial_entity: false}
"""


def test_unknown_fates_are_never_safe_nor_none(tmp_path: Path) -> None:
    from tests.brief.conftest import NOW, run

    path = tmp_path / "estate.yaml"
    path.write_text(UNKNOWN_ESTATE)
    data = _brief(str(path))
    impact = data["losses"][0]["datasets"][0]
    assert impact["outcome"] == "unknown"
    assert impact["recovery"]["text"] == "unknown (fate not known: vault)"
    assert impact["recovery"]["meets_rpo"] is None
    assert duty(data, "gdpr-art33")["status"] == "to-assess"
    args = ["brief", str(path), "--fail", "campus:ovh-sbg", *NOW]
    assert run(*args, "--fail-if-lost", "high").exit_code == 3
    assert run(*args, "--fail-if-notifiable").exit_code == 3
