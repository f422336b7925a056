"""An estate over the real test servers, and drcheck run as real subprocesses."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from drcheck.report.result_reader import findings_of
from tests.s3.conftest import World
from tests.ssh.conftest import USER, SshLab

HOSTS = ("db1", "vault", "pve1", "sbg2-db")
BUCKETS = {"paris-db": "eu-west-3", "virginia-pg": "us-east-1",
           "frankfurt-logs": "eu-central-1", "replica-ok": "eu-west-1"}
NOW = "2026-11-23T06:00:00Z"
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?")


def write_estate(lab: SshLab, world: World, path: Path) -> Path:
    """Four sshd hosts, four moto buckets and a dataset on each host with bucket copies."""
    lines = ["apiVersion: drcheck/v1", "kind: Estate", "metadata: {name: sharded}", "hosts:"]
    for name in HOSTS:
        h = lab.hosts[name]
        lines += [f"  - name: {name}", f"    address: {h.address}", f"    port: {h.port}",
                  f"    user: {USER}", f"    key_file: {lab.client_key}", f"    root: {h.root}",
                  "    location: {provider: ovh, datacenter: GRA1}"]
    lines.append("buckets:")
    for name, region in BUCKETS.items():
        lines += [f"  - name: {name}", f"    endpoint: {world.url}", "    provider: aws",
                  f"    region: {region}", "    addressing_style: path"]
    lines.append("datasets:")
    copies = list(BUCKETS)
    for i, name in enumerate(HOSTS):
        lines += [f"  - name: data-{name}", "    criticality: high",
                  f"    labels: {{team: t{i % 2}}}",
                  f"    primary: {{host: {name}, path: /var/lib}}", "    copies:",
                  f"      - {{bucket: {copies[i]}, path: db/}}"]
    path.write_text("\n".join(lines) + "\n")
    return path


def env(home: Path) -> dict[str, str]:
    """The test's environment (fake AWS credentials included) with an empty HOME."""
    return {**os.environ, "HOME": str(home)}


def drcheck(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m drcheck ARGS`` as a real process and wait (bounded)."""
    return subprocess.run([sys.executable, "-m", "drcheck", *args], capture_output=True,
                          text=True, env=env(home), timeout=300, check=False)


def start(*args: str, home: Path) -> subprocess.Popen[str]:
    """Start ``python -m drcheck ARGS`` without waiting."""
    return subprocess.Popen([sys.executable, "-m", "drcheck", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env(home))


def findings(audit_json: str) -> list[Any]:
    """The findings of a JSON audit with every timestamp blanked (times aside)."""
    result = json.loads(audit_json)
    return json.loads(_TIME.sub("T", json.dumps(findings_of(result), sort_keys=True)))
