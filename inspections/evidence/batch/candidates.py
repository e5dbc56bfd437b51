"""The checks of `inspection_submit` and `finding_add`, set-based: which of a batch's new items are valid, with
their rows built.

The rules are the single-item services' own (inspections.py: the anchor points, the phase, the district, how rows
are built), called here item by item; only the database is asked set-based. An item found invalid is not given a
reason here: submit.py hands it to the single-item service, whose error is the refusal's reason. The refusals
worked out here are the ones no single item shows: a finding id claimed by two items of the batch, and a finding
beyond its inspection's bound once the batch's earlier findings for it are counted.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.expressions import DatabaseDefault

from geo.routing import clean_wgs84_point, jurisdiction_ids, route_points
from geo.selectors import jurisdictions_for_user
from inspections.errors import Conflict
from inspections.evidence.inspections import (
    FindingInput,
    InspectionInput,
    check_bounds,
    check_finding_place,
    check_in_district,
    check_listed_once,
    check_phase,
    check_room_for_finding,
    finding_anchor,
    finding_id_taken,
    hotspot_distances_m,
    inspection_anchor,
    new_finding,
    new_inspection,
    usable_hotspots,
)
from inspections.models import Finding, Inspection

INSPECTION_FOREIGN_KEYS = ["inspector", "hotspot", "phase", "jurisdiction"]
FINDING_FOREIGN_KEYS = [
    "inspection",
    "problem_type",
    "jurisdiction",
    "routed_unit",
    "created_by",
    "likely_duplicate_of",
]


@dataclass
class InspectionCandidate:
    """A new inspection of the batch, at position `index`, while its checks run."""

    index: int
    data: InspectionInput
    valid: bool = True
    error: Exception | None = None  # a refusal worked out here (only the cross-item ones); else the service's
    location: Point | None = None
    position: Point | None = None
    finding_points: list[Point] = field(default_factory=list)
    jurisdiction_id: int | None = None
    finding_jurisdiction_ids: list[int | None] = field(default_factory=list)
    inspection: Inspection | None = None
    findings: list[Finding] = field(default_factory=list)


@dataclass
class FindingCandidate:
    """A new finding of the batch, at position `index`, added to the stored inspection `inspection`."""

    index: int
    inspection: Inspection
    data: FindingInput
    valid: bool = True
    error: Exception | None = None  # a refusal worked out here (only the cross-item ones); else the service's
    point: Point | None = None
    jurisdiction_id: int | None = None
    finding: Finding | None = None


def check_inspections(user, candidates: list[InspectionCandidate]) -> None:
    """inspection_submit's checks, set-based; marks each candidate valid (with its rows built) or not."""
    if not candidates:
        return
    hotspot_ids = {c.data.hotspot.pk for c in candidates if c.data.hotspot is not None}
    usable = set(usable_hotspots(user).filter(pk__in=hotspot_ids).values_list("pk", flat=True) if hotspot_ids else [])
    for c in candidates:
        data = c.data
        try:
            if data.hotspot is not None and data.hotspot.pk not in usable:
                raise ValidationError("hotspot")
            check_phase(data)
            check_bounds(data)
            c.location = clean_wgs84_point(inspection_anchor(data))
            c.position = clean_wgs84_point(data.position) if data.position is not None else None
            c.finding_points = [clean_wgs84_point(finding_anchor(item, c.location)) for item in data.findings]
        except ValidationError:
            c.valid = False

    live = [c for c in candidates if c.valid]
    jurisdictions = iter(jurisdiction_ids([p for c in live for p in [c.location, *c.finding_points]]))
    for c in live:
        c.jurisdiction_id = next(jurisdictions)
        c.finding_jurisdiction_ids = [next(jurisdictions) for _ in c.finding_points]
        try:
            check_in_district(c.location, c.jurisdiction_id, "location")
            for k, (point, jurisdiction_id) in enumerate(
                zip(c.finding_points, c.finding_jurisdiction_ids, strict=True)
            ):
                check_in_district(point, jurisdiction_id, f"findings[{k}].location")
        except ValidationError:
            c.valid = False
    live = [c for c in live if c.valid]
    in_scope = _in_scope(user, {j for c in live for j in [c.jurisdiction_id, *c.finding_jurisdiction_ids]})
    distances = iter(
        hotspot_distances_m(
            [p for c in live if c.data.hotspot is not None for p in c.finding_points],
            [c.data.hotspot for c in live if c.data.hotspot is not None for _ in c.finding_points],
        )
    )
    for c in live:
        measured = [next(distances) for _ in c.finding_points] if c.data.hotspot is not None else []
        try:
            for k, (point, jurisdiction_id) in enumerate(
                zip(c.finding_points, c.finding_jurisdiction_ids, strict=True)
            ):
                distance = measured[k] if measured else None
                check_finding_place(
                    point, jurisdiction_id in in_scope, c.data.hotspot, f"findings[{k}].location", distance
                )
        except ValidationError:
            c.valid = False
    live = [c for c in live if c.valid]
    finding_ids = [item.id for c in live for item in c.data.findings]
    taken = set(Finding.objects.filter(pk__in=finding_ids).values_list("pk", flat=True)) if finding_ids else set()
    for c in live:
        c.valid = c.jurisdiction_id in in_scope and not taken.intersection(item.id for item in c.data.findings)
        if c.valid:
            c.inspection = new_inspection(
                user=user, data=c.data, location=c.location, position=c.position, jurisdiction_id=c.jurisdiction_id
            )
    live = [c for c in live if c.valid]
    for c, valid in zip(live, valid_each([c.inspection for c in live], INSPECTION_FOREIGN_KEYS), strict=True):
        c.valid = valid

    live = [c for c in live if c.valid]
    findings = build_findings(
        user,
        owners=[c.inspection for c in live for _ in c.data.findings],
        inputs=[item for c in live for item in c.data.findings],
        points=[p for c in live for p in c.finding_points],
        jurisdictions=[j for c in live for j in c.finding_jurisdiction_ids],
    )
    for c in live:
        c.findings, findings = findings[: len(c.data.findings)], findings[len(c.data.findings) :]
        c.valid = all(f is not None for f in c.findings)

    # A finding id may be used by one inspection only: the first valid item in the batch keeps it. (Checked last,
    # as inspection_submit finds these only when it saves.)
    claimed: set[uuid.UUID] = set()
    for c in candidates:
        if not c.valid:
            continue
        ids = [item.id for item in c.data.findings]
        clash = [item_id for item_id in ids if item_id in claimed]
        try:
            check_listed_once(c.data.findings)
            if clash:
                raise finding_id_taken(clash[0])
        except (ValidationError, Conflict) as exc:
            c.valid, c.error = False, exc
        else:
            claimed.update(ids)


