"""The tablet app on the home page (registered into accounts' workplaces at start-up): the main place of people in
the field, and one more place of managers."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_manager, is_unit_member
from accounts.workplaces import Workplace
from inspections.permissions import can_submit_inspection


def field_app(user) -> list[Workplace]:
    places = []
    if is_unit_member(user):
        places.append(
            Workplace(
                _("Tablet app"),
                _(
                    "Your unit's tasks on a map and as a list: arrive, photograph the fix, submit, also without a "
                    "connection."
                ),
                reverse("mobile:app"),
            )
        )
    if can_submit_inspection(user) and not is_manager(user):
        places.append(_tablet_app())
    return places


def managers_app(user) -> list[Workplace]:
    return [_tablet_app()] if is_manager(user) else []


def _tablet_app() -> Workplace:
    return Workplace(
        _("Tablet app"),
        _("Today's hotspots, checklists and findings with photos, also without a connection."),
        reverse("mobile:app"),
    )
