"""The routing rules, one point at a time."""

import pytest
from django.contrib.gis.geos import Point

from geo.routing import Rule, resolve_jurisdiction, route_point
from geo.services import hotspot_update, unit_save

pytestmark = pytest.mark.django_db


def at(lon, lat):
    return Point(lon, lat, srid=4326)


def test_inside_one_service_area(world):
    route = route_point(at(116.232, 39.8435))
    assert (route.rule, route.unit) == (Rule.SERVICE_AREA, world.east_committee)
    assert route.jurisdiction == world.east


def test_overlap_goes_to_the_smallest_area(world):
    route = route_point(at(116.207, 39.847))
    assert (route.rule, route.unit) == (Rule.SERVICE_AREA, world.property_manager)


def test_priority_override_beats_smaller_area(world):
    route = route_point(at(116.215, 39.8555))
    assert (route.rule, route.unit) == (Rule.PRIORITY, world.squad)


def test_priority_on_the_only_area_is_still_the_service_area_rule(world):
    world.west_committee.active = False
    unit_save(unit=world.west_committee)
    route = route_point(at(116.215, 39.8555))
    assert (route.rule, route.unit) == (Rule.SERVICE_AREA, world.squad)


def test_on_a_point_hotspot_goes_to_its_sponsor(world):
    route = route_point(at(116.2302, 39.8451))  # about 25 m from the stall
    assert (route.rule, route.unit, route.hotspot) == (Rule.HOTSPOT, world.school, world.stall)


def test_beyond_the_hotspot_radius_falls_back_to_the_area(world, settings):
    settings.ROUTING_HOTSPOT_RADIUS_M = 10
    route = route_point(at(116.2302, 39.8451))
    assert (route.rule, route.unit) == (Rule.SERVICE_AREA, world.east_committee)


def test_hotspot_without_sponsor_does_not_route(world):
    route = route_point(at(116.226, 39.849))  # inside the plot outline
    assert (route.rule, route.unit, route.hotspot) == (Rule.SERVICE_AREA, world.east_committee, None)


def test_inside_a_polygon_hotspot_with_sponsor(world):
    hotspot_update(hotspot=world.plot, sponsoring_unit=world.squad)
    route = route_point(at(116.226, 39.849))
    assert (route.rule, route.unit, route.hotspot) == (Rule.HOTSPOT, world.squad, world.plot)


def test_inactive_hotspot_or_sponsor_is_ignored(world):
    hotspot_update(hotspot=world.stall, active=False)
    assert route_point(at(116.230, 39.845)).rule == Rule.SERVICE_AREA


def test_outside_everything_is_unrouted_never_a_guess(world):
    route = route_point(at(116.30, 39.90))
    assert (route.rule, route.unit, route.jurisdiction) == (Rule.UNROUTED, None, None)


def test_inside_the_district_but_no_area_is_unrouted_with_jurisdiction(world):
    world.east_committee.active = False
    unit_save(unit=world.east_committee)
    route = route_point(at(116.232, 39.8435))
    assert (route.rule, route.unit, route.jurisdiction) == (Rule.UNROUTED, None, world.east)


def test_point_resolves_to_deepest_jurisdiction(world):
    assert resolve_jurisdiction(at(116.2005, 39.8405)) == world.cell
    assert resolve_jurisdiction(at(116.210, 39.850)) == world.west
    assert resolve_jurisdiction(at(116.50, 39.90)) is None


def test_one_point_is_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        route = route_point(at(116.2302, 39.8451))
    assert (route.rule, route.unit_id, route.jurisdiction_id, route.hotspot_id) == (
        Rule.HOTSPOT,
        world.school.pk,
        world.east.pk,
        world.stall.pk,
    )


def test_the_rows_behind_a_route_load_once_when_asked_for(world, django_assert_num_queries):
    route = route_point(at(116.2302, 39.8451))
    with django_assert_num_queries(3):
        assert (route.unit, route.jurisdiction, route.hotspot) == (world.school, world.east, world.stall)
        assert (route.unit, route.jurisdiction, route.hotspot) == (world.school, world.east, world.stall)


def test_a_point_in_another_reference_system_is_routed_where_it_lies(world):
    point = at(116.232, 39.8435)
    projected = point.transform(3857, clone=True)
    assert route_point(projected) == route_point(point)
    assert route_point(projected).unit == world.east_committee
