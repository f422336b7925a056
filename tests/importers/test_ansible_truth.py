"""The Ansible importer agrees with Ansible itself (a real ansible-core, no mocks).

Two witnesses: ``ansible-inventory --list`` for how variables merge across groups, group_vars
and host_vars, and the ssh command line that ``ansible -vvv`` prints for each host (its
``SSH: EXEC`` line) for which address, port, user and key Ansible's ssh connection really
uses when both spellings (``ansible_port`` and ``ansible_ssh_port``…) are set. Every
address is on 127.0.9.0/24 and every port closed, so the connections fail at once and
nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from drcheck.importers.ansible import host_vars, import_ansible, load_inventory

BIN = Path(sys.executable).parent
CONNECTION_KEYS = ("ansible_host", "ansible_ssh_host", "ansible_port", "ansible_ssh_port",
                   "ansible_user", "ansible_ssh_user", "ansible_private_key_file",
                   "ansible_ssh_private_key_file")

BOTH = ("both ansible_host=127.0.9.2 ansible_ssh_host=127.0.9.3 ansible_port=2201 "
        "ansible_ssh_port=2202 ansible_user=alice ansible_ssh_user=bob "
        "ansible_private_key_file=/keys/plain ansible_ssh_private_key_file=/keys/ssh")
HOSTS_INI = f"""\
[db]
{BOTH}
inline:2203 ansible_host=127.0.9.4
levels ansible_host=127.0.9.5 ansible_port=2204

[web]
files ansible_host=127.0.9.6

[db:vars]
ansible_ssh_port=2205

[web:vars]
ansible_ssh_user=erin
"""
GROUP_VARS = {"all.yml": "ansible_user: carol\n", "db.yml": "ansible_user: frank\n"}
HOST_VARS = {"files.yml": "ansible_user: dave\nansible_ssh_host: 127.0.9.7\n",
             "inline.yml": "ansible_private_key_file: /keys/inline\n"}


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    """An inventory directory: hosts.ini plus group_vars/ and host_vars/ files."""
    root = tmp_path / "inventory"
    for folder, files in (("group_vars", GROUP_VARS), ("host_vars", HOST_VARS)):
        (root / folder).mkdir(parents=True)
        for name, text in files.items():
            (root / folder / name).write_text(text)
    (root / "hosts.ini").write_text(HOSTS_INI)
    return root


def _ansible_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": str(home),
            "ANSIBLE_HOME": str(home / ".ansible"), "ANSIBLE_CONFIG": str(home / "none.cfg"),
            "ANSIBLE_HOST_KEY_CHECKING": "False", "ANSIBLE_TIMEOUT": "3",
            "ANSIBLE_SSH_RETRIES": "0", "ANSIBLE_NOCOLOR": "1", "LANG": "C.UTF-8"}


def _run(tool: str, args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    exe = BIN / tool
    assert exe.exists(), f"{tool} is not installed (pip install ansible-core: the test extra)"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=300,
                          env=_ansible_env(tmp_path), cwd=tmp_path, check=False,
                          stdin=subprocess.DEVNULL)


def test_variables_merge_as_ansible_inventory_lists_them(inventory: Path,
                                                          tmp_path: Path) -> None:
    listed = _run("ansible-inventory", ["-i", str(inventory), "--list"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    hostvars = json.loads(listed.stdout)["_meta"]["hostvars"]
    inv, base = load_inventory(inventory, [])
    assert set(hostvars) == set(inv.hosts)
    for host, theirs in hostvars.items():
        ours = host_vars(inv, host, base, [])
        for key in CONNECTION_KEYS:
            mine = ours[key][0] if key in ours else None
            want = theirs.get(key)
            assert (str(mine) if mine is not None else None) == (
                str(want) if want is not None else None), (host, key, mine, want)


def _ssh_command_lines(output: str) -> dict[str, dict[str, str | None]]:
    """Per address: the port, user and identity file on Ansible's ``SSH: EXEC`` line."""
    found: dict[str, dict[str, str | None]] = {}
    for line in output.splitlines():
        match = re.match(r"<([^>]+)> SSH: EXEC (.*)", line)
        if not match or match.group(1) in found:
            continue
        words = shlex.split(match.group(2))
        options = {k: v.strip('"') for k, v in (
            w.split("=", 1) for w in words[words.index("ssh") + 1:]
            if "=" in w and not w.startswith("/"))}
        found[match.group(1)] = {"port": options.get("Port"),
                                 "user": options.get("User"),
                                 "key": options.get("IdentityFile")}
        assert match.group(1) in words, words  # the address ssh is pointed at
    return found


def test_connection_settings_are_those_ansible_ssh_uses(inventory: Path,
                                                        tmp_path: Path) -> None:
    ran = _run("ansible", ["-i", str(inventory), "all", "-m", "ping", "-vvv",
                           "--forks", "5"], tmp_path)
    assert ran.returncode != 0  # every port is closed: unreachable, as intended
    used = _ssh_command_lines(ran.stdout + ran.stderr)
    estate = import_ansible(inventory).estate
    ours = {h.address: {"port": str(h.port) if h.port else None, "user": h.user,
                        "key": h.key_file} for h in estate.hosts}
    assert set(used) == {"127.0.9.3", "127.0.9.4", "127.0.9.5", "127.0.9.7"}, used
    assert ours == used
    # the cases, spelled out: ansible_ssh_* wins wherever each spelling was set
    assert used["127.0.9.3"] == {"port": "2202", "user": "bob", "key": "/keys/ssh"}
    assert used["127.0.9.5"]["port"] == "2205"  # group ansible_ssh_port over host port
    assert used["127.0.9.7"]["user"] == "erin"  # group ansible_ssh_user over host_vars user
