"""Recording a whole batch at once: inspections with their findings, and findings added to inspections already sent.

The rules are those of `inspection_submit` (inspections.py), applied item by item in the batch's order, and they
are not restated here: the checks call the same helpers (`_check_phase`, `hotspot_anchor`, `clean_point` (not
called for a point it would return unchanged), the selectors, the models' own validation) and an item found invalid
is handed to `inspection_submit` itself (or to `finding_add`) inside a savepoint, so the refusal carries that
service's own error, word for word. What changes is only how the database is asked, set-based instead of per item
(for valid items the number of queries does not grow with the batch):

- one query for the ids already stored (and their content, to tell a replay from a second, different version);
- one query for the hotspots the person may use, one for the jurisdictions in their scope;
- the deepest jurisdiction of every point: one query for the candidates, then one per jurisdiction level needed;
- routing: the process's shared `RoutingIndex` where the backend offers one (`shared_routing_index`: one query
  for the digest of the rows it reads), else a `RoutingIndex` over just the hotspots and units the batch's points
  can reach (the same answers as `route_point`: a hotspot beyond the radius or a unit not covering a point cannot
  change a route);
- likely duplicates: one query for the open findings near any of the batch's findings, then the same nearest-first
  rule as `likely_duplicate`, the batch's own earlier findings included as an item-by-item run would see them;
- `insert_new` (bulk_insert.py: `bulk_create`, or one `unnest` statement per table on PostgreSQL) for the rest.

The result is exactly the rows `inspection_submit` would store, called item by item in the same order (the tests
compare them field by field), with one addition for the offline sync: an inspection already stored, sent again
with findings the server does not have (the same inspection edited on two devices), gets those findings added as
`finding_add` would add them, because each is an observation with its own id and nothing recorded may be lost.
`inspection_submit` answers such a replay with the stored inspection unchanged (the REST client sees at once what
was kept and adds findings through their own endpoint).

Concurrent duplicates: the inserts run in a savepoint. When another request stored one of the same ids first, the
insert fails on the primary key (in PostgreSQL it waits for the other transaction and fails once it commits); the
savepoint is rolled back and the whole batch is worked out again, now seeing those rows as stored. So each item is
stored once and every request answers "created" or "existing" for it. After a few such rounds (or any other
database error) the batch falls back to one savepoint per item.
"""

import enum
import logging
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.expressions import DatabaseDefault
from django.utils.translation import gettext as _

from geo.geodesy import degrees_for_metres, distance_m
from geo.routing import clean_wgs84_point, jurisdiction_ids, known_ewkb, point_xy, reach, route_points
from geo.selectors import hotspots_for_user, jurisdictions_for_user
from geo.validation import WGS84, clean_point
from inspections.bulk_insert import insert_new
from inspections.errors import Conflict
from inspections.evidence.inspections import (
    FindingInput,
    InspectionInput,
    _build_finding,
    _check_phase,
    _existing,
    hotspot_anchor,
    inspecting_roles_only,
    inspection_submit,
    new_finding,
    repeated_finding_ids,
)
from inspections.models import Finding, Inspection
from inspections.permissions import can_submit_inspection
from inspections.rectification.tasks import tasks_register

logger = logging.getLogger(__name__)

ATTEMPTS = 3  # set-based rounds before falling back to one savepoint per item
INSPECTION_FOREIGN_KEYS = ["inspector", "hotspot", "phase", "jurisdiction"]
FINDING_FOREIGN_KEYS = [
    "inspection",
    "problem_type",
    "jurisdiction",
    "routed_unit",
    "created_by",
    "likely_duplicate_of",
]


class Status(enum.StrEnum):
    CREATED = "created"
    EXISTING = "existing"
    REFUSED = "refused"


@dataclass(frozen=True)
class ItemResult:
    """What became of one item. `error` (refused) is the service's exception: ValidationError, Conflict or
    PermissionDenied. `differences` (existing) names the fields where the item differs from the stored record,
    which was kept; `findings_added` counts the item's findings new to the server that were added to it."""

    id: uuid.UUID
    status: Status
    error: Exception | None = None
    differences: tuple[str, ...] = ()
    findings_added: int = 0


@dataclass(frozen=True)
class FindingItem:
    """A finding added to an inspection that was sent before."""

    inspection_id: uuid.UUID
    finding: FindingInput


# ---------------------------------------------------------------- a single finding added to a stored inspection


