"""Flat authorization predicates: can_<verb>_<noun>(user, obj) -> bool."""

from accounts.models import Role

FIELD_ROLES = frozenset({Role.INSPECTOR, Role.VOLUNTEER, Role.MANAGER, Role.ADMIN})


def is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


def is_manager(user) -> bool:
    return bool(user.is_authenticated and (is_admin(user) or user.role == Role.MANAGER))


def can_route_point(user) -> bool:
    """Inspectors, volunteers and managers ask where a point belongs before they log a finding there."""
    return bool(user.is_authenticated and (user.is_superuser or user.role in FIELD_ROLES))


def can_view_map(user) -> bool:
    return bool(user.is_authenticated)


def can_edit_places(user) -> bool:
    return is_manager(user)
