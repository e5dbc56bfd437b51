"""The process's shared routing index answers as a fresh one, and is rebuilt when what it was built from changes."""

import numpy as np
import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection

from geo.backends import features
from geo.routing import RoutingIndex, shared_routing_index
from geo.services import hotspot_update, unit_save

pytestmark = pytest.mark.django_db

LONS = np.array([116.2005, 116.210, 116.230, 116.2301, 116.232, 116.2265, 116.239, 116.50])
LATS = np.array([39.8405, 39.850, 39.845, 39.8451, 39.8435, 39.849, 39.855, 39.90])


def same_routes(a, b) -> bool:
    return all(np.array_equal(getattr(a, name), getattr(b, name)) for name in ("unit_ids", "rules", "hotspot_ids"))


def test_only_where_the_backend_declares_it(world):
    index = shared_routing_index()
    assert (index is not None) == features(connection).shared_routing_index


@pytest.mark.skipif(not features(connection).shared_routing_index, reason="the shared index is declared for PostGIS")
def test_reused_while_unchanged_and_rebuilt_after_a_change(world, settings):
    first = shared_routing_index()
    assert same_routes(first.route(LONS, LATS), RoutingIndex.from_database().route(LONS, LATS))
    assert shared_routing_index() is first

    # A unit's service area changes: the next call sees it.
    world.east_committee.service_area = GEOSGeometry(
        "SRID=4326;MULTIPOLYGON(((116.22 39.84, 116.25 39.84, 116.25 39.87, 116.22 39.87, 116.22 39.84)))"
    )
    unit_save(unit=world.east_committee)
    second = shared_routing_index()
    assert second is not first
    assert same_routes(second.route(LONS, LATS), RoutingIndex.from_database().route(LONS, LATS))

    # A sponsored hotspot moves.
    hotspot_update(hotspot=world.stall, geometry=GEOSGeometry("SRID=4326;POINT(116.2302 39.8452)"))
    moved = shared_routing_index()
    assert moved is not second
    assert same_routes(moved.route(LONS, LATS), RoutingIndex.from_database().route(LONS, LATS))

    # A hotspot loses its sponsor, by a queryset update that no service sees: still noticed.
    type(world.stall).objects.filter(pk=world.stall.pk).update(sponsoring_unit=None)
    third = shared_routing_index()
    assert third is not moved
    assert same_routes(third.route(LONS, LATS), RoutingIndex.from_database().route(LONS, LATS))

    # Another radius is another index.
    latest = shared_routing_index()
    settings.ROUTING_HOTSPOT_RADIUS_M = float(settings.ROUTING_HOTSPOT_RADIUS_M) * 2
    wider = shared_routing_index()
    assert wider is not latest and wider.radius_m == float(settings.ROUTING_HOTSPOT_RADIUS_M)
    assert same_routes(wider.route(LONS, LATS), RoutingIndex.from_database().route(LONS, LATS))
