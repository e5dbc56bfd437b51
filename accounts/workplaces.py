"""Where each role works: the home page sends people there. Later capabilities add their pages here."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import can_edit_places, can_view_map
from accounts.roles import is_manager, is_rectifier, is_unit_member
from inspections.permissions import can_submit_inspection, can_view_inspections, can_view_metrics, can_view_tasks


@dataclass(frozen=True)
class Workplace:
    title: str | Promise
    description: str | Promise
    url: str


def workplaces_for(user) -> list[Workplace]:
    """The places a person works, their main one first: the tablet app for people in the field, the map for
    managers."""
    places: list[Workplace] = []
    if is_unit_member(user):
        places.append(_tablet_app_for_units())
    if can_submit_inspection(user) and not is_manager(user):
        places.append(_tablet_app())
    if can_view_map(user):
        if is_manager(user):
            description = _("Jurisdictions, units' service areas and hotspots of your area on one map.")
        else:
            description = _("The hotspots you look after, on a map and as a list.")
        places.append(Workplace(_("Map"), description, reverse("map")))
    if is_manager(user):
        places.append(_tasks(user))
        places.append(_tablet_app())
    if can_view_inspections(user):
        places.append(
            Workplace(
                _("Inspections"),
                _("Inspections in your area with their findings, photos and photo checks."),
                reverse("inspections:inspection-list"),
            )
        )
    if can_view_tasks(user) and not is_manager(user):
        places.append(_tasks(user))
    if can_view_metrics(user):
        places.append(
            Workplace(
                _("Metrics"),
                _("On-time closure, closure, rework and extension rates per unit and community."),
                reverse("tasks:metrics"),
            )
        )
    if can_edit_places(user) and user.is_staff:
        places.append(
            Workplace(
                _("Administration"),
                _("Edit jurisdictions, units, service areas, hotspots and people."),
                reverse("admin:index"),
            )
        )
    places.append(
        Workplace(_("API documentation"), _("The REST API for tablets and other systems."), reverse("api-docs"))
    )
    return places


def _tablet_app() -> Workplace:
    return Workplace(
        _("Tablet app"),
        _("Today's hotspots, checklists and findings with photos, also without a connection."),
        reverse("mobile:app"),
    )


def _tablet_app_for_units() -> Workplace:
    return Workplace(
        _("Tablet app"),
        _("Your unit's tasks on a map and as a list: arrive, photograph the fix, submit, also without a connection."),
        reverse("mobile:app"),
    )


def _tasks(user) -> Workplace:
    if is_manager(user):
        description = _("Fixes to verify, tasks to triage or assign, and overdue tasks, with evidence and history.")
    elif is_rectifier(user):
        description = _("Your unit's tasks with their deadlines, evidence and history.")
    else:
        description = _("Fixes to verify in your area, with the photos before and after.")
    return Workplace(_("Rectification tasks"), description, reverse("tasks:task-list"))
