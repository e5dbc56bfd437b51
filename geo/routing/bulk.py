"""Set-based spatial lookups for many points at once: a few queries whatever the number of points.

Each answers as its one-point counterpart would, point by point: `jurisdiction_ids` as `resolve_jurisdiction`,
`route_points` as `route_point`; `reach` is the prefilter they and the batch's duplicate search share.
"""

from collections.abc import Sequence

import numpy as np
import shapely
from django.contrib.gis.geos import Point, Polygon
from django.db import connections, router
from django.db.models import Q

from geo.backends import features
from geo.geodesy import degrees_for_metres
from geo.models import Jurisdiction
from geo.routing.index import BulkRoutes, RoutingIndex
from geo.routing.points import multipoint, point_coords
from geo.routing.rules import hotspot_radius_m, routable_hotspots, routable_units
from geo.routing.shared import shared_routing_index, shared_routing_lock
from geo.validation import WGS84, from_shapely, to_shapely

MAX_REACH_BOXES = 32  # boxes OR-ed in one spatial prefilter (each uses the spatial index)


def reach(field_name: str, points: Sequence[Point], radius_m: float) -> Q:
    """A prefilter for rows of `field_name` within `radius_m` of any point: a few boxes OR-ed (each answered by the
    spatial index), each covering a cluster of points with the same margin `likely_duplicate` and `route_point` use.
    A superset: the exact test follows in Python."""
    xs, ys = point_coords(points)
    pads = np.array([degrees_for_metres(radius_m, float(y)) for y in ys])
    cell = max(float(pads.max()) * 8, 1e-6)
    while True:
        keys = np.column_stack([np.floor(xs / cell), np.floor(ys / cell)]).astype(np.int64)
        groups, inverse = np.unique(keys, axis=0, return_inverse=True)
        if len(groups) <= MAX_REACH_BOXES:
            break
        cell *= 2
    inverse = inverse.reshape(-1)
    condition = Q()
    for g in range(len(groups)):
        members = inverse == g
        pad = float(pads[members].max())
        box = Polygon.from_bbox(
            (
                float(xs[members].min()) - pad,
                float(ys[members].min()) - pad,
                float(xs[members].max()) + pad,
                float(ys[members].max()) + pad,
            )
        )
        box.srid = 4326
        condition |= Q(**{f"{field_name}__intersects": box})
    return condition


def jurisdiction_ids(points: Sequence[Point]) -> list[int | None]:
    """`resolve_jurisdiction` for many points: the deepest jurisdiction covering each (boundary included), the
    lowest code on a shared border. One query for the candidates' levels, then one per level actually needed."""
    if not points:
        return []
    xs, ys = point_coords(points)
    candidates = list(
        Jurisdiction.objects.filter(covering_candidates(xs, ys)).order_by("-level", "code").values_list("pk", "level")
    )
    found = np.full(len(points), -1, dtype=np.int64)
    remaining = np.arange(len(points))
    for level in sorted({row[1] for row in candidates}, reverse=True):
        ids = [pk for pk, lvl in candidates if lvl == level]  # in code order
        boundaries = dict(Jurisdiction.objects.filter(pk__in=ids).values_list("pk", "boundary"))
        shapes = np.array([to_shapely(boundaries[pk]) for pk in ids], dtype=object)
        hit_point, hit_shape = shapely.STRtree(shapes).query(
            shapely.points(xs[remaining], ys[remaining]), predicate="intersects"
        )
        first = np.full(len(remaining), len(ids), dtype=np.int64)
        np.minimum.at(first, hit_point, hit_shape)  # the lowest code wins
        covered = first < len(ids)
        found[remaining[covered]] = np.array(ids, dtype=np.int64)[first[covered]]
        remaining = remaining[~covered]
        if not len(remaining):
            break
    return [int(j) if j >= 0 else None for j in found]


def covering_candidates(xs: np.ndarray, ys: np.ndarray) -> Q:
    """A filter for the jurisdictions that may cover any of the points; the exact test follows in Python, so a
    superset does not change any answer. Declared per backend (`jurisdiction_lookup_in_db`): on PostGIS the boxes
    overlapping the points' extent (`&&`, answered by the spatial index alone, far cheaper than testing every
    boundary against the points); elsewhere the boundaries intersecting the points."""
    if features(connections[router.db_for_read(Jurisdiction)]).jurisdiction_lookup_in_db:
        extent = Polygon.from_bbox(
            (float(xs.min()) - 1e-9, float(ys.min()) - 1e-9, float(xs.max()) + 1e-9, float(ys.max()) + 1e-9)
        )
        extent.srid = WGS84
        return Q(boundary__bboverlaps=extent)
    return Q(boundary__intersects=from_shapely(shapely.multipoints(np.column_stack([xs, ys]))))


def routing_index_near(points: Sequence[Point]) -> RoutingIndex:
    """A RoutingIndex over the hotspots within reach of the points and the units covering any of them: the same
    answers for these points as `route_point` (a hotspot beyond the radius or a unit not covering a point cannot
    change a route)."""
    radius = hotspot_radius_m()
    hotspots = list(
        routable_hotspots().filter(reach("geometry", points, radius)).only("id", "geometry", "sponsoring_unit_id")
    )
    units = list(
        routable_units()
        .filter(service_area__intersects=multipoint(points))
        .only("id", "service_area", "service_area_m2", "routing_priority")
    )
    return RoutingIndex(hotspots=hotspots, units=units, radius_m=radius)


def route_points(points: Sequence[Point]) -> BulkRoutes:
    """`route_point` for many points: with the process's shared index where the backend offers one (one query for
    the digest of the rows it reads), else with an index over just what these points can reach."""
    shared = shared_routing_index()
    if shared is None:
        return routing_index_near(points).route(*point_coords(points))
    with shared_routing_lock:
        return shared.route(*point_coords(points))


__all__ = ["MAX_REACH_BOXES", "covering_candidates", "jurisdiction_ids", "reach", "route_points", "routing_index_near"]
