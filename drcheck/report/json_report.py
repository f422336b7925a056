"""JSON output: the versioned result document, facts snapshot embedded as evidence.

The document is written as it is made (``json_stream``): findings are recorded first (they
fill the ``rules``, ``passed`` and ``evidence`` tables that sort before them) into a
temporary file, then every field is written in key order, the embedded datasets one by one.

For a large snapshot the embedded facts are written by a forked worker (``forked.beside``)
into a file of their own while this process records the findings: the two take about as
long, and neither reads what the other writes. The worker writes exactly what this process
would have written in that place; one that ends without its result leaves it to this
process.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from drcheck.facts.compact import remember_digest, spooled_document
from drcheck.facts.stored import has_source, stored_document
from drcheck.report.base import Reporter
from drcheck.report.fields import Shared, result_head, score_dict
from drcheck.shared.forked import beside, worth_a_fork
from drcheck.shared.json_stream import Encoded, Prewritten, Spooled, emit, write_records
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
    return stored if stored is not None else spooled_document(result.snapshot, spool)


FACTS_BESIDE_FROM = 2000
"""Datasets from which the embedded facts are written by a forked worker (below that, the
fork costs about what it saves)."""

Embedded = tuple[dict[str, Any], object]
"""The embedded facts: what ``result_head`` reads of them (``issues``, ``digest``), and the
value written under ``facts`` (the document, or the worker's ``Prewritten`` text of it)."""


@contextmanager
def _facts_beside(result: AuditResult, body: BinaryIO) -> Iterator[Callable[[], Embedded]]:
    """The embedded facts: written into ``body`` by a forked worker while the block goes
    on, when the snapshot is large, its document is to be written anew (one taken from the
    file it was read from costs little) and a fork is worth it; else, or when the worker
    ends without its result, made here when asked."""

    def here() -> Embedded:
        body.seek(0)
        body.truncate()  # what a worker killed while writing left
        facts = _embedded_facts(result, Spooled(body, 2))
        return facts, facts

    snapshot = result.snapshot
    if len(snapshot.datasets) < FACTS_BESIDE_FROM or has_source(snapshot) \
            or not worth_a_fork():
        yield here
        return

    def written() -> tuple[Any, str]:
        """In the worker: the facts value into ``body``; what ``result_head`` reads of it
        besides (``issues``, ``digest``) handed back."""
        with tempfile.TemporaryFile() as datasets:
            facts = _embedded_facts(result, Spooled(datasets, 2))
            emit(facts, 1, body.write)
            body.flush()
        return facts["issues"], str(facts["digest"])

    with beside(written) as worker:
        def embedded() -> Embedded:
            head = worker()
            if head is None:
                return here()
            issues, digest = head
            remember_digest(result.snapshot, digest)
            return {"issues": issues, "digest": digest}, Prewritten(body)

        yield embedded


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
            with _facts_beside(result, facts) as facts_of:
                _spool_findings(result, shared, findings)
                head, embedded = facts_of()
            doc = result_head(result, shared, head)
            doc["facts"] = embedded
            doc["datasets"] = Encoded.of(map(score_dict, result.scores))
            doc["findings"] = findings
            write_records(doc, out.write)
