"""JSON output: the versioned result document, facts snapshot embedded as evidence.

The document is written as it is made (``json_stream``): findings are recorded first (they
fill the ``rules``, ``passed`` and ``evidence`` tables that sort before them) into a
temporary file, then every field is written in key order, the embedded datasets one by one.
"""

from __future__ import annotations

import io
import tempfile
from typing import BinaryIO

from drcheck.facts.compact import encoded_document, streamed_document
from drcheck.facts.stored import stored_document
from drcheck.report.base import Reporter
from drcheck.report.fields import Shared, result_head, score_dict
from drcheck.shared.json_stream import Encoded, Spooled, write_records
from drcheck.shared.jsontext import compact
from drcheck.shared.model import AuditResult

_PAD = b"    "  # a finding's line: a member of a top-level list
_FACTS_PAD = b"      "  # an embedded dataset's line: a member of a list in ``facts``


def _spool_findings(result: AuditResult, shared: Shared, spool: BinaryIO) -> bool:
    """The ``findings`` records written to ``spool`` as lines of the list; any written?"""
    record = shared.record
    sep = b""
    for f in result.findings:
        r = record(f)
        if r is not None:
            spool.write(sep + _PAD + compact(r))
            sep = b",\n"
    return bool(sep)


class _Lines:
    """Records written to a spool as the item lines of a list ``Spooled`` copies."""

    def __init__(self, spool: BinaryIO, pad: bytes) -> None:
        self.spool, self.pad, self.sep = spool, pad, b""

    def add(self, record: bytes) -> None:
        self.spool.write(self.sep + self.pad + record)
        self.sep = b",\n"


def _embedded_facts(result: AuditResult, spool: BinaryIO) -> dict[str, object]:
    """The facts file's own document: from the file the snapshot was read from when it can
    be, else written anew with its datasets spooled to ``spool`` as they are made (100k
    encoded datasets are not held in memory while the report is written)."""
    stored = stored_document(result.snapshot)
    if stored is not None:
        return stored
    lines = _Lines(spool, _FACTS_PAD)
    try:
        head = streamed_document(result.snapshot, lines.add)
    except TypeError:  # a value orjson refuses: the standard encoder's records instead
        spool.seek(0)
        spool.truncate()
        lines = _Lines(spool, _FACTS_PAD)
        head, records = encoded_document(result.snapshot)
        for record in records:
            lines.add(record)
    return {**head, "datasets": Spooled(spool) if lines.sep else []}


class JsonReporter(Reporter):
    """Key-sorted JSON, one record per line; the same input always gives the same bytes."""

    name = "json"

    def render(self, result: AuditResult) -> str:
        """The result document as JSON text."""
        out = io.BytesIO()
        self.write(result, out)
        return out.getvalue().decode("utf-8")

    def write(self, result: AuditResult, out: BinaryIO) -> None:
        """The result document, written to ``out`` as it is made."""
        shared = Shared(result.snapshot)
        with tempfile.TemporaryFile() as spool, tempfile.TemporaryFile() as facts:
            written = _spool_findings(result, shared, spool)
            embedded = _embedded_facts(result, facts)
            doc = result_head(result, shared, embedded)
            doc["datasets"] = Encoded.of(map(score_dict, result.scores))
            doc["findings"] = Spooled(spool) if written else []
            write_records(doc, out.write)
