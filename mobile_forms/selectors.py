"""Reading checklists: the versions in force, and any published version by id. Every signed-in user may read them."""

import uuid
from collections.abc import Iterable

from django.db.models import OuterRef, QuerySet, Subquery

from mobile_forms.models import ChecklistVersion


def published_versions() -> QuerySet[ChecklistVersion]:
    """Every published version, superseded ones too (an old inspection still needs its own)."""
    return ChecklistVersion.objects.filter(published_at__isnull=False).select_related(
        "checklist", "checklist__category"
    )


def versions_in_force(*, category: str | None = None, phase=None) -> list[ChecklistVersion]:
    """The latest published version of every active checklist, in the categories' order.

    `category`: a hotspot category code. `phase`: an inspections.Phase; then only checklists for that phase's kind
    or for every phase are kept, and for each category a checklist of that kind wins over the one for every phase.
    """
    latest = (
        ChecklistVersion.objects.filter(checklist=OuterRef("checklist"), published_at__isnull=False)
        .order_by("-number")
        .values("number")[:1]
    )
    qs = published_versions().filter(checklist__active=True, number=Subquery(latest))
    if category:
        qs = qs.filter(checklist__category__code=category)
    if phase is not None:
        qs = qs.filter(checklist__phase_kind__in=["", phase.kind])
    versions = list(
        qs.order_by("checklist__category__sort_order", "checklist__category__code", "checklist__phase_kind")
    )
    if phase is not None:
        specific = {version.checklist.category_id for version in versions if version.checklist.phase_kind}
        versions = [v for v in versions if v.checklist.phase_kind or v.checklist.category_id not in specific]
    return versions


def version_in_force(*, category: str, phase=None) -> ChecklistVersion | None:
    """The version an inspection of a hotspot of `category` during `phase` is filled with (None if there is none)."""
    versions = versions_in_force(category=category, phase=phase)
    if phase is None:
        versions = [version for version in versions if not version.checklist.phase_kind]
    return versions[0] if versions else None


def versions_by_id(ids: Iterable[uuid.UUID | str]) -> dict[uuid.UUID, ChecklistVersion]:
    """Published versions by id, in one query (the sync looks up a whole batch at once); drafts are left out."""
    wanted = set()
    for item in ids:
        try:
            wanted.add(item if isinstance(item, uuid.UUID) else uuid.UUID(str(item)))
        except ValueError:
            continue
    if not wanted:
        return {}
    return {version.pk: version for version in published_versions().filter(pk__in=wanted)}
