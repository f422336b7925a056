"""drcheck's own bugs inside the SSH probe are exit 4 with a traceback, not "unknown"
evidence; a host ``root:`` that is not there is an issue with its reason, not silence.

The bug is planted by replacing one parser with a function that raises TypeError: no real
server can make drcheck's code wrong, so this is the one place a stand-in is used; the
host, the SSH session and the CLI are real.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drcheck.probes.base import ProbeBug
from drcheck.probes.ssh import SshProbe
from tests.ssh.conftest import USER, SshLab

pytestmark = pytest.mark.integration

PLANT = ("import sys\n"
         "import drcheck.probes.ssh.tools as tools\n"
         "def parse_env(text):\n"
         "    raise TypeError('planted bug in a parser')\n"
         "tools.parse_env = parse_env\n"
         "from drcheck.cli import app\n"
         "app(sys.argv[1:])\n")


def _estate(lab: SshLab, path: Path, root: str) -> Path:
    host = lab.hosts["db1"]
    path.write_text(
        "apiVersion: drcheck/v1\nkind: Estate\nhosts:\n"
        f"  - name: db1\n    address: {host.address}\n    port: {host.port}\n"
        f"    user: {USER}\n    key_file: {lab.client_key}\n    root: {root}\n"
        "datasets:\n  - name: pg\n    primary: {host: db1, path: /var/lib/postgresql}\n")
    return path


def _drcheck(lab: SshLab, estate: Path, home: Path, **env: str) -> subprocess.CompletedProcess[
        str]:
    environ = {k: v for k, v in os.environ.items() if k != "DRCHECK_DEBUG"}
    environ.update(HOME=str(home), **env)
    return subprocess.run(
        [sys.executable, "-c", PLANT, "audit", str(estate), "--known-hosts",
         str(lab.known_hosts), "--now", "2026-11-23T06:00:00Z"],
        capture_output=True, text=True, timeout=120, env=environ,
        cwd=Path(__file__).parents[2])


def test_a_parser_bug_is_exit_4_with_its_traceback(ssh_lab: SshLab, tmp_path: Path) -> None:
    estate = _estate(ssh_lab, tmp_path / "estate.yaml", str(ssh_lab.hosts["db1"].root))
    (tmp_path / "home").mkdir()
    done = _drcheck(ssh_lab, estate, tmp_path / "home")
    assert done.returncode == 4, done.stderr
    assert "bug in the ssh probe of host:db1" in done.stderr
    assert "Traceback" in done.stderr and "TypeError: planted bug in a parser" in done.stderr
    assert "error: internal error: ProbeBug" in done.stderr
    assert "unknown" not in done.stdout


def test_a_parser_bug_is_re_raised_under_debug(ssh_lab: SshLab, tmp_path: Path) -> None:
    estate = _estate(ssh_lab, tmp_path / "estate.yaml", str(ssh_lab.hosts["db1"].root))
    (tmp_path / "home").mkdir()
    done = _drcheck(ssh_lab, estate, tmp_path / "home", DRCHECK_DEBUG="1")
    assert done.returncode == 1, done.stderr  # an uncaught exception: Python's own exit
    assert "drcheck.probes.base.ProbeBug: ssh probe of host:db1: TypeError" in done.stderr
    assert "internal error" not in done.stderr


def test_probe_raises_probe_bug_in_process(ssh_lab: SshLab,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import drcheck.probes.ssh.tools as tools

    def broken(text: str) -> dict[str, str]:
        raise TypeError("planted")

    monkeypatch.setattr(tools, "parse_env", broken)
    with pytest.raises(ProbeBug, match="TypeError: planted"):
        SshProbe(ssh_lab.options()).collect([ssh_lab.spec("db1")])


def test_missing_root_is_an_issue_with_its_reason(ssh_lab: SshLab) -> None:
    gone = str(ssh_lab.hosts["db1"].root / "no-such-root")
    report = SshProbe(ssh_lab.options()).collect([ssh_lab.spec("db1", root=gone)])[0]
    issues = {i.code: i.reason for i in report.issues}
    assert issues == {"root-missing": f"root {gone} does not exist on the host (or is not "
                                      "a directory)"}
    assert not report.discovered and not report.claims


def test_unreadable_root_is_an_issue(ssh_lab: SshLab, tmp_path: Path) -> None:
    """pytest's own 0700 directory: the probe's user may not look inside."""
    hidden = str(tmp_path / "root")
    report = SshProbe(ssh_lab.options()).collect([ssh_lab.spec("db1", root=hidden)])[0]
    assert [(i.code, i.reason) for i in report.issues] == [
        ("permission-denied", f"root {hidden}: cannot stat /")]


def test_root_that_is_a_file_is_an_issue(ssh_lab: SshLab) -> None:
    afile = str(ssh_lab.hosts["db1"].root / "etc" / "hostname")
    report = SshProbe(ssh_lab.options()).collect([ssh_lab.spec("db1", root=afile)])[0]
    assert [(i.code, i.reason) for i in report.issues] == [
        ("root-missing", f"root {afile} does not exist on the host (or is not a directory)")]


def test_existing_root_raises_no_root_issue(ssh_lab: SshLab) -> None:
    report = SshProbe(ssh_lab.options()).collect([ssh_lab.spec("db1")])[0]
    assert "root-missing" not in {i.code for i in report.issues}
    assert report.discovered
