"""The non-executing ssh_config reader: OpenSSH's own view (``ssh -G``) and what never runs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from drcheck.inputs.sshconfig import MAX_INCLUDE_DEPTH, SshConfig
from drcheck.shared.errors import ConfigError

REALISTIC = """\
# a realistic user config
Host bastion
    HostName 203.0.113.10
    User jump
    Port 2201
    IdentityFile /keys/bastion_ed25519

Host db-* !db-test
    HostName %h.internal.example.net
    ProxyJump bastion
    IdentityFile /keys/db_ed25519

Match originalhost web? user deploy
    Port 2022

Match host *.example.org
    User www

Host web?
    HostName %h.example.org
    IdentityFile /keys/web_ed25519

Include {include}

Host legacy
    HostName legacy.example.com
    ProxyJump ops@bastion:2201,jump2
    Port 2222
    Port 2223

Host *
    User ops
    IdentityFile /keys/default_ed25519
    Port 22
"""
INCLUDED = """\
Host backup-?
    HostName 198.51.100.%h
    User borg
Host backup-1
    HostName 198.51.100.1
    Port 2200
"""
ALIASES = ["bastion", "db-main", "db-test", "web1", "web12", "legacy", "backup-1", "backup-2",
           "other.example.org", "plain"]
COMPARED = ("hostname", "user", "port", "proxyjump")


def ssh_g(config: Path, alias: str, user: str | None = None) -> dict[str, list[str]]:
    """What OpenSSH resolves for ``alias`` (``ssh -G`` prints it and never connects)."""
    argv = ["ssh", "-G", "-F", str(config), *(["-l", user] if user else []), alias]
    done = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=30)
    seen: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        key, _, value = line.partition(" ")
        seen.setdefault(key.lower(), []).append(value)
    return seen


@pytest.fixture()
def realistic(tmp_path: Path) -> Path:
    included = tmp_path / "conf.d" / "backup.conf"
    included.parent.mkdir()
    included.write_text(INCLUDED)
    path = tmp_path / "config"
    path.write_text(REALISTIC.format(include=tmp_path / "conf.d" / "*.conf"))
    return path


@pytest.mark.parametrize("alias", ALIASES)
@pytest.mark.parametrize("user", [None, "deploy"])
def test_reader_agrees_with_openssh(realistic: Path, alias: str, user: str | None) -> None:
    openssh = ssh_g(realistic, alias, user)
    found = SshConfig.read(realistic).lookup(alias, user)
    ours = {
        "hostname": found.hostname,
        "user": user or found.first("user") or "",
        "port": found.first("port") or "22",
        "proxyjump": found.proxy_jump,
    }
    for key in COMPARED:
        theirs = openssh.get(key, [None])[0]
        assert ours[key] == theirs, f"{alias} (-l {user}): {key}"
    assert list(found.identity_files) == openssh.get("identityfile", [])


def test_match_exec_never_runs_and_never_matches(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "config"
    path.write_text(f'Host *\n  Port 2200\nMatch exec "touch {marker}"\n  User victim\n'
                    f"Match host x exec \"touch {marker}\"\n  HostName evil\n"
                    "Host target\n  LocalCommand touch /tmp/never\n  PermitLocalCommand yes\n"
                    "  KnownHostsCommand /bin/false\n  PKCS11Provider /tmp/evil.so\n")
    config = SshConfig.read(path)
    found = config.lookup("target")
    assert not marker.exists()
    assert found.first("user") is None and found.hostname == "target"
    assert found.first("localcommand") is None and found.first("pkcs11provider") is None
    assert config.warnings[:2] == [
        f"{path}:3: Match exec is never run; this block is treated as not matching",
        f"{path}:5: Match exec is never run; this block is treated as not matching",
    ]
    assert f"{path}:8: localcommand is ignored" in config.warnings[2]
    assert len(config.warnings) == 6


def test_negated_match_exec_is_still_not_matching(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text('Match !exec "false"\n  User x\n')
    assert SshConfig.read(path).lookup("h").first("user") is None


def test_proxy_command_is_recorded_never_run_and_exclusive(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "config"
    path.write_text(f"Host a\n  ProxyCommand touch {marker}\n  ProxyJump j\n"
                    "Host b\n  ProxyJump j\n  ProxyCommand nc %h %p\n")
    config = SshConfig.read(path)
    a, b = config.lookup("a"), config.lookup("b")
    assert (a.proxy_command, a.proxy_jump) == (f"touch {marker}", None)
    assert (b.proxy_command, b.proxy_jump) == (None, "j")
    assert a.origins["proxycommand"] == f"{path}:2"
    assert not marker.exists()


def test_include_loop_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text(f"Include {path}\n")
    with pytest.raises(ConfigError, match=f"nested more than {MAX_INCLUDE_DEPTH} deep"):
        SshConfig.read(path)


def test_include_of_a_device_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text("Host a\n  User u\nInclude /dev/zero\n")
    with pytest.raises(ConfigError) as info:
        SshConfig.read(path)
    assert str(info.value) == f"{path}:3: Include /dev/zero: not a regular file"


def test_unbalanced_quote_is_a_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text('Host a\n  ProxyCommand "nc %h\n')
    with pytest.raises(ConfigError, match=f"{path}:2: cannot split the line"):
        SshConfig.read(path)


def test_include_inside_an_inactive_block_is_not_applied(tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.write_text("Host *\n  User fromextra\n")
    path = tmp_path / "config"
    path.write_text(f"Host other\n  Include {extra}\nHost *\n  Port 2\n")
    found = SshConfig.read(path).lookup("mine")
    assert (found.first("user"), found.first("port")) == (None, "2")
    assert SshConfig.read(path).lookup("other").first("user") == "fromextra"
