"""Recording an inspection with its findings: idempotent on the tablet's UUIDs."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geo.models import Hotspot
from geo.routing import resolve_jurisdiction, route_point
from geo.selectors import hotspots_for_user, jurisdictions_for_user
from geo.validation import clean_point
from inspections.errors import Conflict
from inspections.models import Finding, Inspection, Phase, ProblemType
from inspections.permissions import can_submit_inspection
from inspections.rectification.tasks import tasks_register
from inspections.selectors import likely_duplicate


@dataclass(frozen=True)
class FindingInput:
    id: uuid.UUID
    problem_type: ProblemType
    severity: str = ""
    description: str = ""
    location: Point | None = None


@dataclass(frozen=True)
class InspectionInput:
    id: uuid.UUID
    phase: Phase
    started_at: datetime
    hotspot: Hotspot | None = None
    ended_at: datetime | None = None
    location: Point | None = None
    position: Point | None = None
    accuracy_m: float | None = None
    answers: dict | list = field(default_factory=dict)
    checklist_version: uuid.UUID | None = None
    findings: list[FindingInput] = field(default_factory=list)


def hotspot_anchor(hotspot: Hotspot) -> Point:
    geometry = hotspot.geometry
    return geometry if geometry.geom_type == "Point" else geometry.point_on_surface


def _in_district(point: Point, field_name: str):
    try:
        point = clean_point(point)
    except ValidationError as exc:
        raise ValidationError({field_name: exc.messages}) from exc
    jurisdiction = resolve_jurisdiction(point)
    if jurisdiction is None:
        raise ValidationError(
            {
                field_name: _("The location (%(lon).6f, %(lat).6f) is outside every jurisdiction of the district.")
                % {"lon": point.x, "lat": point.y}
            }
        )
    return point, jurisdiction


def _check_phase(data: InspectionInput) -> None:
    day = timezone.localdate(data.started_at)
    phase = data.phase
    if not phase.starts_on <= day <= phase.ends_on:
        raise ValidationError(
            {
                "phase": _("The inspection started on %(day)s, outside the phase “%(phase)s” (%(start)s – %(end)s).")
                % {"day": day, "phase": phase, "start": phase.starts_on, "end": phase.ends_on}
            }
        )


def inspecting_roles_only() -> PermissionDenied:
    return PermissionDenied(_("Only inspectors, volunteers and managers record inspections."))


def repeated_finding_ids(findings) -> list:
    """Finding ids that occur more than once in one submission, in order of first appearance."""
    ids = [item.id for item in findings]
    return [item_id for item_id in dict.fromkeys(ids) if ids.count(item_id) > 1]


def _existing(user, inspection_id) -> Inspection | None:
    existing = Inspection.objects.filter(pk=inspection_id).first()
    if existing is not None and existing.inspector_id != user.pk:
        raise Conflict(_("This inspection id is already used by another person's inspection."))
    return existing


def inspection_submit(*, user, data: InspectionInput) -> tuple[Inspection, bool]:
    """Store an inspection and its findings, routing each finding; a replay returns the stored one unchanged.

    Returns (inspection, created).
    """
    if not can_submit_inspection(user):
        raise inspecting_roles_only()
    existing = _existing(user, data.id)
    if existing is not None:
        return existing, False

    if data.hotspot is not None and not hotspots_for_user(user).filter(pk=data.hotspot.pk, active=True).exists():
        raise ValidationError({"hotspot": _("This hotspot is not active or not in your area.")})
    _check_phase(data)
    anchor = data.location or (hotspot_anchor(data.hotspot) if data.hotspot else None) or data.position
    if anchor is None:
        raise ValidationError({"location": _("A free inspection needs a location or a device position.")})
    location, jurisdiction = _in_district(anchor, "location")
    if not jurisdictions_for_user(user).filter(pk=jurisdiction.pk).exists():
        raise ValidationError({"location": _("This place is outside the area you are assigned to.")})
    position = None
    if data.position is not None:
        try:
            position = clean_point(data.position)
        except ValidationError as exc:
            raise ValidationError({"position": exc.messages}) from exc

    inspection = Inspection(
        id=data.id,
        inspector=user,
        hotspot=data.hotspot,
        phase=data.phase,
        jurisdiction=jurisdiction,
        location=location,
        started_at=data.started_at,
        ended_at=data.ended_at,
        position=position,
        position_accuracy_m=data.accuracy_m,
        answers=data.answers,
        checklist_version=data.checklist_version,
    )
    inspection.full_clean()
    findings = [_build_finding(user, inspection, item, index) for index, item in enumerate(data.findings)]
    twice = repeated_finding_ids(data.findings)
    if twice:
        raise ValidationError({"findings": _("Finding id %(id)s is listed twice.") % {"id": twice[0]}})
    try:
        with transaction.atomic():
            inspection.save(force_insert=True)
            for finding in findings:
                finding.save(force_insert=True)
            tasks_register(findings)
    except IntegrityError:
        # The same submission arrived twice at once: the other request stored it first.
        existing = _existing(user, data.id)
        if existing is None:
            raise
        return existing, False
    return inspection, True


def _build_finding(user, inspection: Inspection, item: FindingInput, index: int) -> Finding:
    field_name = f"findings[{index}].location"
    location, jurisdiction = _in_district(item.location or inspection.location, field_name)
    if Finding.objects.filter(pk=item.id).exclude(inspection_id=inspection.pk).exists():
        raise Conflict(_("Finding id %(id)s is already used by another inspection.") % {"id": item.id})
    route = route_point(location)
    finding = new_finding(
        user=user,
        inspection=inspection,
        item=item,
        location=location,
        jurisdiction_id=jurisdiction.pk,
        routed_unit_id=route.unit.pk if route.unit else None,
        routing_rule=route.rule,
    )
    finding.likely_duplicate_of = likely_duplicate(
        problem_type=item.problem_type,
        location=location,
        radius_m=settings.DUPLICATE_FINDING_RADIUS_M,
        exclude_inspection=inspection,
    )
    finding.full_clean(exclude=["inspection"])
    return finding


def new_finding(
    *, user, inspection: Inspection, item: FindingInput, location: Point, jurisdiction_id, routed_unit_id, routing_rule
) -> Finding:
    """The unsaved finding of an item, located and routed (one at a time here, a batch at once in batch.py)."""
    return Finding(
        id=item.id,
        inspection=inspection,
        problem_type=item.problem_type,
        severity=item.severity or item.problem_type.default_severity,
        description=item.description,
        location=location,
        jurisdiction_id=jurisdiction_id,
        routed_unit_id=routed_unit_id,
        routing_rule=routing_rule,
        created_by=user,
    )