def check_findings(user, candidates: list[FindingCandidate]) -> None:
    """finding_add's checks past the stored records, set-based; marks each candidate valid (with its row built)
    or not."""
    for c in candidates:
        try:
            c.point = clean_wgs84_point(finding_anchor(c.data, c.inspection.location))
        except ValidationError:
            c.valid = False
    live = [c for c in candidates if c.valid]
    for c, jurisdiction_id in zip(live, jurisdiction_ids([c.point for c in live]), strict=True):
        c.jurisdiction_id = jurisdiction_id
        try:
            check_in_district(c.point, jurisdiction_id, "location")
        except ValidationError:
            c.valid = False
    live = [c for c in live if c.valid]
    in_scope = _in_scope(user, {c.jurisdiction_id for c in live})
    near = [c for c in live if c.inspection.hotspot is not None]
    distances = hotspot_distances_m([c.point for c in near], [c.inspection.hotspot for c in near])
    measured = {c.index: distance for c, distance in zip(near, distances, strict=True)}
    for c in live:
        try:
            check_finding_place(
                c.point, c.jurisdiction_id in in_scope, c.inspection.hotspot, "location", measured.get(c.index)
            )
        except ValidationError:
            c.valid = False
    live = [c for c in live if c.valid]
    built = build_findings(
        user,
        owners=[c.inspection for c in live],
        inputs=[c.data for c in live],
        points=[c.point for c in live],
        jurisdictions=[c.jurisdiction_id for c in live],
    )
    for c, finding in zip(live, built, strict=True):
        c.finding, c.valid = finding, finding is not None

    # An inspection's findings stay within the bound, counting the ones this batch adds before (as finding_add
    # one by one would count them once stored).
    parents = {c.inspection.pk for c in candidates if c.valid}
    carried = Counter(
        dict(
            Finding.objects.filter(inspection_id__in=parents)
            .values("inspection_id")
            .annotate(n=Count("pk"))
            .values_list("inspection_id", "n")
        )
        if parents
        else {}
    )
    for c in candidates:
        if not c.valid:
            continue
        try:
            check_room_for_finding(c.inspection.pk, carried[c.inspection.pk])
        except ValidationError as exc:
            c.valid, c.error = False, exc
        else:
            carried[c.inspection.pk] += 1


