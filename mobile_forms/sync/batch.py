"""A batch's orchestration: items sorted by type, inspections before findings before task moves, one result each."""

import contextlib
import dataclasses
import gc
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import serializers

from inspections.api.contract import FINDING, INSPECTION, TASK_MOVE
from inspections.errors import Conflict, MoveForbidden, NotVisible
from inspections.evidence.batch import (
    FindingItem,
    ItemResult,
    Status,
    findings_submit_batch,
    inspections_submit_batch,
)
from inspections.evidence.inspections import InspectionInput
from inspections.rectification.tasks import task_transition
from mobile_forms.api.sync_serializers import SyncTaskMoveSerializer
from mobile_forms.sync.devices import Arrival, Queue, device_arrival, device_sync_record
from mobile_forms.sync.parsing import Parser
from mobile_forms.sync.reasons import describe
from mobile_forms.sync.records import batch_record


@dataclass(frozen=True)
class Result:
    id: str | None
    type: str | None
    status: str
    reason: str | None = None

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "status": self.status, "reason": self.reason}


def existing_reason(outcome: ItemResult) -> str | None:
    """Why an item already stored answers "existing" with a reason: another version was kept, findings were added."""
    added = outcome.findings_added
    if outcome.differences and added:
        return ngettext(
            "conflict recorded; the stored version was kept, with the %(count)d new finding of this one added",
            "conflict recorded; the stored version was kept, with the %(count)d new findings of this one added",
            added,
        ) % {"count": added}
    if outcome.differences:
        return _("conflict recorded; the stored version was kept")
    if added:
        return ngettext(
            "%(count)d new finding added to the stored inspection",
            "%(count)d new findings added to the stored inspection",
            added,
        ) % {"count": added}
    return None


def sync_batch(
    *, user, device: str, items: list, device_time: datetime | None = None, queue: Queue | None = None
) -> list[Result]:
    """Process one batch for `user` (signed in) from `device`, whose clock read `device_time` when it sent and which
    said what it still holds (`queue`; None: it did not say); one Result per item, in order."""
    arrival = device_arrival(user=user, device=device, device_time=device_time, received=timezone.now())
    with _collector_paused():
        return _sync_batch(user, device, items, arrival, queue)


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector, paused for one batch. A batch makes thousands of short-lived model
    instances, which set off collections of the whole heap (about 8% of the batch's time, measured); the batch is
    bounded (MAX_ITEMS), objects without cycles are freed as usual meanwhile, and the rest once it is back on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _sync_batch(user, device: str, items: list, arrival: Arrival, queue: Queue | None) -> list[Result]:
    results: list[Result | None] = [None] * len(items)
    refused: dict[int, str] = {}
    conflicts: dict[int, tuple[uuid.UUID, tuple[str, ...]]] = {}
    accepted: list[int] = []
    by_type: dict[str, list[int]] = {INSPECTION: [], FINDING: []}
    moves: list[int] = []

    for index, item in enumerate(items):
        if not isinstance(item, dict):
            refused[index] = _("An item is an object with a “type” and an “id”.")
        elif item.get("type") in by_type:
            by_type[item["type"]].append(index)
        elif item.get("type") == TASK_MOVE:
            moves.append(index)
        else:
            refused[index] = _("Unknown item type “%(type)s”: send inspection, finding or task_move.") % {
                "type": item.get("type")
            }

    parsed = Parser(items, by_type)
    for kind, submit in ((INSPECTION, _submit_inspections), (FINDING, _submit_findings)):
        inputs = {}
        for index in by_type[kind]:
            value = parsed.values[index]
            if isinstance(value, str):
                refused[index] = value
            else:
                inputs[index] = value
        for index, outcome in submit(user, inputs).items():
            if outcome.status == Status.REFUSED:
                refused[index] = describe(outcome.error)
                continue
            accepted.append(index)
            if outcome.differences:
                conflicts[index] = (outcome.id, outcome.differences)
            results[index] = Result(
                _echo(items[index].get("id")),
                kind,
                outcome.status.value,
                existing_reason(outcome),
            )

    refused_claims = []
    for index in moves:
        status, reason, claimed = _make_move(user, items[index], arrival)
        if status == Status.REFUSED:
            refused[index] = reason
            if claimed is not None:
                refused_claims.append(claimed)
            continue
        accepted.append(index)
        results[index] = Result(_echo(items[index].get("id")), TASK_MOVE, status.value)

    for index, reason in refused.items():
        item = items[index]
        item_type = item.get("type") if isinstance(item, dict) else None
        results[index] = Result(
            _echo(item.get("id")) if isinstance(item, dict) else None,
            item_type if isinstance(item_type, str) else None,
            Status.REFUSED.value,
            reason,
        )
    batch_record(user, device, items, refused, conflicts, accepted)
    device_sync_record(user=user, device=device, arrival=arrival, queue=queue, refused_claims=refused_claims)
    return results


def _echo(value) -> str | None:
    """The id as the tablet sent it, so it can match the answer to its outbox."""
    return value if isinstance(value, str) else None


def _submit_inspections(user, inputs: dict[int, InspectionInput]) -> dict[int, ItemResult]:
    try:
        outcomes = inspections_submit_batch(user=user, items=list(inputs.values()))
    except PermissionDenied as exc:
        outcomes = [ItemResult(data.id, Status.REFUSED, error=exc) for data in inputs.values()]
    return dict(zip(inputs, outcomes, strict=True))


def _submit_findings(user, inputs: dict[int, FindingItem]) -> dict[int, ItemResult]:
    try:
        outcomes = findings_submit_batch(user=user, items=list(inputs.values()))
    except PermissionDenied as exc:
        outcomes = [ItemResult(data.finding.id, Status.REFUSED, error=exc) for data in inputs.values()]
    return dict(zip(inputs, outcomes, strict=True))


def _make_move(user, item: dict, arrival: Arrival) -> tuple[Status, str | None, datetime | None]:
    """One task move through the workflow service, with the tablet's clock as measured on arrival: (created |
    existing, None, None) or (refused, the reason, the move's claimed time if it had a readable one)."""
    payload = SyncTaskMoveSerializer(data=item)
    if not payload.is_valid():
        return Status.REFUSED, describe(payload.errors), None
    claimed = payload.validated_data.get("at")
    try:
        data = dataclasses.replace(payload.to_input(), clock=arrival.clock)
    except serializers.ValidationError as error:
        return Status.REFUSED, describe(error.detail), claimed
    try:
        result = task_transition(user=user, task_id=payload.validated_data["task"], data=data)
    except (ValidationError, Conflict, MoveForbidden, NotVisible) as error:
        return Status.REFUSED, describe(error), claimed
    return (Status.CREATED if result.created else Status.EXISTING), None, None
