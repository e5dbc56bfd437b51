"""Recording an inspection with its findings, or a finding added to it later: idempotent on the tablet's UUIDs.

The rules (which point an item is anchored to, the phase, the district, the stored record of a replay, how the rows
are built) have one home here, public, and the batch path (batch/) calls them rather than restating them.
"""

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import shapely
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geo.geodesy import distance_to_shape_m, distances_to_local_shapes_m, in_local_metres
from geo.models import Hotspot
from geo.routing import point_xy, resolve_jurisdiction, route_point
from geo.selectors import hotspots_for_user, jurisdictions_for_user
from geo.validation import clean_point
from inspections.errors import Conflict
from inspections.models import Finding, Inspection, Phase, ProblemType, answers_deduction
from inspections.permissions import can_submit_inspection
from inspections.rectification.tasks import tasks_register
from inspections.selectors import likely_duplicate

# The bounds of one submission (the wire contract, inspections/api/contract.py, declares the same).
FINDINGS_MAX = 100
FREE_ANSWERS_MAX_CHARS = 20_000  # answers without a checklist version, as compact JSON


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


# ---------------------------------------------------------------- the rules, shared with the batch path (batch/)


def usable_hotspots(user):
    """The hotspots a person may record an inspection at: the active ones of their area."""
    return hotspots_for_user(user).filter(active=True)


def check_phase(data: InspectionInput) -> None:
    """The inspection must start within its phase (on the local calendar day)."""
    day = timezone.localdate(data.started_at)
    phase = data.phase
    if not phase.starts_on <= day <= phase.ends_on:
        raise ValidationError(
            {
                "phase": _("The inspection started on %(day)s, outside the phase “%(phase)s” (%(start)s – %(end)s).")
                % {"day": day, "phase": phase, "start": phase.starts_on, "end": phase.ends_on}
            }
        )


def inspection_anchor(data: InspectionInput) -> Point:
    """The point an inspection is stored at: the location sent, else its hotspot's anchor, else the device's
    position (not yet cleaned)."""
    anchor = data.location or (hotspot_anchor(data.hotspot) if data.hotspot else None) or data.position
    if anchor is None:
        raise ValidationError({"location": _("A free inspection needs a location or a device position.")})
    return anchor


def finding_anchor(item: FindingInput, inspection_location: Point) -> Point:
    """The point a finding is stored at: its own location, else its inspection's."""
    return item.location or inspection_location


def check_in_district(point: Point, jurisdiction, field_name: str) -> None:
    """A (clean) point must lie in a jurisdiction of the district: `jurisdiction` is the one found for it (a row
    or its id), None when there is none."""
    if jurisdiction is None:
        raise ValidationError(
            {
                field_name: _("The location (%(lon).6f, %(lat).6f) is outside every jurisdiction of the district.")
                % {"lon": point.x, "lat": point.y}
            }
        )


def answers_size(answers) -> int:
    """The size of answers as the bound counts it: characters of their compact JSON."""
    return len(json.dumps(answers, ensure_ascii=False, separators=(",", ":")))


def check_bounds(data: InspectionInput) -> None:
    """One submission carries at most FINDINGS_MAX findings, and answers without a checklist version (which no
    version's questions bound) at most FREE_ANSWERS_MAX_CHARS."""
    if len(data.findings) > FINDINGS_MAX:
        raise ValidationError(
            {
                "findings": _(
                    "An inspection may carry at most %(max)d findings; this one has %(count)d. Record the others "
                    "in another inspection."
                )
                % {"max": FINDINGS_MAX, "count": len(data.findings)}
            }
        )
    if data.checklist_version is None and answers_size(data.answers) > FREE_ANSWERS_MAX_CHARS:
        raise ValidationError(
            {
                "answers": _(
                    "Answers without a checklist version may take at most %(max)d characters; these take %(size)d."
                )
                % {"max": FREE_ANSWERS_MAX_CHARS, "size": answers_size(data.answers)}
            }
        )


