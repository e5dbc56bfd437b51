"""People in the admin: a manager sees and edits the people of their area, places them only there, and hands out
neither the administrator role nor staff status, groups or permissions; a superuser is unrestricted."""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import Role, User
from tests.admin_forms import admin_post

pytestmark = pytest.mark.django_db

ADD = "/admin/accounts/user/add/"


@pytest.fixture
def west(world, client):
    """The west community's manager, staff with every right on people, signed in to the admin in English."""
    manager = world.users.west_manager
    manager.is_staff = True
    manager.save()
    for action in ("add", "change", "view", "delete"):
        manager.user_permissions.add(Permission.objects.get(codename=f"{action}_user"))
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    return client


def new_person(**fields):
    password = "A-long-pw-2026"
    return {"username": "new_one", "usable_password": "true", "password1": password, "password2": password,
            "role": Role.INSPECTOR, **fields}  # fmt: skip


def test_a_manager_sees_only_the_people_of_their_area(world, west):
    listing = west.get("/admin/accounts/user/").content.decode()
    assert "rectifier_u" in listing and "east_inspector" not in listing and "admin_u" not in listing
    assert west.get(f"/admin/accounts/user/{world.users.east_inspector.pk}/change/").status_code == 302
    assert west.get(f"/admin/accounts/user/{world.users.admin.pk}/password/").status_code == 404


def test_a_manager_places_people_only_inside_their_area(world, west):
    assert "inside your area" in admin_post(west, ADD, **new_person(jurisdiction=world.east.pk))["jurisdiction"][0]
    assert "inside your area" in admin_post(west, ADD, **new_person(unit=world.east_committee.pk))["unit"][0]
    assert "jurisdiction or a unit" in admin_post(west, ADD, **new_person())["jurisdiction"][0]
    assert (
        "administrators" in admin_post(west, ADD, **new_person(role=Role.ADMIN, jurisdiction=world.west.pk))["role"][0]
    )
    assert not User.objects.filter(username="new_one").exists()
    form = west.get(ADD).context["adminform"].form
    assert set(form.fields["jurisdiction"].queryset) == {world.west, world.cell}
    assert set(form.fields["unit"].queryset) == {world.west_committee, world.property_manager}
    assert Role.ADMIN not in dict(form.fields["role"].choices)

    assert admin_post(west, ADD, **new_person(jurisdiction=world.cell.pk)) == {}
    assert User.objects.get(username="new_one").jurisdiction == world.cell


def test_a_manager_cannot_move_people_out_or_grant_rights(world, west):
    url = f"/admin/accounts/user/{world.users.rectifier.pk}/change/"
    assert "inside your area" in admin_post(west, url, unit=world.east_committee.pk)["unit"][0]
    assert admin_post(west, url, phone="138", is_superuser=True, is_staff=True) == {}
    person = User.objects.get(pk=world.users.rectifier.pk)
    assert person.phone == "138" and person.unit == world.west_committee
    assert not person.is_superuser and not person.is_staff
    own = f"/admin/accounts/user/{world.users.west_manager.pk}/change/"
    assert "inside your area" in admin_post(west, own, jurisdiction=world.area.pk)["jurisdiction"][0]


def test_an_administrator_is_unrestricted(world, admin_client):
    assert admin_post(admin_client, ADD, **new_person(role=Role.ADMIN)) == {}
    url = f"/admin/accounts/user/{world.users.east_inspector.pk}/change/"
    assert admin_post(admin_client, url, jurisdiction=world.west.pk, is_staff=True) == {}
    person = User.objects.get(pk=world.users.east_inspector.pk)
    assert person.jurisdiction == world.west and person.is_staff


def test_a_unit_from_outside_the_area_is_kept_when_a_person_is_edited(world, west):
    person = User.objects.create(username="west_squad", role=Role.INSPECTOR, jurisdiction=world.west, unit=world.squad)
    assert admin_post(west, f"/admin/accounts/user/{person.pk}/change/", phone="139") == {}
    person.refresh_from_db()
    assert person.phone == "139" and person.unit == world.squad
