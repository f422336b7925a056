"""``simple_table`` is tabulate's ``simple`` layout, the same text, for every kind of cell the
reports put in a table: plain, multi-line, wide (≥, CJK), numeric-looking text, numbers,
surrounding whitespace, escape codes and control characters (these go to tabulate)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from drcheck.report.text_table import simple_table
from tests.report.conftest import audit

HEADERS = ["status", "severity", "rule / dataset", "why"]
TEXTS = ["FAIL", "FAIL\n(baseline)", "UNKNOWN", "DR-1\nds-1", "retention ≥ 14 days,\nmore",
         "データ\nds", "2024", "1,000", "inf", "nan", "-3.5e2", " padded", "tail ", "\nlead",
         "a\x1b[31mred\x1b[0m", "tab\there", "", "ü", "x\n\ny", "NaNa", "Infinity"]


@pytest.mark.parametrize("rows", [
    [(t, "high", "DR-1\nds-1", "why") for t in TEXTS],
    *[[("FAIL", "high", t, "why\nnot"), ("PASS", "low", "r\nd", t)] for t in TEXTS],
    [("ds-1", "high", 70, 1, 0, 13), ("ds-22", "low", 100, 0, 0, 14)],
    [("2024", "high", 70, 1, 0, 13)],
])
def test_same_text_as_tabulate(rows: list[tuple[object, ...]]) -> None:
    headers = HEADERS if len(rows[0]) == 4 else HEADERS[:2] + ["a", "b", "c", "d"]
    assert simple_table(rows, headers) == tabulate(rows, headers=headers,  # type: ignore[arg-type]
                                                   tablefmt="simple")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=20),
                          st.integers(-5, 10**6)), min_size=1, max_size=6))
def test_same_text_as_tabulate_for_any_cells(rows: list[tuple[str, str, int]]) -> None:
    headers = ["one", "two", "n"]
    assert simple_table(rows, headers) == tabulate(rows, headers=headers, tablefmt="simple")


@pytest.mark.parametrize("estate", ["examples/ovh-sbg2/estate.yaml",
                                    "examples/georedundant/estate.yaml",
                                    "examples/paris-metro/estate.yaml"])
def test_the_table_report_is_what_tabulate_gave(estate: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from drcheck.report import table as table_module

    result = audit(estate, ("sbg2", "3-2-1-1-0", "bsi-georedundancy"))
    fast = table_module.TableReporter(show_passed=True).render(result)
    monkeypatch.setattr(table_module, "simple_table", lambda rows, headers: tabulate(
        rows, headers=list(headers), tablefmt="simple"))
    assert table_module.TableReporter(show_passed=True).render(result) == fast
    assert fast.count("\n") > 20
