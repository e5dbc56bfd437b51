"""Rounds in the admin: a staff manager is offered only their area's places and inspectors, cannot put a stop
outside the round's area, and an inspector with admin rights still cannot plan."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import Role
from inspections.models import Round
from inspections.rounds.services import RoundInput, round_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _staff(user):
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__model__in=["round", "roundstop"]))
    return user


def _round(world, inspector, hotspots):
    return round_create(
        user=world.users.west_manager,
        data=RoundInput(
            title="巡查", jurisdiction=world.west, inspectors=[inspector], hotspots=hotspots, day=timezone.localdate()
        ),
    )


def test_the_choices_offered_are_the_managers_area(client, world, west_spots, west_inspector):
    round_ = _round(world, west_inspector, west_spots)
    client.force_login(_staff(world.users.west_manager))
    page = client.get(f"/admin/inspections/round/{round_.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert set(form.fields["jurisdiction"].queryset) <= {world.west, world.cell}
    assert list(form.fields["inspectors"].queryset) == [west_inspector]
    stops = page.context["inline_admin_formsets"][0].formset.forms[0]
    assert world.stall not in stops.fields["hotspot"].queryset
    assert west_spots[0] in stops.fields["hotspot"].queryset


def test_a_stop_outside_the_rounds_area_is_refused(client, world, west_spots, west_inspector):
    from tests.factories import HotspotFactory

    in_cell = HotspotFactory(name="网格内", geometry="SRID=4326;POINT(116.2005 39.8405)")
    client.force_login(_staff(world.users.west_manager))
    answer = client.post(
        "/admin/inspections/round/add/",
        {
            "title": "网格巡查",
            "jurisdiction": world.cell.pk,
            "day": timezone.localdate().isoformat(),
            "inspectors": [west_inspector.pk],
            "note": "",
            "stops-TOTAL_FORMS": "2",
            "stops-INITIAL_FORMS": "0",
            "stops-0-order": "1",
            "stops-0-hotspot": in_cell.pk,
            "stops-1-order": "2",
            "stops-1-hotspot": west_spots[0].pk,
        },
    )
    assert answer.status_code == 200
    errors = answer.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert any(west_spots[0].name in error for error in errors), errors
    assert not Round.objects.exists()


def test_an_inspector_with_admin_rights_cannot_plan(client, world, west_spots, west_inspector):
    round_ = _round(world, west_inspector, west_spots)
    client.force_login(_staff(west_inspector))
    assert client.get("/admin/inspections/round/add/").status_code == 403
    page = client.get(f"/admin/inspections/round/{round_.pk}/change/")  # their own round: seen, not changed
    assert page.status_code == 200 and not page.context["has_change_permission"]
    client.post(f"/admin/inspections/round/{round_.pk}/delete/", {"post": "yes"})
    assert Round.objects.filter(pk=round_.pk).exists()


def test_another_areas_manager_sees_none_of_the_rounds(client, world, west_spots, west_inspector):
    round_ = _round(world, west_inspector, west_spots)
    client.force_login(_staff(UserFactory(username="east_mgr", role=Role.MANAGER, jurisdiction=world.east)))
    assert (
        f"/admin/inspections/round/{round_.pk}/change/" not in client.get("/admin/inspections/round/").content.decode()
    )
    assert client.get(f"/admin/inspections/round/{round_.pk}/change/").status_code == 302
