"""Shard assignment and --only selectors, on the fleet example (no network)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from drcheck.facts.runs import parse_estate_text
from drcheck.facts.shards import parse_selector, parse_shard, probed_assets, select, shard_of
from drcheck.facts.snapshot import content_digest, load_snapshot, snapshot_to_dict
from drcheck.inputs.estate import Estate
from drcheck.shared.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]
FLEET = ROOT / "examples" / "fleet" / "estate.yaml"


def fleet(text: str | None = None) -> Estate:
    return parse_estate_text(text or FLEET.read_text(), str(FLEET))


@pytest.mark.parametrize("total", range(1, 8))
def test_every_asset_in_exactly_one_shard(total: int) -> None:
    estate = fleet()
    ids = {a.asset_id for a in probed_assets(estate)}
    shares = [select(estate, parse_shard(f"{k}/{total}"), ()) for k in range(1, total + 1)]
    assert set().union(*shares) == ids
    assert sum(len(s) for s in shares) == len(ids)


def test_shards_are_stable_under_reordering_and_additions() -> None:
    lines = FLEET.read_text().splitlines(keepends=True)
    hosts = [i for i, line in enumerate(lines) if line.startswith("  - {name:")
             and "address" in line]
    block = [lines[i] for i in hosts]
    random.Random(7).shuffle(block)
    for i, line in zip(hosts, block, strict=True):
        lines[i] = line
    lines.insert(hosts[-1] + 1, "  - {name: new-host, address: 192.0.2.99}\n")
    moved = fleet("".join(lines))
    for k in (1, 2, 3):
        before = select(fleet(), parse_shard(f"{k}/3"), ())
        after = select(moved, parse_shard(f"{k}/3"), ()) - {"host:new-host"}
        assert before == after
    assert shard_of("host:gra-db-1", 3) == shard_of("host:gra-db-1", 3)


def test_selectors_match_names_labels_and_declared_locations() -> None:
    estate = fleet()
    assert select(estate, None, [parse_selector("name:sbg-*")]) == {
        "host:sbg-db-1", "host:sbg-backup"}
    assert select(estate, None, [parse_selector("label:team=shop")]) == {
        "host:gra-db-1", "host:gra-backup", "bucket:backups-sbg", "host:gra-db-2",
        "bucket:backups-gra", "host:rbx-app", "bucket:vault-fra"}
    assert select(estate, None, [parse_selector("region:eu-central-*")]) == {"bucket:vault-fra"}
    both = select(estate, None, [parse_selector("label:team=shop"),
                                 parse_selector("datacenter:GRA*")])
    assert both == {"host:gra-db-1", "host:gra-backup", "host:gra-db-2"}


@pytest.mark.parametrize("bad", ["0/3", "4/3", "3", "a/b", "1/0"])
def test_bad_shards_are_usage_errors(bad: str) -> None:
    with pytest.raises(UsageError):
        parse_shard(bad)


@pytest.mark.parametrize("bad", ["zone:x", "name:", "label:team", "gra-*"])
def test_bad_selectors_are_usage_errors(bad: str) -> None:
    with pytest.raises(UsageError):
        parse_selector(bad)


def test_version_1_snapshots_still_load(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from drcheck.cli import app

    v3 = tmp_path / "v3.json"
    done = CliRunner().invoke(app, ["probe", str(ROOT / "examples/ovh-sbg2/estate.yaml"),
                                    "--offline", "--now", "2026-11-23T06:00:00Z", "-o", str(v3)])
    assert done.exit_code == 0, done.output
    assert json.loads(v3.read_text())["version"] == 3
    doc = snapshot_to_dict(load_snapshot(str(v3)))  # the whole layout versions 1 and 2 wrote
    doc = {k: v for k, v in doc.items() if k != "unattributed"}
    doc["version"] = 1
    doc["digest"] = content_digest(doc)
    v1 = tmp_path / "v1.json"
    v1.write_text(json.dumps(doc))
    assert load_snapshot(str(v1)) == load_snapshot(str(v3))