def finding_add(*, user, inspection_id: uuid.UUID, data: FindingInput) -> tuple[Finding, bool]:
    """Add a finding to an inspection already stored, by its inspector; a replay returns the stored one unchanged.

    Returns (finding, created). The finding is checked and routed exactly as the findings of `inspection_submit`.
    """
    if not can_submit_inspection(user):
        raise inspecting_roles_only()
    existing = _existing_finding(user, inspection_id, data.id)
    if existing is not None:
        return existing, False
    inspection = Inspection.objects.filter(pk=inspection_id).first()
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
    try:
        finding = _build_finding(user, inspection, data, 0)
    except ValidationError as exc:
        # One finding on its own: its fields are not findings[0].…
        raise ValidationError(
            {key.removeprefix("findings[0]."): messages for key, messages in exc.message_dict.items()}
        ) from exc
    try:
        with transaction.atomic():
            finding.save(force_insert=True)
            tasks_register([finding])
    except IntegrityError:
        existing = _existing_finding(user, inspection_id, data.id)
        if existing is None:
            raise
        return existing, False
    return finding, True


def _existing_finding(user, inspection_id, finding_id) -> Finding | None:
    existing = Finding.objects.select_related("inspection").filter(pk=finding_id).first()
    if existing is None:
        return None
    if existing.inspection_id != inspection_id:
        raise Conflict(_("Finding id %(id)s is already used by another inspection.") % {"id": finding_id})
    if existing.inspection.inspector_id != user.pk:
        raise Conflict(_("This inspection id is already used by another person's inspection."))
    return existing


# ---------------------------------------------------------------- the batches


def inspections_submit_batch(*, user, items: Sequence[InspectionInput]) -> list[ItemResult]:
    """`inspection_submit` for every item, in order, with set-based queries; one result per item, in order.

    Raises PermissionDenied when the person may not record inspections at all (as inspection_submit does).
    """
    if not can_submit_inspection(user):
        raise inspecting_roles_only()
    return _batch(_submit_inspections, user, list(items), lambda item: item.id)


def findings_submit_batch(*, user, items: Sequence[FindingItem]) -> list[ItemResult]:
    """`finding_add` for every item, in order, with set-based queries; one result per item, in order."""
    if not can_submit_inspection(user):
        raise inspecting_roles_only()
    return _batch(_submit_findings, user, list(items), lambda item: item.finding.id)


def _batch(work, user, items: list, key) -> list[ItemResult]:
    if not items:
        return []
    for _attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return work(user, items)
        except IntegrityError as exc:
            # Most likely another request stored some of these ids meanwhile: work it out again.
            logger.info("batch of %d items met a concurrent insert, working it out again: %s", len(items), exc)
            continue
    results = []
    for item in items:
        try:
            with transaction.atomic():
                results.extend(work(user, [item]))
        except IntegrityError as exc:
            logger.warning("sync item %s could not be stored: %s", key(item), exc)
            error = ValidationError(_("This item could not be stored because of a database error; send it again."))
            results.append(ItemResult(key(item), Status.REFUSED, error=error))
    return results


def _first_occurrences(ids: list[uuid.UUID]) -> tuple[list[int], list[int]]:
    """Positions of each id's first occurrence, and of its repeats (answered after the first ones)."""
    seen: set[uuid.UUID] = set()
    firsts, repeats = [], []
    for index, item_id in enumerate(ids):
        (repeats if item_id in seen else firsts).append(index)
        seen.add(item_id)
    return firsts, repeats


def _delegated(call, item_id: uuid.UUID) -> ItemResult:
    """Run the single-item service for an item the batch found invalid: its error is the refusal's reason."""
    try:
        with transaction.atomic():
            _, created = call()
    except (ValidationError, Conflict, PermissionDenied) as exc:
        return ItemResult(item_id, Status.REFUSED, error=exc)
    except IntegrityError as exc:
        logger.warning("sync item %s could not be stored: %s", item_id, exc)
        error = ValidationError(_("This item could not be stored because of a database error; send it again."))
        return ItemResult(item_id, Status.REFUSED, error=error)
    # Only reachable if the set-based checks and the single-item service disagree; the service is the reference.
    logger.warning("batch check refused item %s but the single-item service accepted it", item_id)
    return ItemResult(item_id, Status.CREATED if created else Status.EXISTING)


@dataclass
class _Candidate:
    index: int
    data: InspectionInput
    valid: bool = True
    error: Exception | None = None  # a refusal worked out here (only the cross-item ones); else the service's
    location: Point | None = None
    position: Point | None = None
    finding_points: list[Point] = field(default_factory=list)
    jurisdiction_id: int | None = None
    inspection: Inspection | None = None
    findings: list[Finding] = field(default_factory=list)


