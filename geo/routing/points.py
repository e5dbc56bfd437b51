"""Points as the batch paths pack them: coordinates and EWKB kept in Python, so many points cost few GEOS calls.

A point made by `wgs84_point` (for points read off the wire) carries its coordinates and the EWKB bytes GEOS
would write for it; `point_xy` reads any point's coordinates once and keeps them on the point. Points handled
here are not modified afterwards.
"""

import struct
import sys
from collections.abc import Sequence

import numpy as np
import shapely
from django.contrib.gis.geos import GEOSGeometry, Point

from geo.validation import WGS84, clean_point, from_shapely

_POINT_EWKB = struct.Struct("<BIIdd")  # little-endian EWKB of a 2D point with an SRID, as GEOS writes it here
_EWKB_POINT_SRID = 0x20000001
_NATIVE_EWKB = sys.byteorder == "little"


def point_xy(point: Point) -> tuple[float, float]:
    """A point's coordinates, read from GEOS once per point object (each read is a few library calls)."""
    try:
        return point.__dict__["_batch_xy"]
    except KeyError:
        xy = point.__dict__["_batch_xy"] = (point.x, point.y)
        return xy


def wgs84_point(lon: float, lat: float) -> Point:
    """`Point(lon, lat, srid=4326)` that also keeps its coordinates and EWKB in Python, so the batch reads them
    without asking GEOS (for points the sync reads off the wire; they are not modified afterwards)."""
    point = Point(lon, lat, srid=WGS84)
    point.__dict__["_batch_xy"] = (lon, lat)
    if _NATIVE_EWKB:
        point.__dict__["_batch_ewkb"] = _POINT_EWKB.pack(1, _EWKB_POINT_SRID, WGS84, lon, lat)
    return point


def known_ewkb(geometry: GEOSGeometry) -> bytes | None:
    """The EWKB of a point made by `wgs84_point` (the bytes GEOS would write for it), else None."""
    return geometry.__dict__.get("_batch_ewkb")


def clean_wgs84_point(point: Point) -> Point:
    """`clean_point`. A point already in WGS84 and within its bounds is returned as it is: clean_point would return
    an equal copy of it (and costs some twenty GEOS calls)."""
    if isinstance(point, Point) and point.srid == WGS84 and not point.empty:
        x, y = point_xy(point)
        if -180 <= x <= 180 and -90 <= y <= 90:
            return point
    return clean_point(point)


def point_coords(points: Sequence[Point]) -> tuple[np.ndarray, np.ndarray]:
    """The points' longitudes and latitudes as two float64 arrays."""
    xy = np.array([point_xy(p) for p in points], dtype=np.float64).reshape(-1, 2)
    return xy[:, 0], xy[:, 1]


def multipoint(points: Sequence[Point]) -> GEOSGeometry:
    """One WGS84 multipoint of all the points, for a single spatial filter."""
    xs, ys = point_coords(points)
    return from_shapely(shapely.multipoints(np.column_stack([xs, ys])))


__all__ = ["clean_wgs84_point", "known_ewkb", "multipoint", "point_coords", "point_xy", "wgs84_point"]
