"""JSON output: the versioned result document, facts snapshot embedded as evidence.

The document is written as it is made (``json_stream``): findings are recorded first (they
fill the ``rules``, ``passed`` and ``evidence`` tables that sort before them) into a
temporary file, then every field is written in key order, the embedded datasets one by one.
"""

from __future__ import annotations

import io
import tempfile
from typing import BinaryIO

from drcheck.facts.compact import encoded_document
from drcheck.facts.stored import stored_document
from drcheck.report.base import Reporter
from drcheck.report.fields import Shared, result_head, score_dict
from drcheck.shared.json_stream import Encoded, Spooled, write_records
from drcheck.shared.jsontext import compact
from drcheck.shared.model import AuditResult

_PAD = b"    "  # a finding's line: a member of a top-level list


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


def _embedded_facts(result: AuditResult) -> dict[str, object]:
    """The facts file's own document, its datasets a stream of encoded records: from the file
    the snapshot was read from when it can be, else written anew."""
    stored = stored_document(result.snapshot)
    if stored is not None:
        return stored
    head, lines = encoded_document(result.snapshot)
    return {**head, "datasets": Encoded(lines)}


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
        with tempfile.TemporaryFile() as spool:
            written = _spool_findings(result, shared, spool)
            embedded = _embedded_facts(result)
            doc = result_head(result, shared, embedded)
            doc["datasets"] = Encoded.of(map(score_dict, result.scores))
            doc["findings"] = Spooled(spool) if written else []
            write_records(doc, out.write)
