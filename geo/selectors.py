"""Reads of the spatial backbone, scoped to what a person may see."""

from django.db.models import Q, QuerySet

from accounts.roles import is_admin, is_rectifier
from geo.models import Hotspot, Jurisdiction, Unit


def scope_root(user) -> Jurisdiction | None:
    """The jurisdiction whose subtree this person sees: their assignment, else their unit's jurisdiction."""
    return user.scope_root() if user.is_authenticated else None


def in_scope(user, jurisdiction: Jurisdiction | None) -> bool:
    """The jurisdiction lies in the subtree this person sees (an administrator's is everywhere; nobody's else
    reaches a place outside every jurisdiction)."""
    if is_admin(user):
        return True
    root = scope_root(user)
    return root is not None and jurisdiction is not None and jurisdiction.code.startswith(root.code)


def jurisdictions_for_user(user) -> QuerySet[Jurisdiction]:
    qs = Jurisdiction.objects.all()
    if is_admin(user):
        return qs
    root = scope_root(user)
    return qs.filter(root.subtree_q()) if root else qs.none()


def units_for_user(user) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("jurisdiction")
    if is_admin(user):
        return qs
    if is_rectifier(user):
        return qs.filter(pk=user.unit_id) if user.unit_id else qs.none()
    root = scope_root(user)
    return qs.filter(root.subtree_q("jurisdiction__")) if root else qs.none()


def hotspots_for_user(user) -> QuerySet[Hotspot]:
    qs = Hotspot.objects.select_related("category", "jurisdiction", "sponsoring_unit")
    if is_admin(user):
        return qs
    if is_rectifier(user):
        unit = user.unit
        if unit is None:
            return qs.none()
        mine = Q(sponsoring_unit=unit)
        if unit.service_area is not None:
            mine |= Q(geometry__intersects=unit.service_area)
        return qs.filter(mine)
    root = scope_root(user)
    return qs.filter(root.subtree_q("jurisdiction__")) if root else qs.none()
