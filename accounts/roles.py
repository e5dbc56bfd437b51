"""The one vocabulary of roles: which roles go into the field, and predicates on a person's role and unit.

Every other app asks these instead of comparing ``user.role``. A superuser counts as an administrator, and so as a
manager and a field role, whatever role the account names; an anonymous user is none of them.
"""

from accounts.models import Role

FIELD_ROLES = frozenset({Role.INSPECTOR, Role.VOLUNTEER, Role.MANAGER, Role.ADMIN})
"""The roles that go out, record inspections and log findings; rectifiers work through their unit's tasks."""


def is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


def is_manager(user) -> bool:
    """Managers oversee their area; administrators (and superusers) are managers everywhere."""
    return bool(user.is_authenticated and (is_admin(user) or user.role == Role.MANAGER))


def is_inspector(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.INSPECTOR)


def is_volunteer(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.VOLUNTEER)


def is_rectifier(user) -> bool:
    """A rectification unit's account, which sees no more than its unit's work (a superuser sees everything)."""
    return bool(user.is_authenticated and user.role == Role.RECTIFIER and not user.is_superuser)


def is_unit_member(user) -> bool:
    """A rectifier with a unit: the unit's tasks are this person's work (a superuser's account too)."""
    return bool(user.is_authenticated and user.role == Role.RECTIFIER and user.unit_id is not None)


def is_field_role(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in FIELD_ROLES))


def is_verifier(user) -> bool:
    """Inspectors and managers verify the units' fixes (核查)."""
    return is_inspector(user) or is_manager(user)
