"""Numbers and times are sane or refused: the calendar, the range, the future, the bounds."""

from __future__ import annotations

import math
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from drcheck.evaluate.base import Context
from drcheck.evaluate.domains import distance_km
from drcheck.evaluate.registry import get
from drcheck.importers.ansible_inventory import MAX_RANGE_HOSTS, expand_range, range_size
from drcheck.inputs.bounds import MAX_DEPTH, load_json, max_input_bytes, read_text, set_max_input_mb
from drcheck.inputs.documents import parse_text
from drcheck.inputs.durations import CLOCK_SKEW, age_at, format_time, parse_duration, parse_time
from drcheck.inputs.validation import time_problems
from drcheck.shared.errors import ConfigError, UsageError
from drcheck.shared.model import Status
from tests.core.builders import NOW, ds, loc, rep

HOME = loc(provider="ovh", campus="ovh-sbg")
AWAY = loc(provider="aws", campus="aws-fra")


@pytest.mark.parametrize(("text", "why"), [
    ("2026-02-30", "day is out of range for month"),
    ("2026-13-45T00:00:00Z", "month must be in 1..12"),
    ("2026-01-01T25:00:00Z", "hour must be in 0..23"),
    ("2026-11-23T01:15:00+99:99", "the UTC offset must be within ±24:00"),
    ("0001-01-01T00:00:00Z", "out of range"),
    ("1969-12-31T23:59:59Z", "out of range"),
    ("9999-12-31T23:59:59-01:00", "date value out of range"),
    ("yesterday", "expected YYYY-MM-DD"),
])
def test_parse_time_refuses_what_the_calendar_lacks(text: str, why: str) -> None:
    with pytest.raises(ValueError, match="not a real date-time|out of range") as caught:
        parse_time(text)
    assert why in str(caught.value)


def test_parse_time_accepts_the_edges() -> None:
    assert format_time(parse_time("1970-01-01")) == "1970-01-01T00:00:00Z"
    assert format_time(parse_time("9999-12-31T23:59:59Z")) == "9999-12-31T23:59:59Z"
    assert format_time(parse_time("2026-11-23T08:00:00+02:00")) == "2026-11-23T06:00:00Z"


def test_format_time_pads_the_year() -> None:
    assert format_time(datetime(5, 1, 2, tzinfo=timezone.utc)) == "0005-01-02T00:00:00Z"


@pytest.mark.parametrize("text", ["1000000000000000000000000000000d", "99999999999999w",
                                  "36501d", "1" * 100 + "s"])
def test_durations_beyond_a_century_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="longer than 100 years|not a duration"):
        parse_duration(text)


def test_duration_of_a_century_is_fine() -> None:
    assert parse_duration("36500d") == timedelta(days=36500)


def test_age_at_future_is_unknown_with_reason() -> None:
    age, why = age_at("2026-11-23T13:00:00Z", NOW)
    assert age is None and why is not None and why.startswith("in the future: ")
    assert "plus the 5 min clock-skew allowance" in why


def test_age_at_within_the_skew_is_zero() -> None:
    stamp = format_time(NOW + CLOCK_SKEW - timedelta(seconds=1))
    assert age_at(stamp, NOW) == (timedelta(0), None)
    assert age_at(format_time(NOW - timedelta(hours=2)), NOW) == (timedelta(hours=2), None)


def test_max_age_future_restore_point_is_unknown_never_fresh() -> None:
    d = ds(rep("p", HOME, "primary"), rep("c", AWAY, newest_restore_point="9999-12-31T23:59:59Z"))
    out = get("max-age").check(d, {"max_age": "48h"}, Context(now=NOW))
    assert out.status is Status.UNKNOWN
    assert "c age unknown (in the future: 9999-12-31T23:59:59Z" in out.message
    assert out.unknowns == (f"c: newest restore point in the future: 9999-12-31T23:59:59Z is "
                            f"later than {format_time(NOW)} plus the 5 min clock-skew "
                            "allowance",)


