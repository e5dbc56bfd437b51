"""route_point, the bulk paths and the benchmark's plain SQL restate one rule: they agree point for point."""

import numpy as np
import pytest
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import connection

from geo.routing import RULE_CODES, RoutingIndex, route_point, route_points
from geo.services import hotspot_update, unit_save
from tests.factories import HotspotFactory, UnitFactory, box

pytestmark = pytest.mark.django_db


def crowded(world):
    """The world, with hotspots whose radii overlap, hotspots nested in one another (inside both: the smaller
    wins; the same size: the older), one whose sponsor is inactive, and a unit with the committees' very area."""
    hotspot_update(hotspot=world.plot, sponsoring_unit=world.squad)
    square = "SRID=4326;POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))"
    HotspotFactory(geometry=GEOSGeometry("SRID=4326;POINT(116.2306 39.845)"), sponsoring_unit=world.east_committee)
    HotspotFactory(
        geometry=GEOSGeometry(square.format(116.2255, 39.8485, 116.2265, 39.8495)), sponsoring_unit=world.school
    )
    HotspotFactory(
        geometry=GEOSGeometry(square.format(116.2070, 39.8460, 116.2080, 39.8470)), sponsoring_unit=world.school
    )
    HotspotFactory(
        geometry=GEOSGeometry(square.format(116.2070, 39.8460, 116.2080, 39.8470)), sponsoring_unit=world.squad
    )
    idle = UnitFactory(name="停用单位", jurisdiction=world.east, service_area=box(116.233, 39.846, 116.236, 39.848))
    HotspotFactory(geometry=GEOSGeometry("SRID=4326;POINT(116.234 39.847)"), sponsoring_unit=idle)
    idle.active = False
    unit_save(unit=idle)
    UnitFactory(name="西社区物业联合会", jurisdiction=world.west, service_area=world.west.boundary)


def sample_points(seed: int) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    anywhere = np.column_stack([rng.uniform(116.195, 116.245, 150), rng.uniform(39.835, 39.870, 150)])
    near = [(116.2303, 39.845), (116.2262, 39.849), (116.2075, 39.8465), (116.234, 39.847)]
    clustered = np.vstack([np.array(c) + rng.normal(0, 0.0006, (40, 2)) for c in near])
    # On borders and corners: the communities' shared border, the corridor's edge, the compound's and cell's sides.
    lines = [(116.22, y) for y in np.linspace(39.838, 39.862, 9)] + [(x, 39.851) for x in np.linspace(116.2, 116.24, 9)]
    corners = [(116.205, 39.845), (116.21, 39.85), (116.2, 39.84), (116.201, 39.841), (116.24, 39.866), (116.2, 39.86)]
    edges = [(116.2255, 39.849), (116.2265, 39.8495), (116.207, 39.8465), (116.228, 39.849), (116.5, 39.9)]
    points = [*map(tuple, anywhere), *map(tuple, clustered), *lines, *corners, *edges]
    return [(float(x), float(y)) for x, y in points]


def single(lon: float, lat: float) -> tuple[int, int, int]:
    route = route_point(Point(lon, lat, srid=4326))
    return (
        -1 if route.unit_id is None else route.unit_id,
        RULE_CODES[route.rule],
        -1 if route.hotspot_id is None else route.hotspot_id,
    )


@pytest.mark.parametrize("seed", [11, 12])
def test_route_point_and_the_bulk_paths_agree(world, seed):
    crowded(world)
    coords = sample_points(seed)
    lons, lats = np.array(coords).T
    index = RoutingIndex.from_database().route(lons, lats)
    batch = route_points([Point(x, y, srid=4326) for x, y in coords])
    rules = set()
    for i, (lon, lat) in enumerate(coords):
        expected = single(lon, lat)
        rules.add(expected[1])
        for bulk in (index, batch):
            got = (int(bulk.unit_ids[i]), int(bulk.rules[i]), int(bulk.hotspot_ids[i]))
            assert got == expected, (lon, lat)
    assert rules == set(RULE_CODES.values())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark's SQL is PostGIS's")
def test_route_point_agrees_with_the_benchmarks_plain_sql(world, settings):
    from benchmarks.bench_routing import SINGLE_SQL

    crowded(world)
    with connection.cursor() as cursor:
        for lon, lat in sample_points(13):
            cursor.execute(SINGLE_SQL, {"lon": lon, "lat": lat, "radius": settings.ROUTING_HOTSPOT_RADIUS_M})
            jurisdiction_id, unit_id, rule, hotspot_id = cursor.fetchone()
            route = route_point(Point(lon, lat, srid=4326))
            assert route.jurisdiction_id == jurisdiction_id, (lon, lat)
            assert (route.unit_id, RULE_CODES[route.rule], route.hotspot_id) == (unit_id, rule, hotspot_id), (lon, lat)
