"""The shipped regimes file: it loads, matches its schema, and every deadline has a source."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from drcheck.brief.regimes import REGIMES_SCHEMA, default_regimes, parse_regimes


def _raw() -> dict[str, Any]:
    text = (resources.files("drcheck") / "data" / "regimes.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_shipped_file_matches_its_schema() -> None:
    Draft202012Validator.check_schema(REGIMES_SCHEMA)
    assert not list(Draft202012Validator(REGIMES_SCHEMA).iter_errors(_raw()))


def test_each_regime_and_deadline_cites_eu_law() -> None:
    regimes = default_regimes()
    assert {r.id for r in regimes.regimes} == {"gdpr-art33", "gdpr-art34", "nis2-art23",
                                               "dora-art19"}
    for regime in regimes.regimes:
        for src in (regime.source, *(d.source for d in regime.deadlines)):
            assert src.url.startswith("https://eur-lex.europa.eu/eli/"), src
            assert src.celex and src.celex in {"32016R0679", "32022L2555", "32022R2554",
                                               "32025R0301"}, src
            assert src.article.startswith("Art. ")


def test_deadlines_are_the_texts_numbers() -> None:
    by_id = {r.id: r for r in default_regimes().regimes}
    assert [(d.step, d.hours) for d in by_id["gdpr-art33"].deadlines] == [("notification", 72)]
    assert [(d.step, d.hours, d.months) for d in by_id["nis2-art23"].deadlines] == [
        ("early-warning", 24, None), ("incident-notification", 72, None),
        ("final-report", None, 1)]
    dora = by_id["dora-art19"].deadlines
    assert [(d.step, d.after, d.hours, d.months) for d in dora] == [
        ("initial-notification", "awareness", 24, None),
        ("intermediate-report", "initial-notification", 72, None),
        ("final-report", "intermediate-report", None, 1)]
    assert all(d.source.celex == "32025R0301" for d in dora)
    assert by_id["gdpr-art34"].deadlines[0].hours is None  # "without undue delay"


def test_authorities_are_sourced_and_fr_is_cnil() -> None:
    regimes = default_regimes()
    assert "CNIL" in regimes.authorities["FR"].name
    assert regimes.authorities_source.url.startswith("https://www.edpb.europa.eu/")


def test_a_broken_file_is_refused_with_its_path() -> None:
    bad = copy.deepcopy(_raw())
    del bad["regimes"][2]["deadlines"][0]["source"]
    with pytest.raises(ValueError, match="regimes/2/deadlines/0"):
        parse_regimes(bad)


def test_a_deadline_must_follow_awareness_or_an_earlier_step() -> None:
    bad = copy.deepcopy(_raw())
    bad["regimes"][3]["deadlines"][1]["after"] = "final-report"
    with pytest.raises(ValueError, match="regimes/3/deadlines/1/after"):
        parse_regimes(bad)
