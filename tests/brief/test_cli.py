"""``drcheck brief`` end to end: the SBG2 and georedundant examples, gates, errors, formats."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator

from drcheck.brief.schema import brief_schema
from tests.brief.conftest import GEO, INCIDENT, NOW, SBG2, brief_json, duty, run


def test_sbg2_brief_names_the_loss_the_data_the_cnil_deadline_and_rpo_none() -> None:
    res = run("brief", SBG2, "--fail", "campus:ovh-sbg", "--incident-at", INCIDENT,
              "-f", "markdown", *NOW)
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "| LOST      | customer-db |" in out
    assert "personal data: identity, contact, order-history, payment" in out
    assert "Commission nationale de l'informatique et des libertés (CNIL)" in out
    assert "notification by 2021-03-13T00:47:00+01:00 (2021-03-12T23:47:00Z)" in out
    assert "| none · RPO 1d: MISSED" in out
    assert "**To:** Commission nationale" in out  # the draft addresses the CNIL
    assert "DORA Art. 18(1), 19(1), 19(4): report the major ICT-related incident to the " \
        "competent authority: NOT-APPLICABLE" in out


def test_sbg2_json_matches_the_schema_and_says_none() -> None:
    data = brief_json(SBG2, "--fail", "campus:ovh-sbg", "--incident-at", INCIDENT)
    Draft202012Validator(brief_schema()).validate(data)
    impact = data["losses"][0]["datasets"][0]
    assert (impact["dataset"], impact["outcome"]) == ("customer-db", "lost")
    assert impact["recovery"]["text"] == "none" and impact["recovery"]["age_seconds"] is None
    assert impact["recovery"]["meets_rpo"] is False
    assert duty(data, "gdpr-art33")["deadlines"][0]["due"] == "2021-03-13T00:47:00+01:00"


def test_georedundant_sweep_loses_no_data_and_recovers_from_the_surviving_copy() -> None:
    res = run("brief", GEO, "-f", "markdown", *NOW)
    assert res.exit_code == 0, res.output
    assert "no data lost: no single-domain loss destroys a dataset" in res.stdout
    assert "3h55m (locked-fra, 2026-11-23T02:05:00Z) · RPO 1d: met" in res.stdout
    assert "8m (200.0 GiB from locked-fra at 400 MB/s) · RTO 8h: met" in res.stdout
    data = brief_json(GEO, "--top", "2")
    assert data["destructive"] == 0 and len(data["losses"]) == 2
    for loss in data["losses"]:
        assert {d["outcome"] for d in loss["datasets"]} == {"safe"}
        assert loss["datasets"][0]["recovery"]["age_seconds"] == 3 * 3600 + 55 * 60


def test_a_surviving_primary_leaves_the_dataset_untouched() -> None:
    data = brief_json(GEO, "--fail", "host:bucket:vault-fra")
    loss = data["losses"][0]
    assert loss["datasets"] == [] and loss["untouched"] == {"critical": 1}
    assert duty(data, "gdpr-art33")["status"] == "not-triggered"
    assert duty(data, "gdpr-art33")["reason"] == "no dataset is hit"
    res = run("brief", GEO, "--fail", "host:bucket:vault-fra", "-f", "markdown", *NOW)
    assert "untouched (primary survives, not listed): 1 (1 critical)" in res.stdout
    assert "No notification duty is triggered" in res.stdout


def test_default_throughput_is_stated_when_none_is_declared(tmp_path: Path) -> None:
    text = Path(GEO).read_text().replace("      restore_throughput: 400 MB/s\n", "")
    estate = tmp_path / "estate.yaml"
    estate.write_text(text)
    data = brief_json(str(estate), "--fail", "provider:ovh")
    restore = data["losses"][0]["datasets"][0]["restore"]
    assert restore["throughput_declared"] is False
    assert restore["throughput_bytes_per_second"] == 100_000_000
    assert "at 100 MB/s assumed" in restore["text"]


def test_fail_if_lost_and_fail_if_notifiable_gate() -> None:
    args = [SBG2, "--fail", "campus:ovh-sbg", *NOW]
    assert run("brief", *args, "--fail-if-lost", "critical").exit_code == 1
    assert run("brief", *args, "--fail-if-notifiable").exit_code == 1
    assert run("brief", *args).exit_code == 0
    geo = [GEO, *NOW]
    assert run("brief", *geo, "--fail-if-lost", "low").exit_code == 0
    assert run("brief", *geo, "--fail-if-notifiable").exit_code == 0


def test_unknown_domain_says_which_exist_and_suggests() -> None:
    res = run("brief", SBG2, "--fail", "campus:ovh-sgb", *NOW)
    assert res.exit_code == 2
    assert "no replica in the estate is in campus:ovh-sgb" in res.stderr
    assert "did you mean campus:ovh-sbg?" in res.stderr
    assert "Traceback" not in res.output


def test_bad_incident_time_and_bad_estate_field_exit_2(tmp_path: Path) -> None:
    res = run("brief", SBG2, "--incident-at", "yesterday", *NOW)
    assert res.exit_code == 2 and "--incident-at" in res.stderr
    bad = tmp_path / "estate.yaml"
    bad.write_text(Path(SBG2).read_text().replace("payment]", "payment]\n"
                                                  "      special_categories: [shoe-size]"))
    res = run("brief", str(bad), *NOW)
    assert res.exit_code == 2
    assert "special_categories" in res.stderr and "estate.yaml:" in res.stderr


def test_facts_snapshot_carries_the_business_facts(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    res = run("probe", SBG2, "--offline", "-o", str(facts))
    assert res.exit_code == 0, res.output
    doc = json.loads(facts.read_text())
    assert doc["organisation"]["jurisdiction"] == "FR"
    assert doc["datasets"][0]["business"]["subjects"] == 52000
    direct = run("brief", SBG2, "--fail", "campus:ovh-sbg", "--incident-at", INCIDENT,
                 "-f", "markdown", *NOW).stdout
    via = run("brief", "--facts", str(facts), "--fail", "campus:ovh-sbg", "--incident-at",
              INCIDENT, "-f", "markdown", "--now", "2026-11-23T06:00:00Z").stdout
    assert via == direct


def test_an_estate_without_the_additions_still_briefs() -> None:
    res = run("brief", "examples/paris-metro/estate.yaml", "-f", "json", *NOW)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["organisation"] is None
    assert all(d["status"] in ("not-assessed", "not-triggered")
               for loss in data["losses"] for d in loss["duties"])


def test_schema_command_prints_the_brief_schema() -> None:
    res = run("schema", "brief")
    assert res.exit_code == 0
    assert json.loads(res.stdout)["$id"].endswith("/brief.json")