def _in_scope(user, jurisdiction_ids: set) -> set:
    """Which of these jurisdictions are in the person's scope: one query."""
    if not jurisdiction_ids:
        return set()
    return set(jurisdictions_for_user(user).filter(pk__in=jurisdiction_ids).values_list("pk", flat=True))


def build_findings(user, *, owners, inputs, points, jurisdictions) -> list[Finding | None]:
    """The findings as `inspection_submit` builds them (without the likely duplicate, marked once all are known);
    None for one its validation refuses."""
    if not inputs:
        return []
    routes = route_points(points)
    findings = []
    for i, (inspection, item, point, jurisdiction_id) in enumerate(
        zip(owners, inputs, points, jurisdictions, strict=True)
    ):
        unit_id = int(routes.unit_ids[i])
        findings.append(
            new_finding(
                user=user,
                inspection=inspection,
                item=item,
                location=point,
                jurisdiction_id=jurisdiction_id,
                routed_unit_id=unit_id if unit_id >= 0 else None,
                routing_rule=routes.rule_at(i).value,
            )
        )
    valid = valid_each(findings, FINDING_FOREIGN_KEYS)
    return [finding if ok else None for finding, ok in zip(findings, valid, strict=True)]


_MEMO_TYPES = frozenset({str, int, float, bool})  # values that repeat across a batch and hash cheaply


def valid_each(instances: list, foreign_keys: list[str]) -> list[bool]:
    """The model's own validation of each instance: `fullclean_wgs84_point(exclude=foreign_keys, validate_unique=False,
    validate_constraints=False)`, i.e. every other field's `clean` (the cleaned value kept, as clean_fields keeps
    it), then the model's `clean`. Foreign keys are left out: they hold rows this batch has just read.

    Done once per batch rather than through full_clean per row: a field's `clean` depends on the value alone
    (the instance matters only to relations, excluded here), so a plain value (text, number) that a field has
    already cleaned to itself is not cleaned again."""
    if not instances:
        return []
    exclude = set(foreign_keys)
    fields = [f for f in instances[0]._meta.fields if f.name not in exclude and not f.generated and not f.is_relation]
    if any(f.is_relation for f in instances[0]._meta.fields if f.name not in exclude):
        # A relation not excluded: its checks may read the database per row; keep full_clean's own path.
        return [_valid(instance, foreign_keys) for instance in instances]
    cleaned_to_itself: set = set()
    out = []
    for instance in instances:
        valid = True
        for f in fields:
            raw = getattr(instance, f.attname)
            if f.blank and raw in f.empty_values:
                continue
            if isinstance(raw, DatabaseDefault):
                continue
            key = (f.attname, type(raw), raw) if type(raw) in _MEMO_TYPES else None
            if key is not None and key in cleaned_to_itself:
                continue
            try:
                value = f.clean(raw, instance)
            except ValidationError:
                valid = False
                break
            if value is not raw:
                setattr(instance, f.attname, value)
            elif key is not None:
                cleaned_to_itself.add(key)
        if valid:
            try:
                instance.clean()
            except ValidationError:
                valid = False
        out.append(valid)
    return out


def _valid(instance, foreign_keys: list[str]) -> bool:
    """The model's own validation. Foreign keys are left out: they hold rows this batch has just read."""
    try:
        instance.fullclean_wgs84_point(exclude=foreign_keys, validate_unique=False, validate_constraints=False)
    except ValidationError:
        return False
    return True
