"""Flat authorization predicates of the places and the map: can_<verb>_<noun>(user, obj) -> bool."""

from accounts.roles import is_admin, is_field_role, is_manager


def can_route_point(user) -> bool:
    """Inspectors, volunteers and managers ask where a point belongs before they log a finding there."""
    return is_field_role(user)


def can_view_map(user) -> bool:
    return bool(user.is_authenticated)


def can_edit_places(user) -> bool:
    return is_manager(user)


def can_import_places(user) -> bool:
    """Managers import hotspots, jurisdictions and units' service areas from GIS files, inside their area."""
    return is_manager(user)


def can_change_routing_priority(user) -> bool:
    """A priority wins over every smaller overlapping area, whatever community it lies in: administrators only."""
    return is_admin(user)
