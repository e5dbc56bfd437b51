"""Reads of inspections, findings and photos, scoped to what a person may see."""

from django.contrib.gis.geos import Point, Polygon
from django.db.models import Q, QuerySet

from accounts.roles import is_admin, is_manager, is_rectifier
from geo.geodesy import degrees_for_metres, distance_m
from geo.models import Jurisdiction, Unit
from geo.selectors import scope_root, units_for_user
from inspections.models import Briefing, Finding, Inspection, Photo, Task
from inspections.permissions import can_view_tasks


def _own_or_in_area(user, own: Q) -> Q:
    """What field staff and managers see: their own records, and everything in their jurisdiction's subtree.

    Both sides are written as ``IN (subquery)`` where they can be: PostgreSQL then tests each row against two small
    hashed sets instead of joining every row to its inspection and jurisdiction (the joins also made it expect a
    few hundred rows of a map view's ~90k, and plan the rest of the statement for that)."""
    root = scope_root(user)
    if root is None:
        return own
    return own | Q(jurisdiction__in=Jurisdiction.objects.filter(root.subtree_q()).values("pk"))


def inspections_for_user(user) -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related("inspector", "hotspot", "phase__campaign", "jurisdiction")
    if is_admin(user):
        return qs
    if not user.is_authenticated or is_rectifier(user):
        return qs.none()
    return qs.filter(_own_or_in_area(user, Q(inspector=user)))


def findings_for_user(user) -> QuerySet[Finding]:
    qs = Finding.objects.select_related(
        "inspection__inspector",
        "inspection__hotspot",
        "inspection__phase__campaign",
        "problem_type",
        "jurisdiction",
        "routed_unit",
    )
    if is_admin(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    if is_rectifier(user):
        return qs.filter(task__unit_id=user.unit_id) if user.unit_id else qs.none()
    own = Q(inspection__in=Inspection.objects.filter(inspector=user).values("pk"))
    return qs.filter(_own_or_in_area(user, own))


def tasks_for_user(user) -> QuerySet[Task]:
    """A unit's members see their unit's tasks; inspectors and managers their area's, and those of their findings.
    Whoever the task pages refuse (`can_view_tasks`: volunteers) sees none, not even those of their own findings."""
    qs = Task.objects.select_related(
        "finding__problem_type", "finding__inspection__inspector", "hotspot", "jurisdiction", "unit"
    )
    if is_admin(user):
        return qs
    if not can_view_tasks(user):
        return qs.none()
    if is_rectifier(user):
        return qs.filter(unit_id=user.unit_id) if user.unit_id else qs.none()
    return qs.filter(_own_or_in_area(user, Q(finding__created_by=user)))


def dispatch_units(user, task: Task) -> QuerySet[Unit]:
    """The active units a manager may send a task to: those of their area, and those serving the task's place (a
    squad of the whole district, say)."""
    serving = Q(service_area__covers=task.location)
    return Unit.objects.filter(Q(pk__in=units_for_user(user).values("pk")) | serving, active=True).order_by("name")


def can_view_task(user, task: Task) -> bool:
    return tasks_for_user(user).filter(pk=task.pk).exists()


def photos_for_user(user) -> QuerySet[Photo]:
    of_findings = Q(finding__in=findings_for_user(user).values("pk"))
    of_tasks = Q(finding__task__in=tasks_for_user(user).values("pk"))
    of_inspections = Q(finding__isnull=True, inspection__in=inspections_for_user(user).values("pk"))
    return Photo.objects.select_related("file", "finding", "inspection").filter(of_findings | of_tasks | of_inspections)


def likely_duplicate(*, problem_type, location: Point, radius_m: float, exclude_inspection=None) -> Finding | None:
    """The nearest open finding of the same type within `radius_m`, offered as a likely duplicate."""
    pad = degrees_for_metres(radius_m, location.y)
    box = Polygon.from_bbox((location.x - pad, location.y - pad, location.x + pad, location.y + pad))
    box.srid = 4326
    candidates = Finding.objects.filter(problem_type=problem_type, is_open=True, location__intersects=box)
    if exclude_inspection is not None:
        candidates = candidates.exclude(inspection=exclude_inspection)
    ranked = [(distance_m(location.x, location.y, f.location.x, f.location.y), f.created_at, f) for f in candidates]
    ranked = [row for row in ranked if row[0] <= radius_m]
    return min(ranked, key=lambda row: row[:2])[2] if ranked else None


def briefings_for_user(user) -> QuerySet[Briefing]:
    """Administrators see every briefing; a manager those whose scope lies in their area (see can_view_briefing)."""
    qs = Briefing.objects.select_related("requested_by", "scope", "phase__campaign")
    if is_admin(user):
        return qs
    root = scope_root(user) if is_manager(user) else None
    return qs.filter(root.subtree_q("scope__")) if root is not None else qs.none()


def public_reports() -> QuerySet:
    """Citizens' reports (Open311), which anybody may read: what the public answers show, nothing personal."""
    from inspections.models import PublicReport

    return PublicReport.objects.select_related("finding__problem_type", "finding__task__unit", "hotspot")
