"""Replays: the stored records a batch's items are compared with, and the fields where an item differs."""

import uuid
from collections.abc import Iterable

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from geo.validation import WGS84, clean_point
from inspections.evidence.inspections import FindingInput, InspectionInput
from inspections.models import Finding, Inspection


def stored_findings(ids: Iterable[uuid.UUID], *, with_inspector: bool = False) -> dict[uuid.UUID, Finding]:
    """The stored findings with these ids: what a replay is compared with."""
    ids = set(ids)
    if not ids:
        return {}
    fields = ["id", "inspection_id", "problem_type_id", "severity", "description", "location"]
    findings = Finding.objects.filter(pk__in=ids)
    if with_inspector:
        findings = findings.select_related("inspection").only(*fields, "inspection__inspector_id")
    else:
        findings = findings.only(*fields)
    return {f.pk: f for f in findings}


def same_point(a: Point | None, b: Point | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if b.srid != WGS84:
        try:
            b = clean_point(b)
        except ValidationError:
            return False
    return a.equals_exact(b)


def inspection_differences(
    stored: Inspection, findings: dict[uuid.UUID, Finding], data: InspectionInput
) -> tuple[str, ...]:
    """The fields the tablet sent that differ from the stored inspection. A location it did not send (taken from
    the hotspot or the position) is not compared, nor findings added later as separate items."""
    differences = []
    if stored.hotspot_id != (data.hotspot.pk if data.hotspot is not None else None):
        differences.append("hotspot")
    if stored.phase_id != data.phase.pk:
        differences.append("phase")
    if stored.started_at != data.started_at:
        differences.append("started_at")
    if stored.ended_at != data.ended_at:
        differences.append("ended_at")
    if data.location is not None and not same_point(stored.location, data.location):
        differences.append("location")
    if not same_point(stored.position, data.position) or stored.position_accuracy_m != data.accuracy_m:
        differences.append("position")
    if stored.answers != data.answers:
        differences.append("answers")
    if stored.checklist_version != data.checklist_version:
        differences.append("checklist_version")
    for index, item in enumerate(data.findings):
        finding = findings.get(item.id)
        if finding is None or finding.inspection_id != stored.pk:
            differences.append(f"findings[{index}]")
        else:
            differences.extend(f"findings[{index}].{name}" for name in finding_differences(finding, item))
    return tuple(differences)


def finding_differences(stored: Finding, item: FindingInput) -> tuple[str, ...]:
    differences = []
    if stored.problem_type_id != item.problem_type.pk:
        differences.append("problem_type")
    if stored.severity != (item.severity or item.problem_type.default_severity):
        differences.append("severity")
    if stored.description != item.description:
        differences.append("description")
    if item.location is not None and not same_point(stored.location, item.location):
        differences.append("location")
    return tuple(differences)