def check_room_for_finding(inspection_id, carried: int) -> None:
    """A finding added later still keeps its inspection within FINDINGS_MAX (`carried`: the findings it has)."""
    if carried >= FINDINGS_MAX:
        raise ValidationError(
            {
                "inspection": _(
                    "Inspection %(id)s already carries %(count)d findings, and one inspection may carry at most "
                    "%(max)d findings. Record this one in another inspection."
                )
                % {"id": inspection_id, "count": carried, "max": FINDINGS_MAX}
            }
        )


def hotspot_distances_m(points: Sequence[Point], hotspots: Sequence[Hotspot]) -> list[float]:
    """The distance `check_finding_place` measures from each point to its hotspot, for many points at once: each
    hotspot's shape is made once, however many points are measured against it (the batch path)."""
    distinct = list({hotspot.pk: hotspot for hotspot in hotspots}.values())
    made = in_local_metres(shapely.from_wkb([bytes(hotspot.geometry.wkb) for hotspot in distinct]))
    shapes = {hotspot.pk: shape for hotspot, shape in zip(distinct, made, strict=True)}
    xy = [point_xy(point) for point in points]
    return distances_to_local_shapes_m(
        [x for x, _ in xy], [y for _, y in xy], [shapes[hotspot.pk] for hotspot in hotspots]
    )


def check_finding_place(
    point: Point, in_area: bool, hotspot: Hotspot | None, field_name: str, distance: float | None = None
) -> None:
    """Where a (clean, in-district) finding may lie: in the area of the person recording it (`in_area`: its
    jurisdiction is in their scope), and, for an inspection of a hotspot, within
    FINDING_MAX_DISTANCE_FROM_HOTSPOT_M of the hotspot's geometry (0 inside it). `distance`: that distance, when
    already measured by `hotspot_distances_m`."""
    if not in_area:
        raise ValidationError(
            {
                field_name: _(
                    "The finding at (%(lon).6f, %(lat).6f) lies outside the area you are assigned to; findings "
                    "there are recorded by that area's inspectors."
                )
                % {"lon": point.x, "lat": point.y}
            }
        )
    if hotspot is None:
        return
    limit = settings.FINDING_MAX_DISTANCE_FROM_HOTSPOT_M
    if distance is None:
        distance = distance_to_shape_m(point.x, point.y, shapely.from_wkb(bytes(hotspot.geometry.wkb)))
    if distance > limit:
        raise ValidationError(
            {
                field_name: _(
                    "The finding is %(distance)d m from the hotspot “%(hotspot)s”; findings of a hotspot's "
                    "inspection lie within %(max)d m of it. Record it in a free inspection where it was seen."
                )
                % {"distance": round(distance), "hotspot": hotspot.name, "max": limit}
            }
        )


def check_listed_once(findings: list[FindingInput]) -> None:
    """A submission lists each finding id once."""
    twice = repeated_finding_ids(findings)
    if twice:
        raise ValidationError({"findings": _("Finding id %(id)s is listed twice.") % {"id": twice[0]}})


def repeated_finding_ids(findings) -> list:
    """Finding ids that occur more than once in one submission, in order of first appearance."""
    ids = [item.id for item in findings]
    return [item_id for item_id in dict.fromkeys(ids) if ids.count(item_id) > 1]


def finding_id_taken(finding_id) -> Conflict:
    return Conflict(_("Finding id %(id)s is already used by another inspection.") % {"id": finding_id})


def inspecting_roles_only() -> PermissionDenied:
    return PermissionDenied(_("Only inspectors, volunteers and managers record inspections."))


def check_own_inspection(user, stored: Inspection | None) -> Inspection | None:
    """A replay's stored inspection (or None) must be the person's own: an id is never shared between people."""
    if stored is not None and stored.inspector_id != user.pk:
        raise Conflict(_("This inspection id is already used by another person's inspection."))
    return stored


