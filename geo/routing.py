"""Which unit answers for a point: the routing primitive every finding, task and citizen report goes through.

Rules, in order:
1. ``hotspot``: the point lies on an active hotspot that has an active sponsoring unit (包保单位): inside its
   outline, or within ``ROUTING_HOTSPOT_RADIUS_M`` of it. The nearest hotspot wins (inside counts as 0 m), then
   the smaller one, then the older one.
2. ``service_area`` / ``priority``: the active units whose service area contains the point. The highest
   ``routing_priority`` wins, then the smallest area, then the older unit. The rule is ``priority`` when the
   priority override chose another unit than the smallest area would have.
3. ``unrouted``: nothing matched. No guess is made; a manager assigns by hand.

``route_point`` answers one point with indexed SQL; ``RoutingIndex`` answers millions at once in memory with the
same rules (the two are tested against each other).
"""

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import shapely
from django.conf import settings
from django.contrib.gis.geos import Point, Polygon

from geo.geodesy import METRES_PER_DEGREE_LAT, area_m2, degrees_for_metres
from geo.models import Hotspot, Jurisdiction, Unit
from geo.validation import to_shapely


class Rule(StrEnum):
    HOTSPOT = "hotspot"
    SERVICE_AREA = "service_area"
    PRIORITY = "priority"
    UNROUTED = "unrouted"


RULE_CODES = {Rule.HOTSPOT: 0, Rule.SERVICE_AREA: 1, Rule.PRIORITY: 2, Rule.UNROUTED: 3}
RULES_BY_CODE = {code: rule for rule, code in RULE_CODES.items()}


@dataclass(frozen=True)
class Route:
    rule: Rule
    unit: Unit | None
    jurisdiction: Jurisdiction | None
    hotspot: Hotspot | None = None


def hotspot_radius_m() -> float:
    return float(settings.ROUTING_HOTSPOT_RADIUS_M)


def _x_scale(shape: shapely.Geometry) -> float:
    """Metres per degree of longitude in the hotspot's own equirectangular frame (exact enough within 1 km)."""
    _, miny, _, maxy = shape.bounds
    return METRES_PER_DEGREE_LAT * math.cos(math.radians((miny + maxy) / 2))


def _to_metres(shape: shapely.Geometry, x_scale: float) -> shapely.Geometry:
    return shapely.transform(shape, lambda xy: xy * (x_scale, METRES_PER_DEGREE_LAT))


def _distance_m(lon: float, lat: float, shape: shapely.Geometry) -> float:
    x_scale = _x_scale(shape)
    return shapely.distance(shapely.Point(lon * x_scale, lat * METRES_PER_DEGREE_LAT), _to_metres(shape, x_scale))


def routable_hotspots():
    return Hotspot.objects.filter(active=True, sponsoring_unit__isnull=False, sponsoring_unit__active=True)


def routable_units():
    return Unit.objects.filter(active=True, service_area__isnull=False)


def _hotspot_for(point: Point) -> Hotspot | None:
    radius = hotspot_radius_m()
    pad = degrees_for_metres(radius, point.y)
    envelope = Polygon.from_bbox((point.x - pad, point.y - pad, point.x + pad, point.y + pad))
    envelope.srid = 4326
    candidates = routable_hotspots().filter(geometry__intersects=envelope).select_related("sponsoring_unit")
    ranked = []
    for hotspot in candidates:
        distance = _distance_m(point.x, point.y, to_shapely(hotspot.geometry))
        if distance <= radius:
            size = area_m2(hotspot.geometry) if hotspot.geometry.geom_type != "Point" else 0.0
            ranked.append((distance, size, hotspot.pk, hotspot))
    return min(ranked, key=lambda row: row[:3])[3] if ranked else None


def _unit_for(point: Point) -> tuple[Unit | None, Rule]:
    units = list(routable_units().filter(service_area__intersects=point).defer("service_area"))
    if not units:
        return None, Rule.UNROUTED
    winner = min(units, key=lambda u: (-u.routing_priority, u.service_area_m2, u.pk))
    smallest = min(units, key=lambda u: (u.service_area_m2, u.pk))
    return winner, Rule.SERVICE_AREA if winner.pk == smallest.pk else Rule.PRIORITY


def resolve_jurisdiction(point: Point) -> Jurisdiction | None:
    """The deepest jurisdiction (grid cell, else community, …) containing the point."""
    return Jurisdiction.objects.filter(boundary__intersects=point).defer("boundary").order_by("-level", "code").first()


def route_point(point: Point) -> Route:
    jurisdiction = resolve_jurisdiction(point)
    hotspot = _hotspot_for(point)
    if hotspot is not None:
        return Route(Rule.HOTSPOT, hotspot.sponsoring_unit, jurisdiction, hotspot)
    unit, rule = _unit_for(point)
    return Route(rule, unit, jurisdiction)


@dataclass(frozen=True)
class BulkRoutes:
    unit_ids: np.ndarray  # int64, -1 where unrouted
    rules: np.ndarray  # int8 codes, see RULE_CODES
    hotspot_ids: np.ndarray  # int64, -1 where not on a hotspot

    def rule_at(self, i: int) -> Rule:
        return RULES_BY_CODE[int(self.rules[i])]


