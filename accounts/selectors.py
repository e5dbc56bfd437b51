"""Reads of people, scoped to what a person may see."""

from django.db.models import Q, QuerySet

from accounts.models import Role, User
from accounts.roles import is_admin


def people_for_user(user) -> QuerySet[User]:
    """Administrators see everyone; others the people placed in their jurisdiction's subtree (by their assigned
    jurisdiction, else their unit's), administrators excepted."""
    qs = User.objects.all()
    if is_admin(user):
        return qs
    root = user.scope_root() if user.is_authenticated else None
    if root is None:
        return qs.none()
    placed = root.subtree_q("jurisdiction__") | (Q(jurisdiction__isnull=True) & root.subtree_q("unit__jurisdiction__"))
    return qs.filter(placed).exclude(is_superuser=True).exclude(role=Role.ADMIN)