def test_max_age_offsite_future_copy_is_unknown() -> None:
    d = ds(rep("p", HOME, "primary"), rep("c", AWAY, newest_restore_point="2030-01-01"))
    out = get("max-age").check(d, {"max_age": "48h", "scope": "offsite"}, Context(now=NOW))
    assert out.status is Status.UNKNOWN


def test_restore_tested_in_the_future_is_unknown() -> None:
    d = ds(rep("p", HOME, "primary"), rep("c", AWAY), last_restore_test="2027-01-01")
    out = get("restore-tested").check(d, {"max_age": "90d"}, Context(now=NOW))
    assert out.status is Status.UNKNOWN and "in the future" in out.message


def test_unreadable_probed_stamp_is_unknown_not_a_crash() -> None:
    d = ds(rep("p", HOME, "primary"), rep("c", AWAY, newest_restore_point="2026-02-30"))
    out = get("max-age").check(d, {"max_age": "48h"}, Context(now=NOW))
    assert out.status is Status.UNKNOWN and "not a real date-time" in out.message


def test_time_problems_in_documents_and_evidence() -> None:
    with pytest.raises(ConfigError) as unquoted:  # the reader itself refuses a YAML timestamp
        parse_text("a:\n  newest_restore_point: 2026-02-30\n", "x.yaml")
    assert (unquoted.value.problems[0].line, unquoted.value.problems[0].column) == (2, 25)
    assert "is not a calendar date" in unquoted.value.problems[0].message
    doc = parse_text("a:\n  newest_restore_point: '2026-02-30'\nb:\n  last_restore_test:\n"
                     "    value: '2026-13-01'\n", "x.yaml")
    found = time_problems(doc)
    assert [(p.line, p.path) for p in found] == [(2, "$.a.newest_restore_point"),
                                                 (5, "$.b.last_restore_test.value")]


def test_load_json_refuses_non_finite_and_deep() -> None:
    for text in ('{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}', '{"a": 1e999}',
                 "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2), "[" * 50000):
        with pytest.raises(ConfigError) as caught:
            load_json(text, "f.json")
        assert caught.value.problems[0].file == "f.json"
    assert load_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, "ok.json") is not None
    assert load_json('{"a": 1.5}', "ok.json") == {"a": 1.5}


def test_read_text_refuses_devices_fifos_and_big_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a regular file"):
        read_text("/dev/zero")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="not a regular file"):
        read_text(fifo)
    with pytest.raises(UsageError, match="is a directory"):
        read_text(tmp_path)
    big = tmp_path / "big"
    big.write_bytes(b"x" * (2 << 20))
    set_max_input_mb(1)
    try:
        assert max_input_bytes() == 1 << 20
        with pytest.raises(UsageError, match="larger than 1 MiB"):
            read_text(big)
        set_max_input_mb(3)
        assert len(read_text(big)) == 2 << 20
    finally:
        set_max_input_mb(None)


def test_size_cap_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRCHECK_MAX_INPUT_MB", "200")
    assert max_input_bytes() == 200 << 20
    monkeypatch.setenv("DRCHECK_MAX_INPUT_MB", "nan")
    with pytest.raises(UsageError, match="positive number"):
        max_input_bytes()


def test_host_ranges_are_capped_before_expanding() -> None:
    assert expand_range("web[01:03]") == ["web01", "web02", "web03"]
    assert expand_range("db-[a:c]") == ["db-a", "db-b", "db-c"]
    assert range_size("w[0:99]-[0:99]") == 10_000 == MAX_RANGE_HOSTS
    for bad in ("web[0:99999999]", "w[0:999]-[0:999]", "web[1:5:0]", "db[a:9]",
                "x" + "[1:1]" * 20, "w[0:" + "9" * 30 + "]"):
        with pytest.raises(ValueError):
            expand_range(bad)


def test_distance_of_non_finite_coordinates_is_unknown() -> None:
    assert distance_km(loc((math.nan, 1.0)), loc((1.0, 1.0))) is None
    assert distance_km(loc((10.0, 1.0)), loc((11.0, 1.0))) == pytest.approx(111.2, abs=0.1)