def _submit_inspections(user, items: list[InspectionInput]) -> list[ItemResult]:
    results: list[ItemResult | None] = [None] * len(items)
    firsts, repeats = _first_occurrences([item.id for item in items])
    stored = Inspection.objects.in_bulk([items[i].id for i in firsts])

    existing_findings = _stored_findings([f.id for i in firsts if items[i].id in stored for f in items[i].findings])
    candidates = []
    late: list[tuple[int, int]] = []  # (item, finding) positions of findings new to the server in a stored item
    for i in firsts:
        data = items[i]
        inspection = stored.get(data.id)
        if inspection is None:
            candidates.append(_Candidate(i, data))
        elif inspection.inspector_id != user.pk:
            results[i] = _delegated(lambda data=data: (_existing(user, data.id), False), data.id)
        else:
            differences = _inspection_differences(inspection, existing_findings, data)
            results[i] = ItemResult(data.id, Status.EXISTING, differences=differences)
            late.extend((i, k) for k, finding in enumerate(data.findings) if finding.id not in existing_findings)

    _check_candidates(user, candidates)
    for candidate in candidates:
        if not candidate.valid and candidate.error is None:
            results[candidate.index] = _delegated(
                lambda data=candidate.data: inspection_submit(user=user, data=data), candidate.data.id
            )
        elif not candidate.valid:
            results[candidate.index] = ItemResult(candidate.data.id, Status.REFUSED, error=candidate.error)

    valid = [c for c in candidates if c.valid]
    _mark_likely_duplicates([f for c in valid for f in c.findings])
    insert_new(Inspection, [c.inspection for c in valid], known_ewkb=known_ewkb)
    insert_new(Finding, [f for c in valid for f in c.findings], known_ewkb=known_ewkb)
    tasks_register([f for c in valid for f in c.findings])
    for candidate in valid:
        results[candidate.index] = ItemResult(candidate.data.id, Status.CREATED)
    if late:
        _add_late_findings(user, items, results, late)

    if repeats:
        for index, result in zip(repeats, _submit_inspections(user, [items[i] for i in repeats]), strict=True):
            results[index] = result
    return results


