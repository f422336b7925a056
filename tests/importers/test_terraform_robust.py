"""Malformed Terraform JSON never escapes as a traceback: any wrong shape is a DrcheckError."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drcheck.importers.terraform import import_terraform
from drcheck.shared.errors import DrcheckError

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parents[2] / "examples" / "terraform"
BASES = {name: json.loads(path.read_text()) for name, path in (
    ("plan", FIXTURES / "plan_full.json"), ("state", FIXTURES / "state_full.json"),
    ("example", EXAMPLES / "plan.json"))}
JUNK = st.sampled_from([1, "x", [], {}, None, True, [1], {"a": 1}, [{"a": None}]])


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*path, i))
    return out


PATHS = {name: _paths(doc)[1:] for name, doc in BASES.items()}


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.sampled_from(sorted(BASES)), pick=st.integers(min_value=0), junk=JUNK)
def test_any_wrong_shape_is_a_clean_error(tmp_path: Path, which: str, pick: int,
                                          junk: Any) -> None:
    doc = copy.deepcopy(BASES[which])
    path = PATHS[which][pick % len(PATHS[which])]
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = junk
    target = tmp_path / f"{which}.json"
    target.write_text(json.dumps(doc))
    try:
        import_terraform(target)
    except DrcheckError as exc:
        assert str(target) in exc.message


def _big_plan(n: int) -> dict[str, Any]:
    """``n`` source buckets each replicating to its own destination, linked by reference."""
    changes: list[dict[str, Any]] = []
    config: list[dict[str, Any]] = []
    for i in range(n):
        for name in (f"src{i}", f"dst{i}"):
            changes.append({"address": f"aws_s3_bucket.{name}", "mode": "managed",
                            "type": "aws_s3_bucket", "name": name, "change": {
                                "actions": ["create"], "after": {"bucket": f"b-{name}"},
                                "after_unknown": {"arn": True, "id": True}}})
        repl = f"aws_s3_bucket_replication_configuration.r{i}"
        changes.append({"address": repl, "mode": "managed",
                        "type": "aws_s3_bucket_replication_configuration", "name": f"r{i}",
                        "change": {"actions": ["create"], "after": {
                            "bucket": None, "rule": [{"status": "Enabled",
                                                      "destination": [{"bucket": None}]}]},
                            "after_unknown": {"bucket": True, "rule": [
                                {"destination": [{"bucket": True}]}]}}})
        config.append({"address": repl, "type": "aws_s3_bucket_replication_configuration",
                       "name": f"r{i}", "provider_config_key": "aws", "expressions": {
                           "bucket": {"references": [f"aws_s3_bucket.src{i}.id"]},
                           "rule": [{"destination": [{"bucket": {
                               "references": [f"aws_s3_bucket.dst{i}.arn"]}}]}]}})
    return {"format_version": "1.2", "resource_changes": changes, "configuration": {
        "provider_config": {"aws": {"name": "aws", "expressions": {
            "region": {"constant_value": "eu-west-1"}}}},
        "root_module": {"resources": config}}}


def test_large_plans_link_in_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps(_big_plan(3000)))
    started = time.monotonic()
    estate = import_terraform(path).estate
    assert len(estate.datasets) == 3000
    assert estate.datasets[-1].copies[0].asset_id == "bucket:aws_s3_bucket.dst2999"
    assert time.monotonic() - started < 20  # about half a second on a 2-core CI machine
