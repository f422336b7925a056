"""Write every JSON Schema drcheck generates to policies/schemas/, for editors and CI.

Run after changing a document's definition; tests/core/test_meta.py fails while they drift.
"""

from __future__ import annotations

import json
from pathlib import Path

from drcheck.cli.schemas import SCHEMAS

OUT = Path(__file__).resolve().parents[1] / "policies" / "schemas"


def render(kind: str) -> str:
    """One schema as committed: sorted keys, two-space indent, trailing newline."""
    return json.dumps(SCHEMAS[kind](), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    """Write all schemas."""
    OUT.mkdir(parents=True, exist_ok=True)
    for kind in SCHEMAS:
        (OUT / f"{kind}.json").write_text(render(kind), encoding="utf-8")


if __name__ == "__main__":
    main()
