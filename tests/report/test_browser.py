"""The HTML report of examples/ovh-sbg2 opens in headless Chromium (Debian's) and renders.

No skip: a machine without chromium fails this test (.ci/run installs it).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

from tests.report.cli_helpers import NOW_ARGS, OVH, run

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1280,2000"]


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def screenshot(html: Path, png: Path, profile: Path) -> None:
    """Load ``html`` in headless Chromium and save a screenshot to ``png``."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is not installed (apt-get install -y chromium)"
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                    f"--screenshot={png}", html.resolve().as_uri()],
                   check=True, timeout=120, capture_output=True)


def test_html_report_renders_in_chromium(tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    res = run("audit", OVH, "-p", "sbg2", "--framework", "nist-800-53",
              "-r", f"html:{html}", *NOW_ARGS)
    assert res.exit_code == 1, res.output
    png = tmp_path / "shot.png"
    screenshot(html, png, tmp_path / "profile")
    assert png.exists()
    assert png.stat().st_size > 20_000, "screenshot is suspiciously small (blank page?)"
    assert _png_size(png) == (1280, 2000)


def test_html_of_a_large_estate_is_small_and_opens_with_the_summary(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from gen_estate import generate

    n = 2000
    estate = tmp_path / "estate.yaml"
    estate.write_text(generate(n, seed=3), encoding="utf-8")
    html = tmp_path / "report.html"
    res = run("audit", "--offline", str(estate), "-p", "sbg2", "-p", "3-2-1-1-0", "-p",
              "bsi-georedundancy", "-f", "html", "-o", str(html), *NOW_ARGS)
    assert res.exit_code == 1, res.output
    # 20 MB at 10k datasets is 2,000 bytes each; the page grows slower than the estate
    assert html.stat().st_size / n < 2000
    text = html.read_text(encoding="utf-8")
    order = [text.index(h) for h in ("Estate score", "Failure domains ranked",
                                     "Worst datasets first", "Datasets and their copies",
                                     "<h2>Findings</h2>")]
    assert order == sorted(order)
    assert text.count('<div class="card" id="ds-') == 100  # the worst ones; the rest are rows
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is not installed (apt-get install -y chromium)"
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'p1'}",
                          "--dump-dom", html.resolve().as_uri()],
                         check=True, timeout=180, capture_output=True, text=True).stdout
    assert "Failure domains ranked by the data their loss destroys" in dom
    assert dom.count("<details>") >= 2  # the other datasets and findings, collapsed
    png = tmp_path / "shot.png"
    screenshot(html, png, tmp_path / "p2")
    assert _png_size(png) == (1280, 2000)
    assert png.stat().st_size > 20_000, "screenshot is suspiciously small (blank page?)"
