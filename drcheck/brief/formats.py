"""The formats ``drcheck brief`` writes, and the one dispatch from a format to its renderer.

Kept apart from ``render`` (text, Markdown, JSON) and ``html`` so that neither renderer has to
import the other.
"""

from __future__ import annotations

from enum import Enum

from drcheck.brief.html import render_html
from drcheck.brief.model import Brief
from drcheck.brief.render import render_json, render_markdown, render_table


class BriefFormat(str, Enum):
    """The formats ``drcheck brief --format`` accepts."""

    TABLE = "table"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"


def render(brief: Brief, fmt: BriefFormat) -> str:
    """The brief in ``fmt``."""
    if fmt is BriefFormat.JSON:
        return render_json(brief)
    if fmt is BriefFormat.MARKDOWN:
        return render_markdown(brief)
    if fmt is BriefFormat.HTML:
        return render_html(brief)
    return render_table(brief)
