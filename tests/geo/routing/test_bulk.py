"""The set-based lookups answer every point as their one-point counterparts do."""

import numpy as np
import pytest
from django.contrib.gis.geos import Point

from geo.geodesy import distance_to_shape_m
from geo.models import Hotspot
from geo.routing import RULE_CODES, jurisdiction_ids, reach, resolve_jurisdiction, route_point, route_points
from geo.routing.points import wgs84_point
from geo.validation import to_shapely

pytestmark = pytest.mark.django_db


def random_points(seed: int, count: int = 150) -> list[Point]:
    rng = np.random.default_rng(seed)
    lons = np.concatenate([rng.uniform(116.19, 116.25, count), 116.230 + rng.normal(0, 0.0005, count // 3)])
    lats = np.concatenate([rng.uniform(39.83, 39.87, count), 39.845 + rng.normal(0, 0.0005, count // 3)])
    points = [wgs84_point(float(x), float(y)) for x, y in zip(lons, lats, strict=True)]
    # On jurisdiction boundaries and corners, and far outside the district.
    return [*points, Point(116.21, 39.85, srid=4326), Point(116.2, 39.84, srid=4326), Point(116.5, 39.9, srid=4326)]


def test_no_points_no_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert jurisdiction_ids([]) == []


@pytest.mark.parametrize("seed", [1, 2])
def test_jurisdiction_ids_are_resolve_jurisdiction_point_by_point(world, seed):
    points = random_points(seed)
    expected = [getattr(resolve_jurisdiction(p), "pk", None) for p in points]
    assert jurisdiction_ids(points) == expected
    assert None in expected and len(set(expected)) > 2


@pytest.mark.parametrize("seed", [3, 4])
def test_route_points_are_route_point_point_by_point(world, seed):
    points = random_points(seed)
    routes = route_points(points)
    for i, point in enumerate(points):
        single = route_point(point)
        assert int(routes.rules[i]) == RULE_CODES[single.rule], (point.x, point.y)
        assert int(routes.unit_ids[i]) == (single.unit.pk if single.unit else -1), (point.x, point.y)
        assert int(routes.hotspot_ids[i]) == (single.hotspot.pk if single.hotspot else -1), (point.x, point.y)


def test_reach_keeps_every_row_within_the_radius(world):
    points = random_points(5)
    radius = 200.0
    near = set(Hotspot.objects.filter(reach("geometry", points, radius)).values_list("pk", flat=True))
    for hotspot in Hotspot.objects.all():
        shape = to_shapely(hotspot.geometry)
        if any(distance_to_shape_m(p.x, p.y, shape) <= radius for p in points):
            assert hotspot.pk in near
