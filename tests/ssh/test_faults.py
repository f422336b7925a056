"""Fault injection with a paramiko server-mode host: no SFTP, garbage, silence, a dropped link."""

from __future__ import annotations

import time
from pathlib import Path

import paramiko
import pytest

from drcheck.probes.ssh import SshProbe
from tests.ssh.conftest import SshLab
from tests.ssh.faults import fault_host

pytestmark = pytest.mark.integration


def probe_fault(ssh_lab: SshLab, tmp_path: Path, behaviour: str) -> tuple[list[str], object]:
    """Probe one fault host; return its issue codes and the report."""
    host_key = paramiko.Ed25519Key.from_private_key_file(str(ssh_lab.base / "hostkey_vault"))
    client = paramiko.Ed25519Key.from_private_key_file(str(ssh_lab.client_key))
    with fault_host(host_key, client, behaviour) as port:
        known = tmp_path / "known_hosts"
        known.write_text(f"[127.0.0.1]:{port} {host_key.get_name()} {host_key.get_base64()}\n")
        options = ssh_lab.options(known_hosts=str(known), command_timeout=1.0)
        spec = ssh_lab.spec("fault", address="127.0.0.1", port=port, root=None)
        (report,) = SshProbe(options).collect([spec])
    return [i.code for i in report.issues], report


def test_garbage_output_and_no_sftp(ssh_lab: SshLab, tmp_path: Path) -> None:
    codes, report = probe_fault(ssh_lab, tmp_path, "garbage")
    assert "garbage-output" in codes
    assert codes.count("sftp-unavailable") == 1  # said once, not once per file
    assert "connection-lost" not in codes
    assert report.details["identity"]["addresses"] == []  # type: ignore[attr-defined]


def test_silent_command_times_out(ssh_lab: SshLab, tmp_path: Path) -> None:
    started = time.monotonic()
    codes, _ = probe_fault(ssh_lab, tmp_path, "silent")
    assert "command-timeout" in codes
    assert time.monotonic() - started < 8


def test_dropped_connection_stops_the_host(ssh_lab: SshLab, tmp_path: Path) -> None:
    codes, report = probe_fault(ssh_lab, tmp_path, "drop")
    assert codes[-1] == "connection-lost"
    assert "crontabs" not in report.details  # type: ignore[attr-defined]
