"""Flat authorization predicates for inspections, findings and photos."""

from accounts.models import Role
from accounts.permissions import is_manager

INSPECTING_ROLES = frozenset({Role.INSPECTOR, Role.VOLUNTEER, Role.MANAGER, Role.ADMIN})


def can_submit_inspection(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in INSPECTING_ROLES))


def can_view_inspections(user) -> bool:
    """Inspectors, volunteers, managers and administrators review inspections; rectifiers work through tasks."""
    return can_submit_inspection(user)


def can_add_before_photo(user, inspection) -> bool:
    """The inspector who made the inspection (for its findings too), or a manager who can see it."""
    return bool(user.is_authenticated and (inspection.inspector_id == user.pk or is_manager(user)))


def can_add_after_photo(user, finding) -> bool:
    """A member of the unit the finding is routed to, or a manager who can see it."""
    if not user.is_authenticated:
        return False
    if is_manager(user):
        return True
    return user.role == Role.RECTIFIER and user.unit_id is not None and finding.routed_unit_id == user.unit_id