class RoutingIndex:
    """The routing rules over an in-memory snapshot of hotspots and service areas, vectorised with shapely.

    Build it once per batch (one query each for hotspots and units), then route any number of points.
    """

    def __init__(self, *, hotspots, units, radius_m: float):
        self.radius_m = radius_m
        self._hotspot_ids = np.array([h.pk for h in hotspots], dtype=np.int64)
        self._hotspot_units = np.array([h.sponsoring_unit_id for h in hotspots], dtype=np.int64)
        shapes = [to_shapely(h.geometry) for h in hotspots]
        self._hotspot_x_scales = np.array([_x_scale(s) for s in shapes])
        self._hotspot_metric_shapes = np.array(
            [_to_metres(s, f) for s, f in zip(shapes, self._hotspot_x_scales, strict=True)], dtype=object
        )
        self._hotspot_sizes = np.array(
            [area_m2(h.geometry) if h.geometry.geom_type != "Point" else 0.0 for h in hotspots]
        )
        pads = [degrees_for_metres(radius_m, shapely.get_coordinates(s)[:, 1].max()) for s in shapes]
        self._hotspot_tree = shapely.STRtree(
            [shapely.box(*np.add(s.bounds, (-p, -p, p, p))) for s, p in zip(shapes, pads, strict=True)]
        )
        self._unit_ids = np.array([u.pk for u in units], dtype=np.int64)
        self._unit_priority = np.array([u.routing_priority for u in units], dtype=np.int64)
        self._unit_sizes = np.array([u.service_area_m2 for u in units], dtype=np.float64)
        unit_shapes = [to_shapely(u.service_area) for u in units]
        shapely.prepare(unit_shapes)
        self._unit_tree = shapely.STRtree(unit_shapes)

    @classmethod
    def from_database(cls) -> "RoutingIndex":
        hotspots = list(routable_hotspots().only("id", "geometry", "sponsoring_unit_id"))
        units = list(routable_units().only("id", "service_area", "service_area_m2", "routing_priority"))
        return cls(hotspots=hotspots, units=units, radius_m=hotspot_radius_m())

    def route(self, lons: np.ndarray, lats: np.ndarray) -> BulkRoutes:
        lons = np.asarray(lons, dtype=np.float64)
        lats = np.asarray(lats, dtype=np.float64)
        n = len(lons)
        unit_ids = np.full(n, -1, dtype=np.int64)
        rules = np.full(n, RULE_CODES[Rule.UNROUTED], dtype=np.int8)
        hotspot_ids = np.full(n, -1, dtype=np.int64)
        points = shapely.points(lons, lats)

        if len(self._hotspot_ids):
            on_hotspot = self._route_hotspots(points, lons, lats)
            hit = on_hotspot >= 0
            hotspot_ids[hit] = self._hotspot_ids[on_hotspot[hit]]
            unit_ids[hit] = self._hotspot_units[on_hotspot[hit]]
            rules[hit] = RULE_CODES[Rule.HOTSPOT]
            rest = np.flatnonzero(~hit)
        else:
            rest = np.arange(n)

        if len(self._unit_ids) and len(rest):
            point_idx, unit_idx = self._unit_tree.query(points[rest], predicate="intersects")
            if len(point_idx):
                by_priority = np.lexsort(
                    (self._unit_ids[unit_idx], self._unit_sizes[unit_idx], -self._unit_priority[unit_idx], point_idx)
                )
                first = np.unique(point_idx[by_priority], return_index=True)[1]
                winners = unit_idx[by_priority][first]
                by_size = np.lexsort((self._unit_ids[unit_idx], self._unit_sizes[unit_idx], point_idx))
                smallest = unit_idx[by_size][np.unique(point_idx[by_size], return_index=True)[1]]
                targets = rest[np.unique(point_idx)]
                unit_ids[targets] = self._unit_ids[winners]
                rules[targets] = np.where(winners == smallest, RULE_CODES[Rule.SERVICE_AREA], RULE_CODES[Rule.PRIORITY])
        return BulkRoutes(unit_ids=unit_ids, rules=rules, hotspot_ids=hotspot_ids)

    def _route_hotspots(self, points: np.ndarray, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Index into the hotspot arrays of each point's hotspot, or -1."""
        chosen = np.full(len(points), -1, dtype=np.int64)
        point_idx, hotspot_idx = self._hotspot_tree.query(points, predicate="intersects")
        if not len(point_idx):
            return chosen
        # Measured in each hotspot's own metric frame, exactly as route_point measures it.
        x_scales = self._hotspot_x_scales[hotspot_idx]
        metric_points = shapely.points(lons[point_idx] * x_scales, lats[point_idx] * METRES_PER_DEGREE_LAT)
        distances = shapely.distance(metric_points, self._hotspot_metric_shapes[hotspot_idx])
        near = distances <= self.radius_m
        point_idx, hotspot_idx, distances = point_idx[near], hotspot_idx[near], distances[near]
        if not len(point_idx):
            return chosen
        order = np.lexsort((self._hotspot_ids[hotspot_idx], self._hotspot_sizes[hotspot_idx], distances, point_idx))
        first = np.unique(point_idx[order], return_index=True)[1]
        chosen[point_idx[order][first]] = hotspot_idx[order][first]
        return chosen
