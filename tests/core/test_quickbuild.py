"""``quickbuild.builder``: records made the quick way are the records ``cls(...)`` makes."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any

import pytest

from drcheck.evaluate.base import Outcome
from drcheck.shared.model import (
    Claim,
    Dataset,
    DomainKind,
    Evidence,
    EvidenceRef,
    Finding,
    Location,
    Replica,
    ReplicaKind,
    Severity,
    SharedDomain,
    Source,
    Status,
)
from drcheck.shared.quickbuild import builder

EVIDENCE = Evidence("2026-11-01T00:00:00Z", Source.PROBED, "restic snapshots", None, None)
CLAIM = Claim(DomainKind.CAMPUS, "ovh-sbg", Source.CATALOG, "catalog", None)
REPLICA = Replica("db#0", "db", "primary", ReplicaKind.HOST, "host:db", "/srv",
                  Location((CLAIM,)), {"newest_restore_point": EVIDENCE})
SAMPLES: list[tuple[type[Any], tuple[Any, ...], dict[str, Any]]] = [
    (Finding, ("R1", "separation", "sbg2", "db", Status.FAIL, Severity.HIGH, "title", "msg",
               "f" * 32, (SharedDomain(DomainKind.CAMPUS, "ovh-sbg", ("db", "bk")),),
               (EvidenceRef("db#0", "k", 1, Source.PROBED, "o"),), ("x: not known",),
               {"iso27001": ("A.8.13",)}), {}),
    (Finding, ("R1", "separation", "sbg2", "db", Status.PASS, Severity.LOW, "t", "", "f"),
     {}),  # the defaults: shared, evidence, unknowns, controls (a factory) and waiver
    (Finding, (), {"rule_id": "R", "rule_type": "t", "policy": "p", "dataset": "d",
                   "status": Status.UNKNOWN, "severity": Severity.LOW, "title": "",
                   "message": "m", "waiver": "W1: accepted"}),
    (Evidence, ("x", Source.DECLARED, "estate.yaml:3", "2026-11-01T00:00:00Z", None), {}),
    (Claim, (DomainKind.HOST, "db", Source.PROBED, "ssh", None, True), {}),
    (Replica, ("db#0", "db", "primary", ReplicaKind.HOST, "host:db", None,
               Location((CLAIM,))), {}),
    (Dataset, ("db", REPLICA, (REPLICA,), {"team": "a"}, "high"), {}),
    (EvidenceRef, ("db#0", "location.campus", "ovh-sbg", Source.CATALOG, "catalog"), {}),
    (Outcome, (Status.PASS, ""), {"unknowns": ("a: b",)}),
]


@pytest.mark.parametrize(("cls", "args", "kwargs"), SAMPLES,
                         ids=[f"{c.__name__}-{i}" for i, (c, _, _) in enumerate(SAMPLES)])
def test_quick_records_are_the_records_the_class_makes(cls: type[Any], args: tuple[Any, ...],
                                                        kwargs: dict[str, Any]) -> None:
    make = builder(cls)
    assert make is not cls  # each of these qualifies: the quick path is what is tested
    quick, plain = make(*args, **kwargs), cls(*args, **kwargs)
    assert type(quick) is cls
    assert quick == plain and repr(quick) == repr(plain)
    assert _hashed(quick) == _hashed(plain)
    for f in dataclasses.fields(cls):
        assert getattr(quick, f.name) is getattr(plain, f.name) or (
            getattr(quick, f.name) == getattr(plain, f.name) and f.default_factory
            is not dataclasses.MISSING)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(quick, dataclasses.fields(cls)[0].name, "changed")
    assert pickle.loads(pickle.dumps(quick)) == plain
    assert copy.deepcopy(quick) == plain
    assert dataclasses.replace(quick) == plain and dataclasses.astuple(quick) == \
        dataclasses.astuple(plain)


def _hashed(record: object) -> int | str:
    """The record's hash, or the error hashing it raises (a dict field is unhashable)."""
    try:
        return hash(record)
    except TypeError as exc:
        return str(exc)


def test_a_default_factory_gives_each_record_its_own_value() -> None:
    make = builder(Finding)
    a = make("R", "t", "p", "d", Status.PASS, Severity.LOW, "", "", "")
    b = make("R", "t", "p", "d", Status.PASS, Severity.LOW, "", "", "")
    assert a.controls == {} and a.controls is not b.controls


def test_wrong_arguments_fail_as_the_class_fails() -> None:
    make = builder(Evidence)
    with pytest.raises(TypeError, match="source"):
        make("x")
    with pytest.raises(TypeError, match="colour"):
        make("x", Source.DECLARED, "o", colour="red")


@dataclasses.dataclass(frozen=True, slots=True)
class _Checked:
    n: int

    def __post_init__(self) -> None:
        if self.n < 0:
            raise ValueError("negative")


@dataclasses.dataclass(frozen=True, slots=True)
class _Base:
    n: int


@dataclasses.dataclass(frozen=True, slots=True)
class _Derived(_Base):
    m: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class _Computed:
    n: int
    twice: int = dataclasses.field(init=False, default=0)


@dataclasses.dataclass(slots=True)
class _Mutable:
    n: int


@pytest.mark.parametrize("cls", [Location, _Checked, _Derived, _Computed, _Mutable, int])
def test_anything_else_is_built_by_the_class_itself(cls: type[Any]) -> None:
    """A record with checks, a base class, a field ``__init__`` does not set, no slots (the
    ``Location``'s cached indexes), or no dataclass at all: the class is the constructor."""
    assert builder(cls) is cls


def test_a_record_with_checks_still_runs_them() -> None:
    with pytest.raises(ValueError, match="negative"):
        builder(_Checked)(-1)


def test_the_models_quick_constructors_take_the_quick_path() -> None:
    """The constructors the reader, assembler and evaluator use are quick ones, not the
    classes (a change to a record that stops it qualifying would silently slow them)."""
    from drcheck.shared import model

    quick = {name: getattr(model, name) for name in dir(model) if name.startswith("new_")}
    assert set(quick) == {"new_claim", "new_coordinates", "new_evidence", "new_replica",
                          "new_dataset", "new_evidence_ref", "new_finding"}
    classes = {"new_claim": model.Claim, "new_coordinates": model.Coordinates,
               "new_evidence": model.Evidence, "new_replica": model.Replica,
               "new_dataset": model.Dataset, "new_evidence_ref": model.EvidenceRef,
               "new_finding": model.Finding}
    assert all(made is not classes[name] for name, made in quick.items())
    assert all(made.__name__ == f"_{classes[name].__name__}Draft" for name, made in quick.items())


@pytest.mark.parametrize("cls", [Finding, Evidence, Claim, Replica, Dataset, EvidenceRef])
def test_a_quick_constructor_takes_the_class_arguments_by_the_same_names(
        cls: type[Any]) -> None:
    import inspect

    mine = inspect.signature(builder(cls)).parameters
    theirs = inspect.signature(cls).parameters
    assert list(mine) == list(theirs)
    for name, param in theirs.items():  # a factory's default is shown, not its value
        assert (param.default is inspect.Parameter.empty) == \
            (mine[name].default is inspect.Parameter.empty)
        if repr(param.default) != "<factory>":
            assert mine[name].default is param.default


def test_a_record_with_keyword_only_fields_is_built_by_its_class() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class _Keyed:
        a: int
        b: int = dataclasses.field(default=0, kw_only=True)

    assert builder(_Keyed) is _Keyed
