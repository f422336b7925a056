"""The one-record-per-line layout, written plainly: the reference the streaming writer
(``drcheck.shared.json_stream.write_records``) is compared with. Mappings open while
``depth < 2``, lists while ``depth < 3``; everything else is one compact record."""

from __future__ import annotations

from typing import Any

from drcheck.shared.jsontext import compact


def _layout(value: Any, depth: int, out: list[bytes]) -> None:
    """Mappings open while ``depth < 2``, lists while ``depth < 3``; the rest on one line."""
    pad = b"  " * (depth + 1)
    end = b"  " * depth
    if isinstance(value, dict) and value and depth < 2:
        out.append(b"{\n")
        for i, key in enumerate(sorted(value)):
            out.append(pad + compact(key) + b": ")
            _layout(value[key], depth + 1, out)
            out.append(b",\n" if i < len(value) - 1 else b"\n")
        out.append(end + b"}")
    elif isinstance(value, list) and value and depth < 3:
        out.append(b"[\n")
        for i, item in enumerate(value):
            out.append(pad + compact(item))
            out.append(b",\n" if i < len(value) - 1 else b"\n")
        out.append(end + b"]")
    else:
        out.append(compact(value))


def records(doc: Any) -> str:
    """``doc`` as key-sorted JSON with one record per line (the reference): the top-level
    fields and their members each on a line of their own, every record compact."""
    out: list[bytes] = []
    _layout(doc, 0, out)
    out.append(b"\n")
    return b"".join(out).decode("utf-8")
