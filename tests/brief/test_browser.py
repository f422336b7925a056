"""The HTML brief opens in headless Chromium (Debian's), renders and escapes its input.

No skip: a machine without chromium fails this test (.ci/run installs it).
"""

from __future__ import annotations

from pathlib import Path

from tests.brief.conftest import INCIDENT, NOW, SBG2, run
from tests.report.test_browser import _png_size, screenshot


def test_html_brief_renders_in_chromium(tmp_path: Path) -> None:
    html = tmp_path / "brief.html"
    res = run("brief", SBG2, "--fail", "campus:ovh-sbg", "--incident-at", INCIDENT,
              "-f", "html", "-o", str(html), *NOW)
    assert res.exit_code == 0, res.output
    text = html.read_text()
    assert "<script" not in text and "@media print" in text
    assert "2021-03-13T00:47:00+01:00" in text and "CNIL" in text
    png = tmp_path / "shot.png"
    screenshot(html, png, tmp_path / "profile")
    assert png.stat().st_size > 20_000, "screenshot is suspiciously small (blank page?)"
    assert _png_size(png) == (1280, 2000)


def test_html_brief_escapes_estate_strings(tmp_path: Path) -> None:
    estate = tmp_path / "estate.yaml"
    estate.write_text(Path(SBG2).read_text().replace(
        "owner: e-commerce team", 'owner: "<script>alert(1)</script>"'))
    res = run("brief", str(estate), "--fail", "campus:ovh-sbg", "-f", "html", *NOW)
    assert res.exit_code == 0, res.output
    assert "<script>" not in res.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in res.stdout
