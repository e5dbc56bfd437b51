"""The two batch services: each item's outcome in order, the stored ones compared, the new ones checked and
inserted together, the invalid ones handed to the single-item service for their reason."""

import logging
import uuid
from collections.abc import Sequence
from dataclasses import replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from geo.routing import known_ewkb
from inspections.bulk_insert import insert_new
from inspections.errors import Conflict
from inspections.evidence.batch.candidates import (
    FindingCandidate,
    InspectionCandidate,
    check_findings,
    check_inspections,
)
from inspections.evidence.batch.duplicates import mark_likely_duplicates
from inspections.evidence.batch.items import FindingItem, ItemResult, Status
from inspections.evidence.batch.replays import finding_differences, inspection_differences, stored_findings
from inspections.evidence.inspections import (
    InspectionInput,
    check_own_finding,
    check_own_inspection,
    check_parent_inspection,
    finding_add,
    inspecting_roles_only,
    inspection_submit,
)
from inspections.models import Finding, Inspection
from inspections.permissions import can_submit_inspection
from inspections.rectification.tasks import tasks_register

logger = logging.getLogger(__name__)

ATTEMPTS = 3  # set-based rounds before falling back to one savepoint per item


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


def _submit_inspections(user, items: list[InspectionInput]) -> list[ItemResult]:
    results: list[ItemResult | None] = [None] * len(items)
    firsts, repeats = _first_occurrences([item.id for item in items])
    stored = Inspection.objects.in_bulk([items[i].id for i in firsts])

    existing_findings = stored_findings([f.id for i in firsts if items[i].id in stored for f in items[i].findings])
    candidates = []
    late: list[tuple[int, int]] = []  # (item, finding) positions of findings new to the server in a stored item
    for i in firsts:
        data = items[i]
        inspection = stored.get(data.id)
        if inspection is None:
            candidates.append(InspectionCandidate(i, data))
            continue
        try:
            check_own_inspection(user, inspection)
        except Conflict as exc:
            results[i] = ItemResult(data.id, Status.REFUSED, error=exc)
            continue
        differences = inspection_differences(inspection, existing_findings, data)
        results[i] = ItemResult(data.id, Status.EXISTING, differences=differences)
        late.extend((i, k) for k, finding in enumerate(data.findings) if finding.id not in existing_findings)

    check_inspections(user, candidates)
    for candidate in candidates:
        if not candidate.valid and candidate.error is None:
            results[candidate.index] = _delegated(
                lambda data=candidate.data: inspection_submit(user=user, data=data), candidate.data.id
            )
        elif not candidate.valid:
            results[candidate.index] = ItemResult(candidate.data.id, Status.REFUSED, error=candidate.error)

    valid = [c for c in candidates if c.valid]
    mark_likely_duplicates([f for c in valid for f in c.findings])
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
    stored = stored_findings([items[i].finding.id for i in firsts], with_inspector=True)
    inspections = Inspection.objects.select_related("hotspot").in_bulk(
        {items[i].inspection_id for i in firsts if items[i].finding.id not in stored}
    )
    candidates = []
    for i in firsts:
        item = items[i]
        existing = stored.get(item.finding.id)
        try:
            if existing is not None:
                check_own_finding(user, item.inspection_id, existing)
                differences = finding_differences(existing, item.finding)
                results[i] = ItemResult(item.finding.id, Status.EXISTING, differences=differences)
                continue
            inspection = check_parent_inspection(user, item.inspection_id, inspections.get(item.inspection_id))
        except (ValidationError, Conflict) as exc:
            results[i] = ItemResult(item.finding.id, Status.REFUSED, error=exc)
            continue
        candidates.append(FindingCandidate(i, inspection, item.finding))

    check_findings(user, candidates)
    for c in candidates:
        if not c.valid and c.error is None:
            results[c.index] = _delegated(
                lambda c=c: finding_add(user=user, inspection_id=c.inspection.pk, data=c.data), c.data.id
            )
        elif not c.valid:
            results[c.index] = ItemResult(c.data.id, Status.REFUSED, error=c.error)
    valid = [c for c in candidates if c.valid]
    mark_likely_duplicates([c.finding for c in valid])
    insert_new(Finding, [c.finding for c in valid], known_ewkb=known_ewkb)
    tasks_register([c.finding for c in valid])
    for c in valid:
        results[c.index] = ItemResult(c.data.id, Status.CREATED)

    if repeats:
        for index, result in zip(repeats, _submit_findings(user, [items[i] for i in repeats]), strict=True):
            results[index] = result
    return results
