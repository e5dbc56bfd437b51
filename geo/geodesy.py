"""Metric measures of WGS84 shapes, on the ellipsoid (pyproj.Geod), the same on every database backend."""

from functools import lru_cache

import shapely
from django.contrib.gis.geos import GEOSGeometry
from pyproj import Geod

_GEOD = Geod(ellps="WGS84")
METRES_PER_DEGREE_LAT = 111_320.0


def area_m2(geom: GEOSGeometry) -> float:
    shape = shapely.from_wkb(bytes(geom.wkb))
    return abs(_GEOD.geometry_area_perimeter(shape)[0])


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return _GEOD.inv(lon1, lat1, lon2, lat2)[2]


@lru_cache(maxsize=64)
def degrees_for_metres(metres: float, latitude: float) -> float:
    """A radius in degrees that covers `metres` in every direction at this latitude (a generous prefilter)."""
    import math

    return metres / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(abs(latitude) + 1)), 0.01))
