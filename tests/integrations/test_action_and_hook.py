"""The GitHub Action and the pre-commit hook, checked with the tools that consume them.

- ``action.yml`` against the schema of GitHub Action metadata that check-jsonschema ships
  (its ``vendor.github-actions`` schema, from SchemaStore), then its Audit step run as the
  runner would run it (bash, inputs in the environment, ``$GITHUB_OUTPUT``), and the SARIF
  it writes against the OASIS SARIF 2.1.0 schema.
- ``.pre-commit-hooks.yaml`` with ``pre-commit validate-manifest`` and then for real:
  ``pre-commit try-repo`` of this repository in a scratch git repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SARIF_SCHEMA = ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json"


def _tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{name} is not installed (it is in the test extra)"
    return str(path)


def _action() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load((ROOT / "action.yml").read_text())
    return data


def test_action_metadata_is_valid_for_github() -> None:
    checked = subprocess.run([_tool("check-jsonschema"), "--builtin-schema",
                              "vendor.github-actions", str(ROOT / "action.yml")],
                             capture_output=True, text=True, timeout=120, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    action = _action()
    assert action["runs"]["using"] == "composite"
    uses = [step.get("uses", "") for step in action["runs"]["steps"]]
    assert "github/codeql-action/upload-sarif@v3" in uses
    install = next(s for s in action["runs"]["steps"] if "pip install" in s.get("run", ""))
    assert '"$GITHUB_ACTION_PATH"' in install["run"]  # from its own checkout, no index name
    for step in action["runs"]["steps"]:  # inputs never spliced into a script
        assert "${{" not in step.get("run", ""), step["name"]


def _run_audit_step(tmp_path: Path, inputs: dict[str, str]) -> tuple[int, dict[str, str]]:
    step = next(s for s in _action()["runs"]["steps"] if s.get("id") == "audit")
    names = {f"${{{{ inputs.{k} }}}}": k for k in _action()["inputs"]}
    defaults = {k: str(v.get("default", "")) for k, v in _action()["inputs"].items()}
    values = {**defaults, **inputs}
    env = {key: values[names[expr]] for key, expr in step["env"].items()}
    runner = tmp_path / "runner"
    if not (runner / "drcheck" / "bin" / "drcheck").exists():
        (runner / "drcheck" / "bin").mkdir(parents=True)
        (runner / "drcheck" / "bin" / "drcheck").symlink_to(BIN / "drcheck")
    output = tmp_path / "github_output"
    output.write_text("")
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, timeout=300,
                          env={**env, "PATH": os.environ["PATH"], "HOME": str(tmp_path),
                               "RUNNER_TEMP": str(runner), "GITHUB_OUTPUT": str(output)},
                          capture_output=True, text=True, check=False)
    pairs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return proc.returncode, pairs


def test_the_audit_step_reports_the_exit_code_and_writes_sarif(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    code, outputs = _run_audit_step(tmp_path, {
        "estate": "examples/ovh-sbg2/estate.yaml",
        "policy": "sbg2 examples/paris-metro/policy.yaml",
        "args": "--now 2026-11-23T06:00:00Z"})
    assert code == 0  # the step itself succeeds; the gate step exits with the code
    assert outputs == {"exit-code": "1", "sarif": "drcheck.sarif", "sarif-written": "true"}
    sarif = json.loads((tmp_path / "drcheck.sarif").read_text())
    Draft7Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    rules = {r["id"] for run in sarif["runs"] for r in run["tool"]["driver"]["rules"]}
    assert {"DR-SBG2-01", "PM-01"} <= rules
    (tmp_path / "drcheck.sarif").unlink()
    bad, outputs = _run_audit_step(tmp_path, {"estate": "examples/none.yaml"})
    assert bad == 0 and outputs["exit-code"] == "2" and "sarif-written" not in outputs


HOOK_REPO_FILES = {
    "dr/estate.yaml": (ROOT / "examples" / "ovh-sbg2" / "estate.yaml").read_text(),
    "dr/policy.yaml": (ROOT / "examples" / "paris-metro" / "policy.yaml").read_text()
    .replace("type: separation", "type: separaton", 1),
    "ci/workflow.yml": "on: push\njobs: {}\n",  # not a drcheck file: the hook must skip it
}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"})


@pytest.mark.integration
def test_pre_commit_runs_the_hook_on_estates_and_policies_only(tmp_path: Path) -> None:
    manifest = subprocess.run([_tool("pre-commit"), "validate-manifest",
                               str(ROOT / ".pre-commit-hooks.yaml")],
                              capture_output=True, text=True, timeout=120, check=False)
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr
    repo = tmp_path / "repo"
    for name, text in HOOK_REPO_FILES.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path),
           "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    ran = subprocess.run([_tool("pre-commit"), "try-repo", str(ROOT), "drcheck-validate",
                          "--all-files"], cwd=repo, env=env, capture_output=True, text=True,
                         timeout=900, check=False)
    out = ran.stdout + ran.stderr
    assert ran.returncode == 1, out
    assert "drcheck validate" in out and "Failed" in out
    assert "dr/estate.yaml: ok (Estate)" in out
    assert ("error: dr/policy.yaml:10:5: $.rules[0].type: 'separaton' is not allowed "
            "(did you mean 'separation'?)") in out
    assert "workflow.yml" not in out
