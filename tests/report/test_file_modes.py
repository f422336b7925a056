"""Reports get the mode a plain write would give, still written atomically.

Run through the real CLI in a subprocess with the umask set, as cron would run the nightly
audit; the Prometheus textfile is then read as ``nobody`` (``runuser``), as node_exporter's
textfile collector would read it.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from drcheck.report.output import atomic_write, current_umask, plain_write_mode

ROOT = Path(__file__).resolve().parents[2]
ESTATE = ROOT / "examples" / "georedundant" / "estate.yaml"


@pytest.fixture()
def shared_dir() -> Iterator[Path]:
    """A directory anyone may enter (pytest's own tmp dirs are 0700)."""
    path = Path(tempfile.mkdtemp(prefix="drcheck-modes-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _audit(umask: int, *outputs: str) -> subprocess.CompletedProcess[str]:
    reports = [arg for out in outputs for arg in ("-r", out)]
    return subprocess.run(
        [sys.executable, "-m", "drcheck", "audit", str(ESTATE), "--offline", "--now",
         "2026-11-23T06:00:00Z", *reports],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        preexec_fn=lambda: os.umask(umask))


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_new_report_follows_the_umask(shared_dir: Path, umask: int, mode: int) -> None:
    prom, sarif = shared_dir / "drcheck.prom", shared_dir / "out.sarif"
    done = _audit(umask, f"prometheus:{prom}", f"sarif:{sarif}")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(prom.stat().st_mode) == mode
    assert stat.S_IMODE(sarif.stat().st_mode) == mode
    assert not [p for p in shared_dir.iterdir() if p.name.startswith(".")], "temp file left"


def test_existing_file_keeps_its_mode(shared_dir: Path) -> None:
    prom = shared_dir / "drcheck.prom"
    prom.write_text("old\n")
    prom.chmod(0o644)
    done = _audit(0o077, f"prometheus:{prom}")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(prom.stat().st_mode) == 0o644
    assert "drcheck_" in prom.read_text()


def test_nobody_can_read_the_textfile_under_umask_022(shared_dir: Path) -> None:
    runuser = shutil.which("runuser") or shutil.which("setpriv")
    assert runuser, "util-linux's runuser is needed to read as another user"
    prom = shared_dir / "drcheck.prom"
    assert _audit(0o022, f"prometheus:{prom}").returncode == 0
    argv = ([runuser, "-u", "nobody", "--", "cat", str(prom)] if runuser.endswith("runuser")
            else [runuser, "--reuid=nobody", "--regid=nogroup", "--clear-groups", "cat",
                  str(prom)])
    read = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert read.returncode == 0, read.stderr
    assert "drcheck_score" in read.stdout or "drcheck_" in read.stdout


def test_plain_write_mode_and_umask_helpers(shared_dir: Path) -> None:
    old = os.umask(0o027)
    try:
        assert current_umask() == 0o027
        assert plain_write_mode(shared_dir / "new") == 0o640
        atomic_write(shared_dir / "new", "x\n")
        assert stat.S_IMODE((shared_dir / "new").stat().st_mode) == 0o640
        (shared_dir / "new").chmod(0o604)
        atomic_write(shared_dir / "new", "y\n")
        assert stat.S_IMODE((shared_dir / "new").stat().st_mode) == 0o604
        assert (shared_dir / "new").read_text() == "y\n"
    finally:
        os.umask(old)


def test_signatures_and_bundles_follow_the_umask_too(shared_dir: Path) -> None:
    """Signatures and evidence bundles are written like reports (they were once 0600)."""
    key = shared_dir / "signer"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True,
                   timeout=30)
    report, bundle = shared_dir / "r.json", shared_dir / "bundle.zip"
    done = subprocess.run(
        [sys.executable, "-m", "drcheck", "audit", str(ESTATE), "--offline", "--now",
         "2026-11-23T06:00:00Z", "-f", "json", "-o", str(report), "--sign", str(key),
         "--evidence-bundle", str(bundle)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        preexec_fn=lambda: os.umask(0o022))
    assert done.returncode == 0, done.stderr
    for written in (report, Path(f"{report}.sig"), bundle):
        assert stat.S_IMODE(written.stat().st_mode) == 0o644, written
