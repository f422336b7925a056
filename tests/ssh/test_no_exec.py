"""Nothing from an ssh_config or an estate executes, and SSH-bound estate fields are checked.

Whole-process runs of ``drcheck``: the marker files below would exist if a shell ever ran.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.ssh.conftest import SshLab

pytestmark = pytest.mark.integration

ESTATE = """\
apiVersion: drcheck/v1
kind: Estate
hosts:
  - name: target
{fields}
datasets:
  - name: d
    primary: {{host: target}}
"""


def drcheck(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in its own process."""
    return subprocess.run([sys.executable, "-m", "drcheck", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120, check=False)


def estate(tmp_path: Path, **fields: object) -> Path:
    lines = "\n".join(f"    {k}: {v}" for k, v in fields.items())
    path = tmp_path / "estate.yaml"
    path.write_text(ESTATE.format(fields=lines))
    return path


def test_shell_in_estate_address_is_refused_and_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "P"
    config = tmp_path / "ssh_config"
    config.write_text('Match exec "true %h"\n  User nobody\n')
    path = estate(tmp_path, address=f"'x$(touch {marker})'")
    done = drcheck("probe", str(path), "--ssh-config", str(config), "--now",
                   "2026-12-01T00:00:00Z", cwd=tmp_path)
    assert done.returncode == 2
    assert f"{path}:5:5: $.hosts[0].address: 'x$(touch {marker})' is not a host" in done.stderr
    assert "Traceback" not in done.stderr
    assert not marker.exists()


def test_match_exec_of_the_users_config_never_runs(ssh_lab: SshLab, tmp_path: Path) -> None:
    marker = tmp_path / "P"
    vault = ssh_lab.hosts["vault"]
    config = tmp_path / "ssh_config"
    config.write_text(f'Match exec "touch {marker}"\n  Port 1\n'
                      f"Host *\n  LocalCommand touch {marker}\n  PermitLocalCommand yes\n")
    path = estate(tmp_path, address=vault.address, port=vault.port, user="drcheck-probe",
                  key_file=ssh_lab.client_key, root=vault.root)
    done = drcheck("probe", str(path), "--ssh-config", str(config), "--known-hosts",
                   str(ssh_lab.known_hosts), "--now", "2026-12-01T00:00:00Z", "-o",
                   str(tmp_path / "facts.json"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert f"{config}:1: Match exec is never run" in done.stderr
    assert f"{config}:4: localcommand is ignored" in done.stderr
    facts = (tmp_path / "facts.json").read_text()
    assert '"reachable": false' not in facts  # Port 1 of the exec block was not applied


def test_import_never_runs_match_exec_nor_imports_proxy_command(tmp_path: Path) -> None:
    marker = tmp_path / "P2"
    config = tmp_path / "import.conf"
    config.write_text(f"Host web1\n  HostName 127.0.0.1\nMatch exec \"touch {marker}\"\n"
                      f"  User x\nHost db1\n  ProxyCommand touch {marker}\n")
    done = drcheck("import", "ssh-config", str(config), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert f"note: {config}:3: Match exec is never run" in done.stderr
    assert f"note: {config}:6: ProxyCommand for db1 is not imported" in done.stderr
    assert "proxy_jump" not in done.stdout and "user: x" not in done.stdout


def test_import_refuses_a_hostname_that_is_not_a_host(tmp_path: Path) -> None:
    config = tmp_path / "import.conf"
    config.write_text("Host web1\n  HostName x;reboot\n")
    done = drcheck("import", "ssh-config", str(config), cwd=tmp_path)
    assert done.returncode == 2
    assert f"{config}:2: hostname: 'x;reboot' is not a host" in done.stderr


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("address", "'a b'", "is not a host"),
    ("address", "'-oProxyCommand=x'", "is not a host"),
    ("address", "'host`id`'", "is not a host"),
    ("user", "'root;id'", "is not a user name"),
    ("user", "'-l'", "is not a user name"),
    ("port", "0", "minimum of 1"),
    ("key_file", "'relative/key'", "is not usable"),
    ("key_file", '"/k\\0ey"', "is not usable"),
    ("root", '"/srv\\nx"', "is not usable"),
    ("proxy_jump", "'bastion;id'", "ProxyJump"),
    ("proxy_jump", "'u@h:99999'", "is not a port"),
])
def test_ssh_fields_are_checked_by_syntax(tmp_path: Path, field: str, value: str,
                                          expected: str) -> None:
    fields: dict[str, object] = {"address": "db.example.net", field: value}
    path = estate(tmp_path, **fields)
    done = drcheck("validate", str(path), cwd=tmp_path)
    assert done.returncode == 2, done.stdout
    assert f"$.hosts[0].{field}" in done.stderr and expected in done.stderr
    assert f"{path}:" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("address", ["db.example.net", "10.0.0.5", "fe80::1", "db_1.local."])
def test_good_addresses_validate(tmp_path: Path, address: str) -> None:
    path = estate(tmp_path, address=f"'{address}'", user="backup.ops", port=2222,
                  key_file="~/.ssh/id_ed25519", proxy_jump="'ops@bastion:2201,[fe80::2]:22'")
    done = drcheck("validate", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
