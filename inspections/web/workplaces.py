"""The dashboard, inspection, task and metrics pages on the home page (registered into accounts' workplaces at
start-up)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_manager, is_rectifier
from accounts.workplaces import Workplace
from inspections.permissions import can_view_dashboard, can_view_inspections, can_view_metrics, can_view_tasks


def inspections(user) -> list[Workplace]:
    if not can_view_inspections(user):
        return []
    return [
        Workplace(
            _("Inspections"),
            _("Inspections in your area with their findings, photos and photo checks."),
            reverse("inspections:inspection-list"),
        )
    ]


def dashboard(user) -> list[Workplace]:
    """Managers' dashboard comes right after their map."""
    if not can_view_dashboard(user):
        return []
    return [
        Workplace(
            _("Dashboard"),
            _("Key figures with their trend, charts, rankings of communities and units, briefings."),
            reverse("dashboard:index"),
        )
    ]


def managers_tasks(user) -> list[Workplace]:
    """Managers' tasks come right after their map; others' after the inspections (see ``tasks``)."""
    return [_tasks(user)] if is_manager(user) else []


def tasks(user) -> list[Workplace]:
    return [_tasks(user)] if can_view_tasks(user) and not is_manager(user) else []


def metrics(user) -> list[Workplace]:
    if not can_view_metrics(user):
        return []
    return [
        Workplace(
            _("Metrics"),
            _("On-time closure, closure, rework and extension rates per unit and community."),
            reverse("tasks:metrics"),
        )
    ]


def _tasks(user) -> Workplace:
    if is_manager(user):
        description = _("Fixes to verify, tasks to triage or assign, and overdue tasks, with evidence and history.")
    elif is_rectifier(user):
        description = _("Your unit's tasks with their deadlines, evidence and history.")
    else:
        description = _("Fixes to verify in your area, with the photos before and after.")
    return Workplace(_("Rectification tasks"), description, reverse("tasks:task-list"))
