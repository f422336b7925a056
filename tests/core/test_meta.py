"""Registry, schema and documentation meta-tests: what must stay true as the code grows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from typer.main import get_command

from drcheck.cli import app
from drcheck.cli.schemas import SCHEMAS
from drcheck.evaluate.policy import builtin_names, load_builtin, policy_schema
from drcheck.evaluate.registry import rule_types

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_committed_schema_is_current(kind: str) -> None:
    committed = ROOT / "policies" / "schemas" / f"{kind}.json"
    assert committed.exists(), "run: python tools/write_schemas.py"
    assert json.loads(committed.read_text()) == SCHEMAS[kind](), (
        "schema drifted; run: python tools/write_schemas.py")
    Draft202012Validator.check_schema(SCHEMAS[kind]())


@pytest.mark.parametrize("name", sorted(rule_types()))
def test_rule_types_are_documented_and_closed(name: str) -> None:
    cls = rule_types()[name]
    assert cls.name == name
    assert cls.params_schema.get("additionalProperties") is False
    assert cls.summary and cls.__doc__ and len(cls.__doc__.split()) > 10


def test_policy_schema_is_a_valid_schema() -> None:
    Draft202012Validator.check_schema(policy_schema())


@pytest.mark.parametrize("name", ["sbg2", "3-2-1-1-0", "bsi-georedundancy"])
def test_builtin_packs_load_and_map_every_rule_to_controls(name: str) -> None:
    assert name in builtin_names()
    policy = load_builtin(name)
    ids = [r.id for r in policy.rules]
    assert len(ids) == len(set(ids))
    assert all(r.controls for r in policy.rules)


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    install_and_audit, install_and_test = blocks[0], blocks[1]
    assert "drcheck audit examples/ovh-sbg2/estate.yaml" in install_and_audit
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == install_and_test


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    group = get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, name
        assert f"drcheck {name}" in readme, f"README does not document `drcheck {name}`"
