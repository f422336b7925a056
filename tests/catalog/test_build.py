"""The build script: the committed catalog is exactly what the reference table produces."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def build_catalog() -> ModuleType:
    """tools/build_catalog.py loaded as a module (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("build_catalog", ROOT / "tools/build_catalog.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_catalog_is_current(build_catalog: ModuleType) -> None:
    committed = (ROOT / "drcheck/locations/data/catalog.json").read_text(encoding="utf-8")
    generated = build_catalog.render(build_catalog.build(build_catalog.DEFAULT_TSV))
    assert committed == generated, "run: python tools/build_catalog.py"


def test_check_mode(build_catalog: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "catalog.json"
    assert build_catalog.main(["--output", str(out), "--check"]) == 1
    assert build_catalog.main(["--output", str(out)]) == 0
    assert build_catalog.main(["--output", str(out), "--check"]) == 0


def test_output_is_deterministic_and_sorted(build_catalog: ModuleType) -> None:
    first = build_catalog.render(build_catalog.build(build_catalog.DEFAULT_TSV))
    second = build_catalog.render(build_catalog.build(build_catalog.DEFAULT_TSV))
    assert first == second
    document = json.loads(first)
    assert json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n" == first
    keys = [e["key"] for e in document["entries"]]
    assert keys == sorted(keys) and len(keys) == len(set(keys)) == 275
    assert str(ROOT) not in first  # no absolute paths in the shipped data


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        (
            "SBG1;SBG2 (destroyed 2021-03-10);SBG3;SBG4;SBG5 (opened 2022)",
            [("SBG1", False), ("SBG2", False), ("SBG3", False), ("SBG4", False), ("SBG5", False)],
        ),
        (
            "public-cloud region number != datacenter number; GRA1;GRA04",
            [("GRA1", False), ("GRA04", False)],
        ),
        ("AZ eu-west-par-a;eu-west-par-b;eu-west-par-c", []),
        ("ca-east-tor-a;YYZ01?", [("YYZ01", True)]),
        ("PAR1 (DC2;DC4=Glacier)", [("PAR1", False), ("DC2", False), ("DC4", False)]),
        ("fsn1-dc14 (cloud); Robot FSN1-DC1..DCnn (?)", [("FSN1-DC14", False)]),
        ("Interxion La Courneuve?;Data4 Paris-Saclay?", []),
        ("", []),
    ],
)
def test_parse_datacenters(build_catalog: ModuleType, cell: str, codes: list[object]) -> None:
    assert build_catalog.parse_datacenters(cell) == codes


def test_region_code_parts(build_catalog: ModuleType) -> None:
    parts = build_catalog.region_code_parts
    assert parts("dedicated:sbg") == ("sbg", ["dedicated:sbg"])
    assert parts("dedicated:lim (fra)")[0] == "lim" and "fra" in parts("dedicated:lim (fra)")[1]
    assert parts("jurisdiction:eu") == ("eu", ["jurisdiction:eu"])
    assert parts("EUR4 (dual-region)")[0] == "eur4"
    assert parts("dedicated:p19;dc1;gsw") == ("p19", ["dc1", "gsw"])


def test_metro_clusters_do_not_chain(build_catalog: ModuleType) -> None:
    # Roubaix, St. Ghislain (51 km) and Brussels (57 km from St. Ghislain, 84 from Roubaix):
    # single linkage alone would chain all three; the diameter cap keeps Brussels apart.
    points = [(50.69, 3.18), (50.47, 3.81), (50.85, 4.35)]
    labels = build_catalog.cluster_points(points)
    assert labels[0] == labels[1] != labels[2]
