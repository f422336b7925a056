"""Restore-time estimates: declared throughput on a host, overridden on a copy; the table."""

from __future__ import annotations

from pathlib import Path

from tests.brief.conftest import NOW, SBG2, brief_json, run

ESTATE = """apiVersion: drcheck/v1
kind: Estate
hosts:
  - {name: db, probe: false, location: {provider: ovh, datacenter: SBG2}}
  - {name: far, probe: false, location: {provider: ovh, datacenter: GRA1},
     restore_throughput: 1 Gbit/s}
datasets:
  - name: app
    primary: {host: db, path: /data}
    copies:
      - {name: a, host: far, path: /a,
         facts: {newest_restore_point: 2026-11-23T05:00:00Z, bytes: 500000000000}}
    facts: {last_restore_test: 2026-11-01}
    rto: 1h
    rpo: 30m
"""


def _restore(tmp_path: Path, text: str) -> dict[str, object]:
    path = tmp_path / "estate.yaml"
    path.write_text(text)
    data = brief_json(str(path), "--fail", "campus:ovh-sbg")
    impact = data["losses"][0]["datasets"][0]
    assert impact["outcome"] == "safe"
    out: dict[str, object] = {**impact["restore"], "rpo": impact["recovery"]}
    return out


def test_host_throughput_gives_the_estimate_against_the_rto(tmp_path: Path) -> None:
    restore = _restore(tmp_path, ESTATE)
    assert restore["throughput_bytes_per_second"] == 125_000_000
    assert restore["throughput_declared"] is True
    assert restore["estimate_seconds"] == 4000  # 500 GB at 125 MB/s
    assert restore["meets_rto"] is False        # 1h6m > 1h
    rpo = restore["rpo"]
    assert isinstance(rpo, dict)
    assert rpo["age_seconds"] == 3600 and rpo["meets_rpo"] is False  # 1h old, RPO 30m
    assert rpo["rpo_from"] == "estate"


def test_copy_throughput_applies_where_the_host_declares_none(tmp_path: Path) -> None:
    text = ESTATE.replace(",\n     restore_throughput: 1 Gbit/s}", "}").replace(
        "bytes: 500000000000}", "bytes: 500000000000,\n"
        "                 restore_throughput: 250000000}")
    assert "1 Gbit/s" not in text
    restore = _restore(tmp_path, text)
    assert restore["throughput_bytes_per_second"] == 250_000_000
    assert restore["estimate_seconds"] == 2000 and restore["meets_rto"] is True


def test_table_format_lists_the_loss_and_the_duties() -> None:
    res = run("brief", SBG2, "--fail", "campus:ovh-sbg", *NOW)
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert "LOSS OF campus:ovh-sbg" in lines
    assert any(line.startswith("LOST       customer-db  critical") for line in lines)
    assert any(line.startswith("GDPR Art. 33(1), 33(5)") and line.endswith("TRIGGERED")
               for line in lines)
    # without --incident-at the deadline is the rule, not a timestamp
    assert "  notification: not later than 72 hours" not in res.stdout
    assert any("notification: without undue delay and, where feasible, not later than 72 "
               "hours" in line for line in lines)
