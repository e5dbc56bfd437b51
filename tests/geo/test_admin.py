"""The places in the admin: a manager of one community edits only inside it (the units and jurisdictions offered,
the shapes drawn, a jurisdiction's parent); only administrators change routing priorities; a superuser is free."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.gis.geos import GEOSGeometry

from geo.models import Hotspot, HotspotCategory, Jurisdiction, JurisdictionKind, Unit
from tests.admin_forms import admin_post
from tests.factories import box

pytestmark = pytest.mark.django_db

EAST_BOX = box(116.225, 39.842, 116.235, 39.848)
WEST_BOX = box(116.205, 39.842, 116.215, 39.848)


@pytest.fixture
def west(world, client):
    """The west community's manager, staff with every right on places, signed in to the admin in English."""
    manager = world.users.west_manager
    manager.is_staff = True
    manager.save()
    for model in ("jurisdiction", "unit", "hotspot"):
        for action in ("add", "change", "view", "delete"):
            manager.user_permissions.add(Permission.objects.get(codename=f"{action}_{model}"))
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    return client


def unit_url(unit):
    return f"/admin/geo/unit/{unit.pk}/change/"


def test_a_community_manager_cannot_raise_a_units_routing_priority(world, west):
    errors = admin_post(west, unit_url(world.west_committee), routing_priority=99)
    assert "Only administrators" in errors["routing_priority"][0]
    assert Unit.objects.get(pk=world.west_committee.pk).routing_priority == 0


def test_a_community_manager_cannot_draw_a_service_area_over_the_neighbouring_community(world, west):
    errors = admin_post(west, unit_url(world.west_committee), service_area=box(116.20, 39.84, 116.24, 39.86))
    assert "outside your area" in errors["service_area"][0]
    assert Unit.objects.get(pk=world.west_committee.pk).service_area.equals(world.west.boundary)


def test_a_community_manager_cannot_move_a_unit_into_another_community(world, west):
    errors = admin_post(west, unit_url(world.west_committee), jurisdiction=world.east.pk)
    assert "inside your area" in errors["jurisdiction"][0]
    assert Unit.objects.get(pk=world.west_committee.pk).jurisdiction == world.west


def test_a_community_manager_edits_and_adds_units_inside_the_community(world, west):
    assert admin_post(west, unit_url(world.west_committee), contact_phone="010-1234", service_area=WEST_BOX) == {}
    unit = Unit.objects.get(pk=world.west_committee.pk)
    assert unit.contact_phone == "010-1234" and unit.service_area.equals(WEST_BOX)
    # A shape drawn along the border may stray a few metres (SCOPE_TOLERANCE_M) over it.
    along_the_border = box(116.21, 39.845, 116.22003, 39.846)
    assert admin_post(west, "/admin/geo/unit/add/", name="西街物业", kind="property_manager",
                      jurisdiction=world.west.pk, service_area=along_the_border) == {}  # fmt: skip
    assert Unit.objects.get(name="西街物业").routing_priority == 0


def test_the_units_and_jurisdictions_offered_are_those_of_the_managers_area(world, west):
    form = west.get("/admin/geo/unit/add/").context["adminform"].form
    assert set(form.fields["jurisdiction"].queryset) == {world.west, world.cell}
    form = west.get("/admin/geo/hotspot/add/").context["adminform"].form
    assert set(form.fields["sponsoring_unit"].queryset) == {world.west_committee, world.property_manager}
    form = west.get("/admin/geo/jurisdiction/add/").context["adminform"].form
    assert set(form.fields["parent"].queryset) == {world.west, world.cell}


def hotspot_fields(geometry):
    category = HotspotCategory.objects.get(code="old_compound")
    return {"name": "新点位", "category": category.pk, "geometry": geometry, "risk_level": "medium"}


