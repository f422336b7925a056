"""Great-circle distance between two points, for distance rules and metro clustering."""

from __future__ import annotations

import math

from drcheck.shared.model import Coordinates

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), the radius every distance in drcheck uses."""

Point = Coordinates | tuple[float, float]


def _lat_lon(point: Point) -> tuple[float, float]:
    """Latitude and longitude in degrees of either accepted point form."""
    if isinstance(point, Coordinates):
        return point.lat, point.lon
    lat, lon = point
    return float(lat), float(lon)


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in km between two points given in degrees (WGS84).

    Accepts :class:`~drcheck.shared.model.Coordinates` or ``(lat, lon)`` tuples. The haversine form
    on a sphere of radius :data:`EARTH_RADIUS_KM` is within about 0.5 % of the ellipsoidal
    distance, far finer than the city-level coordinates of the catalog.

    >>> round(haversine_km((50.99, 2.13), (50.69, 3.18)))  # Gravelines - Roubaix
    81
    """
    lat1, lon1 = _lat_lon(a)
    lat2, lon2 = _lat_lon(b)
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlam = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))
