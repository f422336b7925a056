"""Real keys and a real ssh-agent for the signature tests.

Keys come from ``ssh-keygen``; the agent is OpenSSH's ``ssh-agent -D -a SOCKET`` started
for the test and stopped by its own process id afterwards. A missing tool fails loudly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-23T06:00:00Z"
ESTATE = ROOT / "examples" / "ovh-sbg2" / "estate.yaml"


@dataclass
class Keys:
    """An auditor-approved key, a stranger's key, and the allowed_signers file."""

    key: Path
    other: Path
    allowed: Path
    identity: str = "dr-team@example.com"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: apt-get install openssh-client")
    return path


def keygen(path: Path, comment: str) -> Path:
    subprocess.run([tool("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f",
                    str(path)], check=True, timeout=30)
    return path


@pytest.fixture()
def keys(tmp_path: Path) -> Keys:
    key = keygen(tmp_path / "signer", "dr-team")
    other = keygen(tmp_path / "stranger", "stranger")
    allowed = tmp_path / "allowed_signers"
    pub = (tmp_path / "signer.pub").read_text().split()
    allowed.write_text(f'dr-team@example.com namespaces="drcheck" {pub[0]} {pub[1]}\n')
    return Keys(key, other, allowed)


@pytest.fixture()
def agent(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A running ssh-agent on a socket of its own; yields the environment to reach it."""
    sock = tmp_path / "agent.sock"
    proc = subprocess.Popen([tool("ssh-agent"), "-D", "-a", str(sock)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    until = time.monotonic() + 10
    while not sock.exists():
        if proc.poll() is not None or time.monotonic() > until:
            proc.kill()
            pytest.fail(f"ssh-agent did not start: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.05)
    env = {**os.environ, "SSH_AUTH_SOCK": str(sock)}
    try:
        yield env
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def drcheck(*args: str, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m drcheck ARGS`` as a real process."""
    return subprocess.run([sys.executable, "-m", "drcheck", *args], capture_output=True,
                          text=True, timeout=120, env=env or dict(os.environ),
                          cwd=cwd, check=False)


def ssh_verify(keys: Keys, path: Path, sig: Path | None = None,
               identity: str | None = None) -> subprocess.CompletedProcess[str]:
    """``ssh-keygen -Y verify`` of ``path`` with the test's allowed signers."""
    with path.open("rb") as data:
        return subprocess.run([tool("ssh-keygen"), "-Y", "verify", "-f", str(keys.allowed),
                               "-I", identity or keys.identity, "-n", "drcheck", "-s",
                               str(sig or path.with_name(path.name + ".sig"))],
                              stdin=data, capture_output=True, text=True, timeout=30,
                              check=False)
