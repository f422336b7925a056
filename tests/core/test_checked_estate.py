"""An estate checked in a forked worker while it is parsed reads exactly as one checked first.

Every test forks for real (a recorded fork proves it) and compares with the plain order:
check, then parse. Invalid estates are ones whose parse fails without the check's guard, so
the worker's problems must win over the parser's failure.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from drcheck.inputs import estate_check
from drcheck.inputs.documents import parse_text
from drcheck.inputs.estate import parse_estate
from drcheck.inputs.estate_check import check_estate, checked_estate
from drcheck.shared import forked
from drcheck.shared.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
FLEET = (ROOT / "examples" / "fleet" / "estate.yaml").read_text(encoding="utf-8")


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch, fork_log: list[range]) -> list[range]:
    """Check beside the parse from one dataset on, forking beside the runner's threads;
    the list records every fork."""
    monkeypatch.setattr(estate_check, "CHECK_BESIDE_FROM", 1)
    monkeypatch.setattr(estate_check, "worth_a_fork", lambda: True)
    return fork_log


def _plain(text: str) -> Any:
    """What the plain order gives: the estate, or the problems it raises."""
    doc = parse_text(text, "estate.yaml")
    problems = check_estate(doc)
    return problems or parse_estate(doc)


def test_a_valid_estate_is_the_one_parsed_alone(forks: list[range]) -> None:
    estate = checked_estate(parse_text(FLEET, "estate.yaml"))
    assert forks == [range(1)]
    assert estate == _plain(FLEET)
    assert [d.name for d in estate.datasets] == ["orders-db", "billing-db", "catalog-db",
                                                 "app-uploads"]


BROKEN = {  # text, and whether the parse alone fails on it (it trusts the check)
    "no-asset": (FLEET.replace("primary: {host: gra-db-1, path: /var/lib/postgresql}",
                               "primary: {path: /var/lib/postgresql}"), True),
    "no-primary": (FLEET.replace("    primary: {host: sbg-db-1, path: /var/lib/postgresql}\n",
                                 ""), True),
    "key-and-reference": (FLEET.replace("labels: {team: shop}", "labelz: {team: shop}", 1)
                          .replace("{host: sbg-backup,", "{host: nowhere,"), False),
}


@pytest.mark.parametrize("name", BROKEN)
def test_problems_found_beside_win_over_the_parse(name: str, forks: list[range]) -> None:
    text, parse_fails = BROKEN[name]
    expected = _plain(text)  # the check comes first: the parse is not reached
    assert isinstance(expected, list) and expected
    with pytest.raises(ConfigError) as caught:
        checked_estate(parse_text(text, "estate.yaml"))
    assert forks == [range(1)]
    assert caught.value.problems == expected
    if parse_fails:
        with pytest.raises((LookupError, TypeError, ValueError, NameError)):
            parse_estate(parse_text(text, "estate.yaml"))


def test_a_worker_ending_without_a_result_leaves_the_check_here(
        forks: list[range], monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    real = estate_check.check_estate

    def dies_in_worker(doc: Any) -> Any:
        if os.getpid() != parent:
            os._exit(9)  # killed, as the kernel kills for memory
        return real(doc)

    monkeypatch.setattr(estate_check, "check_estate", dies_in_worker)
    with pytest.raises(ConfigError) as caught:
        checked_estate(parse_text(BROKEN["no-asset"][0], "estate.yaml"))
    assert forks == [range(1)]
    assert caught.value.problems == _plain(BROKEN["no-asset"][0])


def test_a_check_that_raises_raises_here_as_it_would_alone(
        forks: list[range], monkeypatch: pytest.MonkeyPatch) -> None:
    def fails(doc: Any) -> Any:
        raise LookupError(f"checker bug in {os.getpid()}")

    monkeypatch.setattr(estate_check, "check_estate", fails)
    with pytest.raises(LookupError, match=f"checker bug in {os.getpid()}$"):
        checked_estate(parse_text(FLEET, "estate.yaml"))
    assert forks == [range(1)]


def test_a_parse_failing_on_a_valid_estate_is_raised(
        forks: list[range], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(doc: Any) -> Any:
        raise ZeroDivisionError("parser bug")

    monkeypatch.setattr(estate_check, "parse_estate", broken)
    with pytest.raises(ZeroDivisionError, match="parser bug"):
        checked_estate(parse_text(FLEET, "estate.yaml"))
    assert forks == [range(1)]


def test_small_estates_and_single_jobs_never_fork(monkeypatch: pytest.MonkeyPatch,
                                                  fork_log: list[range]) -> None:
    made = fork_log
    monkeypatch.setattr(forked, "is_own_process", lambda: True)
    monkeypatch.setattr(forked, "can_fork", lambda: True)
    monkeypatch.setattr(estate_check, "CHECK_BESIDE_FROM", 5)
    assert checked_estate(parse_text(FLEET, "estate.yaml")) == _plain(FLEET)  # 4 datasets
    monkeypatch.setattr(estate_check, "CHECK_BESIDE_FROM", 1)
    monkeypatch.setenv("DRCHECK_JOBS", "1")
    assert checked_estate(parse_text(FLEET, "estate.yaml")) == _plain(FLEET)
    assert not made
    monkeypatch.setenv("DRCHECK_JOBS", "2")
    assert checked_estate(parse_text(FLEET, "estate.yaml")) == _plain(FLEET)
    assert made == [range(1)]
