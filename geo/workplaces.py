"""The map on the home page (registered into accounts' workplaces at start-up)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import can_view_map
from accounts.roles import is_manager
from accounts.workplaces import Workplace


def the_map(user) -> list[Workplace]:
    if not can_view_map(user):
        return []
    if is_manager(user):
        description = _("Jurisdictions, units' service areas and hotspots of your area on one map.")
    else:
        description = _("The hotspots you look after, on a map and as a list.")
    return [Workplace(_("Map"), description, reverse("map"))]
