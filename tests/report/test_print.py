"""The HTML compliance view prints: headless Chromium's --print-to-pdf gives A4 pages, the
compliance view starts a page of its own with the requirement of each control, passed
findings (folded on screen) are printed, and the verdict colours survive (pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.report.cli_helpers import NOW_ARGS, OVH, run
from tests.report.test_browser import CHROMIUM_FLAGS

FAIL_RED = (0xC0, 0x39, 0x2B)


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing (apt-get install -y chromium poppler-utils)"
    return path


def pages_text(pdf: Path) -> list[str]:
    info = subprocess.run([tool("pdfinfo"), str(pdf)], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:")).split()
    assert abs(float(size[2]) - 595) < 1 and abs(float(size[4]) - 842) < 1, info  # A4
    count = int(next(line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    return [" ".join(subprocess.run(
        [tool("pdftotext"), "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True,
        text=True, check=True, timeout=60).stdout.split()) for i in range(1, count + 1)]


def has_colour(ppm: Path, rgb: tuple[int, int, int], tolerance: int = 12) -> bool:
    data = ppm.read_bytes()
    magic, width, height, _maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P6" and int(width) > 100 and int(height) > 100
    want = bytes(rgb)
    return any(all(abs(pixels[i + k] - want[k]) <= tolerance for k in range(3))
               for i in range(0, len(pixels) - 2, 3))


def test_compliance_view_prints_to_pdf(tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    res = run("audit", OVH, "-p", "sbg2", "-p", "3-2-1-1-0", "--framework", "iso-27001",
              "-r", f"html:{html}", *NOW_ARGS)
    assert res.exit_code == 1, res.output
    pdf = tmp_path / "report.pdf"
    subprocess.run([tool("chromium"), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'p'}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri()],
                   check=True, timeout=120, capture_output=True)
    pages = pages_text(pdf)
    assert len(pages) >= 3
    assert "Compliance by control" not in pages[0]
    start = next(i for i, text in enumerate(pages) if "Compliance by control" in text)
    assert pages[start].startswith("Compliance by control")  # its own page
    assert "backup copies kept and regularly tested" in pages[start]
    printed = "\n".join(pages)
    assert "DR-321-01" in printed and "Three replicas" in printed  # a passed finding
    subprocess.run([tool("pdftoppm"), "-r", "50", "-f", str(start + 1), "-l", str(start + 1),
                    str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    (ppm,) = tmp_path.glob("page*.ppm")
    assert has_colour(ppm, FAIL_RED), "the fail verdict's red did not print"