def test_a_community_manager_cannot_add_a_hotspot_in_another_community(world, west):
    errors = admin_post(
        west, "/admin/geo/hotspot/add/", **hotspot_fields(GEOSGeometry("SRID=4326;POINT(116.23 39.847)"))
    )
    assert "outside your area" in errors["geometry"][0]
    errors = admin_post(
        west, "/admin/geo/hotspot/add/", **hotspot_fields(GEOSGeometry("SRID=4326;POINT(116.21 39.847)")),
        sponsoring_unit=world.school.pk,
    )  # fmt: skip
    assert "inside your area" in errors["sponsoring_unit"][0]
    assert not Hotspot.objects.filter(name="新点位").exists()
    assert (
        admin_post(west, "/admin/geo/hotspot/add/", **hotspot_fields(GEOSGeometry("SRID=4326;POINT(116.21 39.847)")))
        == {}
    )
    assert Hotspot.objects.get(name="新点位").jurisdiction == world.west


def jurisdiction_fields(parent, boundary, code):
    return {"code": code, "name": "新网格", "kind": JurisdictionKind.GRID, "parent": parent.pk, "boundary": boundary}


def test_a_community_manager_cannot_add_a_jurisdiction_outside_the_community(world, west):
    url = "/admin/geo/jurisdiction/add/"
    sibling = {**jurisdiction_fields(world.area, EAST_BOX, "110106016003"), "kind": JurisdictionKind.COMMUNITY}
    assert "inside your area" in admin_post(west, url, **sibling)["parent"][0]
    assert (
        "outside your area"
        in admin_post(west, url, **jurisdiction_fields(world.west, EAST_BOX, "110106016001002"))["boundary"][0]
    )
    assert not Jurisdiction.objects.filter(name="新网格").exists()
    assert admin_post(west, url, **jurisdiction_fields(world.west, WEST_BOX, "110106016001002")) == {}
    assert Jurisdiction.objects.get(name="新网格").parent == world.west


def test_a_community_manager_cannot_grow_or_move_the_community_itself(world, west):
    url = f"/admin/geo/jurisdiction/{world.west.pk}/change/"
    assert "outside your area" in admin_post(west, url, boundary=world.area.boundary)["boundary"][0]
    assert admin_post(west, url, name_en="West community") == {}
    west_now = Jurisdiction.objects.get(pk=world.west.pk)
    assert west_now.name_en == "West community" and west_now.parent == world.area
    assert west_now.boundary.equals(world.west.boundary)


def test_bulk_actions_reach_only_the_managers_area(world, west):
    west.post("/admin/geo/hotspot/", {"action": "delete_selected", "_selected_action": [world.stall.pk], "post": "yes"})
    assert Hotspot.objects.filter(pk=world.stall.pk).exists()


def test_an_administrator_is_unrestricted(world, admin_client):
    assert admin_post(admin_client, unit_url(world.west_committee), routing_priority=99, jurisdiction=world.east.pk,
                      service_area=box(116.20, 39.84, 116.24, 39.86)) == {}  # fmt: skip
    unit = Unit.objects.get(pk=world.west_committee.pk)
    assert unit.routing_priority == 99 and unit.jurisdiction == world.east
    sibling = {**jurisdiction_fields(world.area, EAST_BOX, "110106016003"), "kind": JurisdictionKind.COMMUNITY}
    assert admin_post(admin_client, "/admin/geo/jurisdiction/add/", **sibling) == {}


def test_a_sponsor_from_outside_the_area_is_kept_when_a_hotspot_is_edited_but_not_offered_anew(world, west):
    from tests.factories import HotspotFactory

    gate = HotspotFactory(
        name="西门", geometry=GEOSGeometry("SRID=4326;POINT(116.21 39.852)"), sponsoring_unit=world.squad
    )
    assert admin_post(west, f"/admin/geo/hotspot/{gate.pk}/change/", address="西门外") == {}
    assert Hotspot.objects.get(pk=gate.pk).sponsoring_unit == world.squad
    other = HotspotFactory(name="西巷", geometry=GEOSGeometry("SRID=4326;POINT(116.21 39.846)"))
    errors = admin_post(west, f"/admin/geo/hotspot/{other.pk}/change/", sponsoring_unit=world.squad.pk)
    assert "inside your area" in errors["sponsoring_unit"][0]
    assert Hotspot.objects.get(pk=other.pk).sponsoring_unit is None
