"""Great-circle distances: the reference figures of the provider-locations notes."""

from __future__ import annotations

import pytest

from drcheck.locations.catalog import Catalog
from drcheck.locations.geo import haversine_km
from drcheck.shared.model import Coordinates, Source


def _point(catalog: Catalog, region: str) -> Coordinates:
    entry = catalog.by_region("ovh", region)
    assert entry is not None
    point = entry.coordinates(entry.origin)
    assert point is not None
    return point


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ("gra", "rbx", 81),
        ("gra", "sbg", 487),
        ("rbx", "sbg", 407),
        ("sbg", "de", 202),
        ("gra", "uk", 146),
    ],
)
def test_notes_reference_distances(catalog: Catalog, a: str, b: str, km: float) -> None:
    assert haversine_km(_point(catalog, a), _point(catalog, b)) == pytest.approx(km, abs=2)


def test_tuples_and_coordinates_agree() -> None:
    gra = Coordinates(50.99, 2.13, Source.CATALOG, "test")
    assert haversine_km(gra, (50.69, 3.18)) == haversine_km((50.99, 2.13), (50.69, 3.18))


def test_zero_symmetric_and_antipodal() -> None:
    assert haversine_km((48.58, 7.8), (48.58, 7.8)) == 0.0
    assert haversine_km((1.0, 2.0), (3.0, 4.0)) == haversine_km((3.0, 4.0), (1.0, 2.0))
    assert haversine_km((0.0, 0.0), (0.0, 180.0)) == pytest.approx(20015.1, abs=0.1)
