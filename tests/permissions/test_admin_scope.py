"""The admin's forms, lists and actions offer a staff member of community A nothing of community B's: every place
and person a form offers is in their scope, every shape it takes is checked against it, and no list, filter or
action of theirs names or touches B's places (and the reverse, for B's manager)."""

import pytest
from django import forms
from django.contrib import admin
from django.contrib.gis.forms import GeometryField
from django.urls import reverse

from accounts.selectors import people_for_user
from geo.models import Hotspot, Jurisdiction, Unit
from geo.selectors import hotspots_for_user, jurisdictions_for_user, units_for_user
from tests.admin_forms import admin_post
from tests.factories import box
from tests.permissions.admin_rules import ADMIN_MODELS

SCOPES = {Jurisdiction: jurisdictions_for_user, Unit: units_for_user, Hotspot: hotspots_for_user}
SCOPED = [label for label, entry in ADMIN_MODELS.items() if entry.scoped]
EAST_SHAPE = box(116.225, 39.842, 116.235, 39.848)


def _scope(model, user):
    if model in SCOPES:
        return SCOPES[model](user)
    return people_for_user(user) if model._meta.label_lower == "accounts.user" else None


def _forms(client, label, entry, scene):
    app_label, model_name = label.split(".")
    urls = [reverse(f"admin:{app_label}_{model_name}_change", args=[entry.obj(scene).pk])]
    if "manager" in entry.add:
        urls.append(reverse(f"admin:{app_label}_{model_name}_add"))
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        yield url, page.context["adminform"].form


@pytest.mark.parametrize("label", SCOPED)
def test_the_choices_offered_are_the_staff_members_own(label, scene, client_as):
    client, manager = client_as("manager"), scene.people["manager"]
    for url, form in _forms(client, label, ADMIN_MODELS[label], scene):
        for name, field in form.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or field.disabled:
                continue
            scope = _scope(field.queryset.model, manager)
            if scope is None:
                continue
            stored = form.initial.get(name) if form.instance.pk else None
            outside = {str(choice) for choice in field.queryset if choice.pk != stored} - {str(c) for c in scope}
            assert not outside, f"{url} offers {name} outside the manager's area: {sorted(outside)}"


@pytest.mark.parametrize("label", SCOPED)
def test_every_shape_a_form_takes_is_checked_against_the_scope(label, scene, client_as):
    client = client_as("manager")
    model_admin = admin.site._registry[ADMIN_MODELS[label].obj(scene).__class__]
    for url, form in _forms(client, label, ADMIN_MODELS[label], scene):
        shapes = [
            name for name, field in form.fields.items() if isinstance(field, GeometryField) and not field.disabled
        ]
        unchecked = set(shapes) - set(getattr(model_admin, "scope_geometry_fields", ()))
        assert not unchecked, f"{url} takes {sorted(unchecked)} without checking it lies in the staff member's area"
        for name in shapes:
            errors = admin_post(client, url, **{name: EAST_SHAPE})
            assert "outside your area" in " ".join(errors.get(name, [])), (url, name, errors)


@pytest.mark.parametrize("label", SCOPED)
def test_a_list_names_none_of_the_other_communitys_places(label, scene, client_as):
    app_label, model_name = label.split(".")
    page = client_as("manager-other-community").get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    for place in (scene.world.west_committee, scene.world.cell, scene.hotspot, scene.world.property_manager):
        assert place.name not in text, f"{label}'s list shows community A's {place.name} to B's manager"


def test_an_action_on_another_communitys_objects_touches_nothing(scene, client_as):
    client = client_as("manager-other-community")
    for label in SCOPED:
        entry, (app_label, model_name) = ADMIN_MODELS[label], label.split(".")
        obj = entry.obj(scene)
        client.post(
            reverse(f"admin:{app_label}_{model_name}_changelist"),
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
        assert type(obj)._default_manager.filter(pk=obj.pk).exists(), f"B's manager deleted A's {label}"
