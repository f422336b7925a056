"""JSON output: the versioned result document, facts snapshot embedded as evidence.

The document is written as it is made (``json_stream``): findings are recorded first (they
fill the ``rules``, ``passed`` and ``evidence`` tables that sort before them) into a
temporary file, then every field is written in key order, the embedded datasets one by one.
"""

from __future__ import annotations

import io
import tempfile
from typing import BinaryIO

from drcheck.facts.compact import standard_records, streamed_document
from drcheck.facts.stored import stored_document
from drcheck.report.base import Reporter
from drcheck.report.fields import Shared, result_head, score_dict
from drcheck.shared.json_stream import Encoded, Spooled, write_records
from drcheck.shared.jsontext import compact
from drcheck.shared.model import AuditResult


def _spool_findings(result: AuditResult, shared: Shared, spool: Spooled) -> None:
    """The ``findings`` records that are not lean passes, added to ``spool``."""
    add = spool.add
    for r in shared.records(result.findings):
        add(compact(r))


def _embedded_facts(result: AuditResult, spool: Spooled) -> dict[str, object]:
    """The facts file's own document: from the file the snapshot was read from when it can
    be, else written anew with its datasets added to ``spool`` as they are made (100k
    encoded datasets are not held in memory while the report is written)."""
    stored = stored_document(result.snapshot)
    if stored is not None:
        return stored
    try:
        head = streamed_document(result.snapshot, spool.add)
    except TypeError:  # a value orjson refuses: the standard encoder's records instead
        spool.restart()
        head, records = standard_records(result.snapshot)
        for record in records:
            spool.add(record)
    return {**head, "datasets": spool}


class JsonReporter(Reporter):
    """Key-sorted JSON, one record per line; the same input always gives the same bytes."""

    name = "json"
    shows_passes = False  # passes are counted or listed by name, never explained

    def render(self, result: AuditResult) -> str:
        """The result document as JSON text."""
        out = io.BytesIO()
        self.write(result, out)
        return out.getvalue().decode("utf-8")

    def write(self, result: AuditResult, out: BinaryIO) -> None:
        """The result document, written to ``out`` as it is made."""
        shared = Shared(result.snapshot)
        with tempfile.TemporaryFile() as spool, tempfile.TemporaryFile() as facts:
            findings = Spooled(spool, 1)  # the top-level ``findings`` list
            _spool_findings(result, shared, findings)
            embedded = _embedded_facts(result, Spooled(facts, 2))  # ``facts.datasets``
            doc = result_head(result, shared, embedded)
            doc["datasets"] = Encoded.of(map(score_dict, result.scores))
            doc["findings"] = findings
            write_records(doc, out.write)