def stored_inspection(user, inspection_id) -> Inspection | None:
    """The person's stored inspection with this id (a replay), or None."""
    return check_own_inspection(user, Inspection.objects.filter(pk=inspection_id).first())


def check_own_finding(user, inspection_id, stored: Finding | None) -> Finding | None:
    """A replay's stored finding (or None) must belong to the same inspection, of the same person."""
    if stored is None:
        return None
    if stored.inspection_id != inspection_id:
        raise finding_id_taken(stored.pk)
    if stored.inspection.inspector_id != user.pk:
        raise Conflict(_("This inspection id is already used by another person's inspection."))
    return stored


def stored_finding(user, inspection_id, finding_id) -> Finding | None:
    """The person's stored finding with this id in this inspection (a replay), or None."""
    return check_own_finding(
        user, inspection_id, Finding.objects.select_related("inspection").filter(pk=finding_id).first()
    )


def check_parent_inspection(user, inspection_id, inspection: Inspection | None) -> Inspection:
    """A finding sent on its own is added to an inspection already stored (`inspection`, None when it is not),
    and only by its inspector."""
    if inspection is None:
        raise ValidationError(
            {
                "inspection": _(
                    "Inspection %(id)s is not on the server yet: send the inspection first, then its findings."
                )
                % {"id": inspection_id}
            }
        )
    if inspection.inspector_id != user.pk:
        raise Conflict(
            _("Inspection %(id)s is another person's: only its inspector adds findings to it.") % {"id": inspection_id}
        )
    return inspection


def new_inspection(
    *,
    user,
    data: InspectionInput,
    location: Point,
    position: Point | None,
    jurisdiction_id,
    now: datetime | None = None,
) -> Inspection:
    """The unsaved inspection of an item, located, received at ``now`` (default: the current time); one at a time
    here, a batch at once in batch/."""
    return Inspection(
        id=data.id,
        inspector=user,
        hotspot=data.hotspot,
        phase=data.phase,
        jurisdiction_id=jurisdiction_id,
        location=location,
        started_at=data.started_at,
        ended_at=data.ended_at,
        position=position,
        position_accuracy_m=data.accuracy_m,
        answers=data.answers,
        checklist_version=data.checklist_version,
        deduction=answers_deduction(data.answers),
        received_at=now or timezone.now(),
    )


def _in_district(point: Point, field_name: str):
    try:
        point = clean_point(point)
    except ValidationError as exc:
        raise ValidationError({field_name: exc.messages}) from exc
    jurisdiction = resolve_jurisdiction(point)
    check_in_district(point, jurisdiction, field_name)
    return point, jurisdiction


# ---------------------------------------------------------------- the single-item services


def inspection_submit(*, user, data: InspectionInput, now: datetime | None = None) -> tuple[Inspection, bool]:
    """Store an inspection and its findings as received at ``now`` (default: the current time), routing each
    finding and registering its task; a replay returns the stored one unchanged.

    Returns (inspection, created).
    """
    if not can_submit_inspection(user):
        raise inspecting_roles_only()
    now = now or timezone.now()
    existing = stored_inspection(user, data.id)
    if existing is not None:
        return existing, False

    if data.hotspot is not None and not usable_hotspots(user).filter(pk=data.hotspot.pk).exists():
        raise ValidationError({"hotspot": _("This hotspot is not active or not in your area.")})
    check_phase(data)
    check_bounds(data)
    location, jurisdiction = _in_district(inspection_anchor(data), "location")
    if not jurisdictions_for_user(user).filter(pk=jurisdiction.pk).exists():
        raise ValidationError({"location": _("This place is outside the area you are assigned to.")})
    position = None
    if data.position is not None:
        try:
            position = clean_point(data.position)
        except ValidationError as exc:
            raise ValidationError({"position": exc.messages}) from exc

    inspection = new_inspection(
        user=user, data=data, location=location, position=position, jurisdiction_id=jurisdiction.pk, now=now
    )
    inspection.jurisdiction = jurisdiction  # the row just read: no query when the caller shows it
    # The id's uniqueness is the insert's to check: a request with the same id may commit between the replay check
    # above and here, and its IntegrityError below answers with the stored inspection (not "already exists").
    inspection.full_clean(exclude=["id"])
    findings = [_build_finding(user, inspection, item, index, now) for index, item in enumerate(data.findings)]
    check_listed_once(data.findings)
    try:
        with transaction.atomic():
            inspection.save(force_insert=True)
            for finding in findings:
                finding.save(force_insert=True)
            tasks_register(findings, now=now)
    except IntegrityError:
        # The same submission arrived twice at once: the other request stored it first.
        existing = stored_inspection(user, data.id)
        if existing is None:
            raise
        return existing, False
    return inspection, True


