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

``route_point`` answers one point with indexed SQL; `geo.routing.index.RoutingIndex` answers millions at once in
memory with the same rules (the two are tested against each other).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point, Polygon
from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.geodesy import area_m2, degrees_for_metres, distance_to_shape_m
from geo.models import Hotspot, Jurisdiction, Unit
from geo.validation import to_shapely


class Rule(models.TextChoices):
    HOTSPOT = "hotspot", _("sponsoring unit of the hotspot")
    SERVICE_AREA = "service_area", _("service area")
    PRIORITY = "priority", _("overlapping service areas, highest priority")
    UNROUTED = "unrouted", _("no unit covers this point")


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


def routable_hotspots():
    return Hotspot.objects.filter(active=True, sponsoring_unit__isnull=False, sponsoring_unit__active=True)


def routable_units():
    return Unit.objects.filter(active=True, service_area__isnull=False)


def _hotspot_for(point: Point) -> Hotspot | None:
    radius = hotspot_radius_m()
    pad = degrees_for_metres(radius, point.y)
    envelope = Polygon.from_bbox((point.x - pad, point.y - pad, point.x + pad, point.y + pad))
    envelope.srid = 4326
    candidates = (
        routable_hotspots()
        .filter(geometry__intersects=envelope)
        .select_related("sponsoring_unit")
        .defer("sponsoring_unit__service_area")
        .order_by()
    )
    ranked = []
    for hotspot in candidates:
        distance = distance_to_shape_m(point.x, point.y, to_shapely(hotspot.geometry))
        if distance <= radius:
            size = area_m2(hotspot.geometry) if hotspot.geometry.geom_type != "Point" else 0.0
            ranked.append((distance, size, hotspot.pk, hotspot))
    return min(ranked, key=lambda row: row[:3])[3] if ranked else None


def _unit_for(point: Point) -> tuple[Unit | None, Rule]:
    units = list(routable_units().filter(service_area__intersects=point).defer("service_area").order_by())
    if not units:
        return None, Rule.UNROUTED
    winner = min(units, key=lambda u: (-u.routing_priority, u.service_area_m2, u.pk))
    smallest = min(units, key=lambda u: (u.service_area_m2, u.pk))
    return winner, Rule.SERVICE_AREA if winner.pk == smallest.pk else Rule.PRIORITY


def resolve_jurisdiction(point: Point) -> Jurisdiction | None:
    """The deepest jurisdiction (grid cell, else community, …) covering the point; on a shared border the lowest
    code wins."""
    return Jurisdiction.objects.filter(boundary__intersects=point).defer("boundary").order_by("-level", "code").first()


def route_point(point: Point) -> Route:
    jurisdiction = resolve_jurisdiction(point)
    hotspot = _hotspot_for(point)
    if hotspot is not None:
        return Route(Rule.HOTSPOT, hotspot.sponsoring_unit, jurisdiction, hotspot)
    unit, rule = _unit_for(point)
    return Route(rule, unit, jurisdiction)
