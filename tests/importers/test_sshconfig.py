"""ssh_config → hosts: concrete aliases only, with the settings OpenSSH would use."""

from __future__ import annotations

from pathlib import Path

import pytest

from drcheck.importers.sshconfig import import_ssh_config
from drcheck.inputs.sshconfig import SshConfig
from drcheck.shared.errors import ConfigError, UsageError

CONFIG = """\
Host *
    User ops
    ServerAliveInterval 30

Host web1 web2
    HostName %h.example.net
    Port 2222

Host db-primary
    HostName db1.internal
    IdentityFile ~/.ssh/db_ed25519
    ProxyJump bastion

Host *.internal !secret.internal gw?
    User admin

Host bastion
    HostName 203.0.113.10
"""


def test_concrete_aliases_become_hosts(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text(CONFIG)
    hosts = import_ssh_config(path).estate.hosts
    assert [(h.name, h.address, h.port, h.user, h.key_file, h.proxy_jump, h.origin)
            for h in hosts] == [
        ("web1", "web1.example.net", 2222, "ops", None, None, f"{path}:5"),
        ("web2", "web2.example.net", 2222, "ops", None, None, f"{path}:5"),
        ("db-primary", "db1.internal", None, "ops", f"{Path.home()}/.ssh/db_ed25519",
         "bastion", f"{path}:9"),
        ("bastion", "203.0.113.10", None, "ops", None, None, f"{path}:17"),
    ]
    assert all(h.probe for h in hosts)


def test_patterns_are_not_hosts() -> None:
    config = SshConfig.from_text("Host * !x a?b\n  User u\nHost=real\n", "cfg")
    assert config.aliases() == [("real", "cfg:3")]


def test_includes_are_read_in_place(tmp_path: Path, home: Path) -> None:
    (home / ".ssh" / "config.d").mkdir(parents=True)
    (home / ".ssh" / "config.d" / "10-db").write_text("Host db\n  HostName 10.0.0.5\n")
    (tmp_path / "local.conf").write_text("Host web\n  Port 2200\n")
    path = tmp_path / "config"
    path.write_text("Include config.d/*\nInclude local.conf missing/*\nHost *\n  User ops\n")
    hosts = import_ssh_config(path).estate.hosts
    assert [(h.name, h.address, h.port, h.user, h.origin) for h in hosts] == [
        ("db", "10.0.0.5", None, "ops", f"{home / '.ssh/config.d/10-db'}:1"),
        ("web", "web", 2200, "ops", f"{tmp_path / 'local.conf'}:1"),
    ]


def test_include_loop_is_an_error(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "config"
    path.write_text(f"Include {path}\n")
    with pytest.raises(ConfigError, match="nested more than 16 deep"):
        import_ssh_config(path)


def test_only_patterns_leaves_a_note(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text("Host *\n  User ops\n")
    result = import_ssh_config(path)
    assert result.estate.hosts == () and "no concrete Host alias" in result.notes[0]


def test_bad_port_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text("Host a\n  Port http\n")
    with pytest.raises(ConfigError, match=r"config:2: port: 'http' is not a port"):
        import_ssh_config(path)
    with pytest.raises(UsageError, match="no such file"):
        import_ssh_config(tmp_path / "missing")
