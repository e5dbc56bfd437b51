"""The in-memory index answers as the rules do, point for point."""

import numpy as np
import pytest
from django.contrib.gis.geos import Point

from geo.routing import RoutingIndex, Rule, route_point

pytestmark = pytest.mark.django_db


def at(lon, lat):
    return Point(lon, lat, srid=4326)


def test_bulk_routing_agrees_with_single_routing(world):
    rng = np.random.default_rng(7)
    lons = np.concatenate([rng.uniform(116.195, 116.245, 400), 116.230 + rng.normal(0, 0.0005, 100)])
    lats = np.concatenate([rng.uniform(39.835, 39.865, 400), 39.845 + rng.normal(0, 0.0005, 100)])
    bulk = RoutingIndex.from_database().route(lons, lats)
    rules_seen = set()
    for i, (lon, lat) in enumerate(zip(lons, lats, strict=True)):
        single = route_point(at(float(lon), float(lat)))
        assert bulk.rule_at(i) == single.rule, (lon, lat)
        assert int(bulk.unit_ids[i]) == (single.unit.pk if single.unit else -1), (lon, lat)
        assert int(bulk.hotspot_ids[i]) == (single.hotspot.pk if single.hotspot else -1), (lon, lat)
        rules_seen.add(single.rule)
    assert rules_seen == set(Rule)


def test_bulk_routing_with_nothing_to_route_to(db):
    bulk = RoutingIndex.from_database().route(np.array([116.2]), np.array([39.85]))
    assert bulk.rule_at(0) == Rule.UNROUTED and bulk.unit_ids[0] == -1
