"""Write docs/rules.md from the rule types' own documentation and examples."""

from __future__ import annotations

from pathlib import Path

from drcheck.evaluate.rule_docs import rules_markdown

if __name__ == "__main__":
    target = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
    target.write_text(rules_markdown(), encoding="utf-8")
