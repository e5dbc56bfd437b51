"""Metric measures of WGS84 shapes, on the ellipsoid (pyproj.Geod), the same on every database backend."""

import math
from collections.abc import Sequence

import numpy as np
import shapely
from django.contrib.gis.geos import GEOSGeometry
from pyproj import Geod

_GEOD = Geod(ellps="WGS84")
METRES_PER_DEGREE_LAT = 111_320.0


def area_m2(geom: GEOSGeometry) -> float:
    return shape_area_m2(shapely.from_wkb(bytes(geom.wkb)))


def shape_area_m2(shape: shapely.Geometry) -> float:
    """`area_m2` of a shapely geometry."""
    return abs(_GEOD.geometry_area_perimeter(shape)[0])


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return _GEOD.inv(lon1, lat1, lon2, lat2)[2]


def metres_per_degree(latitude: float) -> tuple[float, float]:
    """Metres per degree of longitude and of latitude at this latitude, on the WGS84 ellipsoid (series to 1 cm)."""
    phi = math.radians(latitude)
    per_lat = 111_132.954 - 559.822 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
    per_lon = 111_412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi) + 0.118 * math.cos(5 * phi)
    return per_lon, per_lat


def degrees_for_metres(metres: float, latitude: float) -> float:
    """A radius in degrees that covers `metres` in every direction at this latitude (a generous prefilter)."""
    return metres / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(abs(latitude) + 1)), 0.01))


def local_frame(shape: shapely.Geometry) -> tuple[float, float]:
    """A small shape's own equirectangular frame: metres per degree at its middle latitude (0.01 % within 1 km)."""
    _, miny, _, maxy = shape.bounds
    return metres_per_degree((miny + maxy) / 2)


def to_local_metres(shape: shapely.Geometry, frame: tuple[float, float]) -> shapely.Geometry:
    return shapely.transform(shape, lambda xy: xy * frame)


def distance_to_shape_m(lon: float, lat: float, shape: shapely.Geometry) -> float:
    """Metres from a point to a small shape (0 inside or on it), in the shape's local frame."""
    sx, sy = local_frame(shape)
    return shapely.distance(shapely.Point(lon * sx, lat * sy), to_local_metres(shape, (sx, sy)))


def in_local_metres(shapes: Sequence[shapely.Geometry]) -> list[tuple[tuple[float, float], shapely.Geometry]]:
    """Each small shape's local frame and the shape in it (`local_frame`, `to_local_metres`: the same arithmetic,
    for all the shapes at once), for `distances_to_local_shapes_m`."""
    if not len(shapes):
        return []
    shapes = np.asarray(shapes, dtype=object)
    frames = [metres_per_degree((miny + maxy) / 2) for _, miny, _, maxy in shapely.bounds(shapes).tolist()]
    scale = np.repeat(np.array(frames, dtype=np.float64), shapely.get_num_coordinates(shapes), axis=0)
    metric = shapely.transform(shapes, lambda xy: xy * scale)
    return list(zip(frames, metric.tolist(), strict=True))


def distances_to_local_shapes_m(
    lons: Sequence[float], lats: Sequence[float], shapes: Sequence[tuple[tuple[float, float], shapely.Geometry]]
) -> list[float]:
    """`distance_to_shape_m` of each point to its shape (as `in_local_metres` made it), at once: the same
    arithmetic, with each shape's frame made once however many points are measured against it."""
    if not shapes:
        return []
    points = shapely.points(
        [lon * sx for lon, ((sx, _), _) in zip(lons, shapes, strict=True)],
        [lat * sy for lat, ((_, sy), _) in zip(lats, shapes, strict=True)],
    )
    return shapely.distance(points, [metric for _, metric in shapes]).tolist()
