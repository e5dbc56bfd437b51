"""The routing rules: which unit answers for a point, asked of the database one point at a time.

Rules, in order:
1. ``hotspot``: the point lies on an active hotspot that has an active sponsoring unit (包保单位): inside its
   outline, or within ``ROUTING_HOTSPOT_RADIUS_M`` of it. The nearest hotspot wins (inside counts as 0 m), then
   the smaller one, then the older one.
2. ``service_area`` / ``priority``: the active units whose service area covers the point (its boundary included,
   so a point on the line between two areas is never lost). The highest
   ``routing_priority`` wins, then the smallest area, then the older unit. The rule is ``priority`` when the
   priority override chose another unit than the smallest area would have.
3. ``unrouted``: nothing matched. No guess is made; a manager assigns by hand.

``route_point`` answers one point with one indexed query (`geo.routing.candidates`) and a little Python;
`geo.routing.index.RoutingIndex` answers millions at once in memory with the same rules (the two are tested
against each other).
"""

import math
from dataclasses import dataclass
from functools import cached_property

import shapely
from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.geodesy import distance_to_shape_m, metres_per_degree, shape_area_m2
from geo.models import Hotspot, Jurisdiction, Unit
from geo.routing.candidates import point_candidates
from geo.validation import WGS84


class Rule(models.TextChoices):
    HOTSPOT = "hotspot", _("sponsoring unit of the hotspot")
    SERVICE_AREA = "service_area", _("service area")
    PRIORITY = "priority", _("overlapping service areas, highest priority")
    UNROUTED = "unrouted", _("no unit covers this point")


RULE_CODES = {Rule.HOTSPOT: 0, Rule.SERVICE_AREA: 1, Rule.PRIORITY: 2, Rule.UNROUTED: 3}
RULES_BY_CODE = {code: rule for rule, code in RULE_CODES.items()}


@dataclass(frozen=True)
class Route:
    """A point's route by ids. `unit`, `jurisdiction` and `hotspot` load their row on first use (one query each),
    for the callers that show more than the id."""

    rule: Rule
    unit_id: int | None
    jurisdiction_id: int | None
    hotspot_id: int | None = None

    @cached_property
    def unit(self) -> Unit | None:
        return None if self.unit_id is None else Unit.objects.get(pk=self.unit_id)

    @cached_property
    def jurisdiction(self) -> Jurisdiction | None:
        return None if self.jurisdiction_id is None else Jurisdiction.objects.get(pk=self.jurisdiction_id)

    @cached_property
    def hotspot(self) -> Hotspot | None:
        return None if self.hotspot_id is None else Hotspot.objects.get(pk=self.hotspot_id)


def hotspot_radius_m() -> float:
    return float(settings.ROUTING_HOTSPOT_RADIUS_M)


def routable_hotspots():
    return Hotspot.objects.filter(active=True, sponsoring_unit__isnull=False, sponsoring_unit__active=True)


def routable_units():
    return Unit.objects.filter(active=True, service_area__isnull=False)


def _hotspot_for(x: float, y: float, rows: list[tuple[int, int, bytes]], radius: float) -> tuple[int, int] | None:
    """(hotspot id, sponsoring unit id) of the nearest hotspot within the radius, then the smaller, then the older."""
    near = []
    for pk, unit_id, wkb in rows:
        shape = shapely.from_wkb(wkb)
        distance = _point_distance_m(x, y, shape) if shapely.get_type_id(shape) == 0 else None
        if distance is None:
            distance = distance_to_shape_m(x, y, shape)
        if distance <= radius:
            near.append((distance, pk, unit_id, shape))
    if not near:
        return None
    nearest = min(row[0] for row in near)
    tied = [row for row in near if row[0] == nearest]
    if len(tied) > 1:  # the size only breaks a tie: measured then, not for every candidate
        tied.sort(key=lambda row: (_size_m2(row[3]), row[1]))
    return tied[0][1], tied[0][2]


def _point_distance_m(x: float, y: float, shape: shapely.Geometry) -> float:
    """`distance_to_shape_m` to a point hotspot, operation for operation (GEOS's point-to-point distance in the
    hotspot's frame), without making shapely geometries."""
    hx, hy = shapely.get_coordinates(shape)[0].tolist()
    sx, sy = metres_per_degree(hy)
    dx, dy = x * sx - hx * sx, y * sy - hy * sy
    return math.sqrt(dx * dx + dy * dy)


def _size_m2(shape: shapely.Geometry) -> float:
    """A hotspot's area on the ellipsoid (`geo.geodesy.area_m2`), 0 for a point."""
    return 0.0 if shapely.get_type_id(shape) == 0 else shape_area_m2(shape)


def _unit_for(rows: list[tuple[int, int, float]]) -> tuple[int | None, Rule]:
    if not rows:
        return None, Rule.UNROUTED
    winner = min(rows, key=lambda u: (-u[1], u[2], u[0]))
    smallest = min(rows, key=lambda u: (u[2], u[0]))
    return winner[0], Rule.SERVICE_AREA if winner[0] == smallest[0] else Rule.PRIORITY


def resolve_jurisdiction(point: Point) -> Jurisdiction | None:
    """The deepest jurisdiction (grid cell, else community, …) covering the point; on a shared border the lowest
    code wins."""
    return Jurisdiction.objects.filter(boundary__intersects=point).defer("boundary").order_by("-level", "code").first()


def route_point(point: Point) -> Route:
    if point.srid not in (None, WGS84):
        point = point.transform(WGS84, clone=True)
    x, y = point.x, point.y
    radius = hotspot_radius_m()
    found = point_candidates(x, y, radius)
    hotspot = _hotspot_for(x, y, found.hotspots, radius)
    if hotspot is not None:
        return Route(Rule.HOTSPOT, hotspot[1], found.jurisdiction_id, hotspot[0])
    unit_id, rule = _unit_for(found.units)
    return Route(rule, unit_id, found.jurisdiction_id)