def _check_candidates(user, candidates: list[_Candidate]) -> None:
    """inspection_submit's checks, set-based; marks each candidate valid (with its rows built) or not."""
    if not candidates:
        return
    hotspot_ids = {c.data.hotspot.pk for c in candidates if c.data.hotspot is not None}
    usable = set(
        hotspots_for_user(user).filter(pk__in=hotspot_ids, active=True).values_list("pk", flat=True)
        if hotspot_ids
        else []
    )
    for c in candidates:
        data = c.data
        try:
            if data.hotspot is not None and data.hotspot.pk not in usable:
                raise ValidationError("hotspot")
            _check_phase(data)
            anchor = data.location or (hotspot_anchor(data.hotspot) if data.hotspot else None) or data.position
            if anchor is None:
                raise ValidationError("location")
            c.location = clean_wgs84_point(anchor)
            c.position = clean_wgs84_point(data.position) if data.position is not None else None
            c.finding_points = [
                clean_wgs84_point(item.location) if item.location else c.location for item in data.findings
            ]
        except ValidationError:
            c.valid = False

    live = [c for c in candidates if c.valid]
    jurisdictions = iter(jurisdiction_ids([p for c in live for p in [c.location, *c.finding_points]]))
    finding_jurisdictions = {}
    for c in live:
        c.jurisdiction_id = next(jurisdictions)
        finding_jurisdictions[c.index] = [next(jurisdictions) for _ in c.finding_points]
    in_scope = set(
        jurisdictions_for_user(user)
        .filter(pk__in={c.jurisdiction_id for c in live if c.jurisdiction_id is not None})
        .values_list("pk", flat=True)
    )
    finding_ids = [item.id for c in live for item in c.data.findings]
    taken = set(Finding.objects.filter(pk__in=finding_ids).values_list("pk", flat=True)) if finding_ids else set()
    for c in live:
        ids = [item.id for item in c.data.findings]
        c.valid = (
            c.jurisdiction_id in in_scope and None not in finding_jurisdictions[c.index] and not taken.intersection(ids)
        )
        if c.valid:
            c.inspection = Inspection(
                id=c.data.id,
                inspector=user,
                hotspot=c.data.hotspot,
                phase=c.data.phase,
                jurisdiction_id=c.jurisdiction_id,
                location=c.location,
                started_at=c.data.started_at,
                ended_at=c.data.ended_at,
                position=c.position,
                position_accuracy_m=c.data.accuracy_m,
                answers=c.data.answers,
                checklist_version=c.data.checklist_version,
            )
    live = [c for c in live if c.valid]
    for c, valid in zip(live, _valid_each([c.inspection for c in live], INSPECTION_FOREIGN_KEYS), strict=True):
        c.valid = valid

    live = [c for c in live if c.valid]
    findings = _build_findings(
        user,
        owners=[c.inspection for c in live for _ in c.data.findings],
        inputs=[item for c in live for item in c.data.findings],
        points=[p for c in live for p in c.finding_points],
        jurisdiction_ids=[j for c in live for j in finding_jurisdictions[c.index]],
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
        twice = repeated_finding_ids(c.data.findings)
        clash = [item_id for item_id in ids if item_id in claimed]
        if twice:
            c.valid = False
            c.error = ValidationError({"findings": _("Finding id %(id)s is listed twice.") % {"id": twice[0]}})
        elif clash:
            c.valid = False
            c.error = Conflict(_("Finding id %(id)s is already used by another inspection.") % {"id": clash[0]})
        else:
            claimed.update(item.id for item in c.data.findings)


_MEMO_TYPES = frozenset({str, int, float, bool})  # values that repeat across a batch and hash cheaply


def _valid_each(instances: list, foreign_keys: list[str]) -> list[bool]:
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


def _build_findings(user, *, owners, inputs, points, jurisdiction_ids) -> list[Finding | None]:
    """The findings as `_build_finding` makes them (without the likely duplicate, marked once all are known);
    None for one its validation refuses."""
    if not inputs:
        return []
    routes = route_points(points)
    findings = []
    for i, (inspection, item, point, jurisdiction_id) in enumerate(
        zip(owners, inputs, points, jurisdiction_ids, strict=True)
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
    valid = _valid_each(findings, FINDING_FOREIGN_KEYS)
    return [finding if ok else None for finding, ok in zip(findings, valid, strict=True)]


@dataclass
class _FindingCandidate:
    index: int
    item: FindingItem
    valid: bool = True
    point: Point | None = None
    jurisdiction_id: int | None = None
    finding: Finding | None = None


def _add_late_findings(user, items, results: list, late: list[tuple[int, int]]) -> None:
    """Findings that only this version of a stored inspection has (edited on another device) are observations of
    their own, keyed by their own ids: they are added to the stored inspection, like findings sent separately, so
    no evidence is lost; they are then no longer a difference. One that cannot be added stays a difference."""
    outcomes = _submit_findings(user, [FindingItem(items[i].id, items[i].findings[k]) for i, k in late])
    added: dict[int, set[str]] = {}
    for (i, k), outcome in zip(late, outcomes, strict=True):
        if outcome.status == Status.CREATED:
            added.setdefault(i, set()).add(f"findings[{k}]")
    for i, names in added.items():
        result = results[i]
        kept = tuple(name for name in result.differences if name not in names)
        results[i] = replace(result, differences=kept, findings_added=len(names))


def _submit_findings(user, items: list[FindingItem]) -> list[ItemResult]:
    results: list[ItemResult | None] = [None] * len(items)
    firsts, repeats = _first_occurrences([item.finding.id for item in items])
    stored = _stored_findings([items[i].finding.id for i in firsts], with_inspector=True)
    inspections = Inspection.objects.in_bulk(
        {items[i].inspection_id for i in firsts if items[i].finding.id not in stored}
    )
    candidates = []
    for i in firsts:
        item = items[i]
        existing = stored.get(item.finding.id)
        inspection = inspections.get(item.inspection_id)
        if existing is not None:
            if existing.inspection_id == item.inspection_id and existing.inspection.inspector_id == user.pk:
                differences = _finding_differences(existing, item.finding)
                results[i] = ItemResult(item.finding.id, Status.EXISTING, differences=differences)
                continue
        elif inspection is not None and inspection.inspector_id == user.pk:
            try:
                point = clean_wgs84_point(item.finding.location or inspection.location)
            except ValidationError:
                point = None
            if point is not None:
                candidates.append(_FindingCandidate(i, item, point=point))
                continue
        candidates.append(_FindingCandidate(i, item, valid=False))

    live = [c for c in candidates if c.valid]
    for c, jurisdiction_id in zip(live, jurisdiction_ids([c.point for c in live]), strict=True):
        c.valid = jurisdiction_id is not None
        c.jurisdiction_id = jurisdiction_id
    live = [c for c in live if c.valid]
    built = _build_findings(
        user,
        owners=[inspections[c.item.inspection_id] for c in live],
        inputs=[c.item.finding for c in live],
        points=[c.point for c in live],
        jurisdiction_ids=[c.jurisdiction_id for c in live],
    )
    for c, finding in zip(live, built, strict=True):
        c.finding, c.valid = finding, finding is not None

    for c in candidates:
        if not c.valid:
            item = c.item
            results[c.index] = _delegated(
                lambda item=item: finding_add(user=user, inspection_id=item.inspection_id, data=item.finding),
                item.finding.id,
            )
    valid = [c for c in candidates if c.valid]
    _mark_likely_duplicates([c.finding for c in valid])
    insert_new(Finding, [c.finding for c in valid], known_ewkb=known_ewkb)
    tasks_register([c.finding for c in valid])
    for c in valid:
        results[c.index] = ItemResult(c.item.finding.id, Status.CREATED)

    if repeats:
        for index, result in zip(repeats, _submit_findings(user, [items[i] for i in repeats]), strict=True):
            results[index] = result
    return results


# ---------------------------------------------------------------- replays: what differs from the stored record


def _stored_findings(ids: Iterable[uuid.UUID], *, with_inspector: bool = False) -> dict[uuid.UUID, Finding]:
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


def _same_point(a: Point | None, b: Point | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if b.srid != WGS84:
        try:
            b = clean_point(b)
        except ValidationError:
            return False
    return a.equals_exact(b)


def _inspection_differences(
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
    if data.location is not None and not _same_point(stored.location, data.location):
        differences.append("location")
    if not _same_point(stored.position, data.position) or stored.position_accuracy_m != data.accuracy_m:
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
            differences.extend(f"findings[{index}].{name}" for name in _finding_differences(finding, item))
    return tuple(differences)


def _finding_differences(stored: Finding, item: FindingInput) -> tuple[str, ...]:
    differences = []
    if stored.problem_type_id != item.problem_type.pk:
        differences.append("problem_type")
    if stored.severity != (item.severity or item.problem_type.default_severity):
        differences.append("severity")
    if stored.description != item.description:
        differences.append("description")
    if item.location is not None and not _same_point(stored.location, item.location):
        differences.append("location")
    return tuple(differences)


# ---------------------------------------------------------------- likely duplicates


def _mark_likely_duplicates(findings: list[Finding]) -> None:
    """`likely_duplicate` for each finding in order, as if the ones before it had been saved already: the nearest
    open finding of the same type within the radius, from another inspection; on a tie the older one."""
    if not findings:
        return
    radius = settings.DUPLICATE_FINDING_RADIUS_M
    points = [f.location for f in findings]
    pads = [degrees_for_metres(radius, point_xy(p)[1]) for p in points]
    cell = max(pads)  # a finding's box (its pad each way) lies within the 3 × 3 cells around its own

    def key(x, y):
        return math.floor(x / cell), math.floor(y / cell)

    # Possible matches by (problem type, cell): (x, y, inspection, age, pk). The stored are older than the batch's,
    # which are appended in batch order as they are marked.
    grid: dict[tuple, list[tuple]] = defaultdict(list)
    stored = Finding.objects.filter(
        reach("location", points, radius),
        problem_type_id__in={f.problem_type_id for f in findings},
        is_open=True,
    ).values_list("pk", "problem_type_id", "inspection_id", "location", "created_at")
    for pk, type_id, inspection_id, location, created_at in stored:
        x, y = point_xy(location)
        grid[(type_id, *key(x, y))].append((x, y, inspection_id, (0, created_at.timestamp()), pk))
    for order, (finding, pad) in enumerate(zip(findings, pads, strict=True)):
        x, y = point_xy(finding.location)
        cx, cy = key(x, y)
        matches = []
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for ox, oy, inspection_id, age, pk in grid.get((finding.problem_type_id, cx + dx, cy + dy), ()):
                    if inspection_id == finding.inspection_id or not (
                        x - pad <= ox <= x + pad and y - pad <= oy <= y + pad
                    ):
                        continue
                    distance = distance_m(x, y, ox, oy)
                    if distance <= radius:
                        matches.append((distance, age, pk))
        finding.likely_duplicate_of_id = min(matches, key=lambda m: m[:2])[2] if matches else None
        grid[(finding.problem_type_id, cx, cy)].append((x, y, finding.inspection_id, (1, order), finding.pk))


__all__ = [
    "FindingItem",
    "ItemResult",
    "Status",
    "finding_add",
    "findings_submit_batch",
    "inspections_submit_batch",
]