def finding_add(
    *, user, inspection_id: uuid.UUID, data: FindingInput, now: datetime | None = None
) -> tuple[Finding, bool]:
    """Add a finding to an inspection already stored, by its inspector, at ``now`` (default: the current time); a
    replay returns the stored one unchanged.

    Returns (finding, created). The finding is checked and routed exactly as the findings of `inspection_submit`.
    """
    if not can_submit_inspection(user):
        raise inspecting_roles_only()
    now = now or timezone.now()
    existing = stored_finding(user, inspection_id, data.id)
    if existing is not None:
        return existing, False
    inspection = check_parent_inspection(
        user, inspection_id, Inspection.objects.select_related("hotspot").filter(pk=inspection_id).first()
    )
    check_room_for_finding(inspection.pk, inspection.findings.count())
    try:
        finding = _build_finding(user, inspection, data, 0, now)
    except ValidationError as exc:
        # One finding on its own: its fields are not findings[0].…
        raise ValidationError(
            {key.removeprefix("findings[0]."): messages for key, messages in exc.message_dict.items()}
        ) from exc
    try:
        with transaction.atomic():
            finding.save(force_insert=True)
            tasks_register([finding], now=now)
    except IntegrityError:
        existing = stored_finding(user, inspection_id, data.id)
        if existing is None:
            raise
        return existing, False
    return finding, True


def _build_finding(user, inspection: Inspection, item: FindingInput, index: int, now: datetime) -> Finding:
    field_name = f"findings[{index}].location"
    location, jurisdiction = _in_district(finding_anchor(item, inspection.location), field_name)
    in_area = jurisdictions_for_user(user).filter(pk=jurisdiction.pk).exists()
    check_finding_place(location, in_area, inspection.hotspot, field_name)
    if Finding.objects.filter(pk=item.id).exclude(inspection_id=inspection.pk).exists():
        raise finding_id_taken(item.id)
    route = route_point(location)
    finding = new_finding(
        user=user,
        inspection=inspection,
        item=item,
        location=location,
        jurisdiction_id=jurisdiction.pk,
        routed_unit_id=route.unit_id,
        routing_rule=route.rule,
        now=now,
    )
    finding.likely_duplicate_of = likely_duplicate(
        problem_type=item.problem_type,
        location=location,
        radius_m=settings.DUPLICATE_FINDING_RADIUS_M,
        exclude_inspection=inspection,
    )
    finding.full_clean(exclude=["inspection", "id"])  # the id is the insert's to check, as the inspection's
    return finding


def new_finding(
    *,
    user,
    inspection: Inspection,
    item: FindingInput,
    location: Point,
    jurisdiction_id,
    routed_unit_id,
    routing_rule,
    now: datetime | None = None,
) -> Finding:
    """The unsaved finding of an item, located and routed, created at ``now`` (default: the current time); one at a
    time here, a batch at once in batch/."""
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
        created_at=now or timezone.now(),
    )
