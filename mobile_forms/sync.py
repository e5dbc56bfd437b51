"""The offline sync: a tablet's batch of items becomes calls of the inspections services, and one result per item.

No business rules live here. This module reads the wire format, looks up what the items refer to (a batch at a
time), hands inspections to `inspections_submit_batch` and findings to `findings_submit_batch`, and keeps the
bookkeeping the contract asks for:

- each item answers "created", "existing" or "refused" with a reason, in the batch's order;
- inspections are stored before findings, so a finding may come before its inspection in the same batch; a finding
  whose inspection is not on the server at all is refused with a reason, and the tablet sends it again later;
- a refused item is kept (`SyncRefusal`, one row per sender and item content, counting attempts) for managers;
  when the same item is stored on a later attempt its refusal is marked as accepted;
- conflict rule: an id already stored by the same person with different content (edited on two devices) keeps the
  stored version; the other is recorded (`SyncConflict`) and the item answers "existing" with a reason. Findings
  that only the other version has are added to the stored inspection (each has its own id: evidence is never
  dropped), so their photos find them; what still differs is recorded.

Replaying a batch, any number of times and in any order, creates nothing new: the services are idempotent on the
tablet's UUIDs, and the refusal and conflict records are keyed by the item's digest.

Parsing: items have the shape of `POST /api/inspections/` (plus "type" and "checklist_version"). A well-formed item
is read directly (through the REST serializers, reading alone would take 0.3–0.4 ms per item, about what a whole
replay of an item takes); anything unusual goes through the REST serializers themselves, so what is accepted and
the messages of what is not are the REST API's (tests compare the two readings).

Task moves: an item {"type": "task_move", "id", "task", "action", "note", "position", "photos", "due_at", "at"}
is read like the body of `POST /api/tasks/<task>/transition/` and handed to `task_transition` with the item's id as
the move's client id. A recorded move answers "created"; the same id again (a replay) or a move the task has
already made (a no-op) answers "existing"; whatever the service refuses (a missing detail, the wrong state, a move
that is not the person's, a task they cannot see) is refused with the service's message, and kept like every
refused item. Moves are made after the batch's inspections and findings, one at a time in the order sent, so the
moves of one task apply in that order; each stands on its own (a refused move does not stop the next one, which
the service judges against the task as it then is). `at`, the device's time of the move, sets the task's times
when plausible (a fix submitted offline before its deadline is on time); the audit row keeps the server's time of
recording beside it.

Roles: an item a person's role may not send (a rectifier's inspection or finding) is refused on its own, with the
service's reason, and kept like every refused item; the batch is not answered 403 as a whole, because other item
types (task moves) are a rectifier's to send. A request without credentials is 401.
"""

import contextlib
import dataclasses
import gc
import hashlib
import json
import math
import re
import uuid
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import serializers

from geo.models import Hotspot
from geo.routing import wgs84_point
from inspections.api.serializers import FindingInputSerializer, InspectionInputSerializer
from inspections.api.tasks import TransitionSerializer
from inspections.errors import Conflict, MoveForbidden, NotVisible
from inspections.evidence.batch import (
    FindingItem,
    ItemResult,
    Status,
    findings_submit_batch,
    inspections_submit_batch,
)
from inspections.evidence.inspections import FindingInput, InspectionInput
from inspections.models import Phase, ProblemType, Severity
from inspections.rectification.tasks import task_transition
from mobile_forms.answers import snapshot
from mobile_forms.models import SyncConflict, SyncRefusal
from mobile_forms.selectors import versions_by_id

INSPECTION = "inspection"
FINDING = "finding"
TASK_MOVE = "task_move"
MAX_ITEMS = 1000
MAX_DESCRIPTION = 4000
SEVERITIES = frozenset(Severity.values)
SURROGATES = re.compile("[\ud800-\udfff]")


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


def sync_batch(*, user, device: str, items: list) -> list[Result]:
    """Process one batch for `user` (signed in) from `device`; one Result per item, in order."""
    with _collector_paused():
        return _sync_batch(user, device, items)


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


def _sync_batch(user, device: str, items: list) -> list[Result]:
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

    parsed = _Parser(items, by_type)
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

    for index in moves:
        status, reason = _make_move(user, items[index])
        if status == Status.REFUSED:
            refused[index] = reason
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
    _record(user, device, items, refused, conflicts, accepted)
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


def _make_move(user, item: dict) -> tuple[Status, str | None]:
    """One task move through the workflow service: (created | existing, None) or (refused, the reason)."""
    payload = SyncTaskMoveSerializer(data=item)
    if not payload.is_valid():
        return Status.REFUSED, describe(payload.errors)
    try:
        data = payload.to_input()
    except serializers.ValidationError as error:
        return Status.REFUSED, describe(error.detail)
    try:
        result = task_transition(user=user, task_id=payload.validated_data["task"], data=data)
    except (ValidationError, Conflict, MoveForbidden, NotVisible) as error:
        return Status.REFUSED, describe(error)
    return (Status.CREATED if result.created else Status.EXISTING), None


# ---------------------------------------------------------------- reasons


def describe(error) -> str:
    """A refusal reason a person can act on, from a service's exception or a serializer's errors."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return _join(error.message_dict)
        return " ".join(error.messages)
    if isinstance(error, Conflict | MoveForbidden):
        return error.message
    if isinstance(error, dict | list):
        return _join(error)
    return str(error)


def _join(errors, prefix: str = "") -> str:
    parts = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = "" if key in (NON_FIELD_ERRORS, "non_field_errors") else str(key)
            if prefix and name:
                name = f"{prefix}[{name}]" if name.isdigit() else f"{prefix}.{name}"
            parts.append(_join(value, name or prefix))
    elif isinstance(errors, list) and any(isinstance(value, dict | list) for value in errors):
        parts.extend(_join(value, f"{prefix}[{i}]") for i, value in enumerate(errors) if value)
    else:
        messages = " ".join(str(value) for value in (errors if isinstance(errors, list) else [errors]))
        parts.append(f"{prefix}: {messages}" if prefix else messages)
    return "; ".join(part for part in parts if part)


# ---------------------------------------------------------------- reading the items


class SyncInspectionSerializer(InspectionInputSerializer):
    """The slow, authoritative reading of an inspection item: `POST /api/inspections/` plus its checklist version."""

    checklist_version = serializers.UUIDField(required=False, allow_null=True)


class SyncFindingSerializer(FindingInputSerializer):
    """The slow, authoritative reading of a finding item: a finding of `POST /api/inspections/` and its inspection."""

    inspection = serializers.UUIDField()


class SyncTaskMoveSerializer(TransitionSerializer):
    """A task move of the outbox: the body of `POST /api/tasks/<task>/transition/` plus the task and the move's id."""

    id = serializers.UUIDField(help_text="The tablet's id of this move: a replay is recorded once.")
    task = serializers.UUIDField()


class _Unusual(Exception):
    """The quick reading gives up on this item; the REST serializers read it."""


class _Parser:
    """Turns the batch's items into service inputs (or refusal reasons), looking up what they refer to at once."""

    def __init__(self, items: list, by_type: dict[str, list[int]]):
        self.values: dict[int, InspectionInput | FindingItem | str] = {}
        inspections = [items[i] for i in by_type[INSPECTION]]
        findings = [items[i] for i in by_type[FINDING]]
        every_finding = findings + [f for item in inspections for f in _list(item.get("findings"))]
        self.hotspots = Hotspot.objects.in_bulk(_ints(item.get("hotspot") for item in inspections))
        self.phases = Phase.objects.select_related("campaign").in_bulk(_ints(item.get("phase") for item in inspections))
        codes = {f.get("problem_type") for f in every_finding if isinstance(f, dict)}
        self.problem_types = {
            pt.code: pt for pt in ProblemType.objects.filter(active=True, code__in=[c for c in codes if _text(c)])
        }
        self.versions = versions_by_id(
            item["checklist_version"] for item in inspections if _text(item.get("checklist_version"))
        )
        for index in by_type[INSPECTION]:
            self.values[index] = self._inspection(items[index])
        for index in by_type[FINDING]:
            self.values[index] = self._finding(items[index])

    def _inspection(self, item: dict) -> InspectionInput | str:
        try:
            data = self._quick_inspection(item)
        except _Unusual:
            payload = SyncInspectionSerializer(data=item)
            if not payload.is_valid():
                return describe(payload.errors)
            version = payload.validated_data.get("checklist_version")
            data = dataclasses.replace(payload.to_input(), checklist_version=version)
        if data.checklist_version is None:
            return data
        version = self.versions.get(data.checklist_version)
        if version is None:
            version = versions_by_id([data.checklist_version]).get(data.checklist_version)
        if version is None:
            return _("unknown checklist version %(id)s") % {"id": data.checklist_version}
        try:
            return dataclasses.replace(data, answers=snapshot(version, data.answers))
        except ValidationError as exc:
            return describe(exc)

    def _finding(self, item: dict) -> FindingItem | str:
        try:
            return FindingItem(inspection_id=_uuid(item.get("inspection")), finding=self._quick_finding(item))
        except _Unusual:
            payload = SyncFindingSerializer(data=item)
            if not payload.is_valid():
                return describe(payload.errors)
            data = payload.validated_data
            finding = FindingInput(
                id=data["id"],
                problem_type=data["problem_type"],
                severity=data.get("severity", ""),
                description=data.get("description", ""),
                location=data.get("location"),
            )
            return FindingItem(inspection_id=data["inspection"], finding=finding)

    def _quick_inspection(self, item: dict) -> InspectionInput:
        hotspot = item.get("hotspot")
        if hotspot is not None:
            hotspot = self._get(self.hotspots, hotspot if _int(hotspot) else None)
        phase = self._get(self.phases, item.get("phase") if _int(item.get("phase")) else None)
        position, accuracy = None, None
        if item.get("position") is not None:
            raw = _dict(item["position"])
            position = _point(raw)
            accuracy = raw.get("accuracy")
            if accuracy is not None:
                if not _number(accuracy) or accuracy < 0:
                    raise _Unusual
                accuracy = float(accuracy)
        answers = item.get("answers", {})
        if not isinstance(answers, dict):
            raise _Unusual
        version = item.get("checklist_version")
        findings = item.get("findings", [])
        if not isinstance(findings, list):
            raise _Unusual
        return InspectionInput(
            id=_uuid(item.get("id")),
            phase=phase,
            started_at=_datetime(item.get("started_at")),
            hotspot=hotspot,
            ended_at=_datetime(item["ended_at"]) if item.get("ended_at") is not None else None,
            location=_point(_dict(item["location"])) if item.get("location") is not None else None,
            position=position,
            accuracy_m=accuracy,
            answers=answers or {},
            checklist_version=_uuid(version) if version is not None else None,
            findings=[self._quick_finding(_dict(f)) for f in findings],
        )

    def _quick_finding(self, item: dict) -> FindingInput:
        severity = item.get("severity", "")
        description = item.get("description", "")
        if severity not in SEVERITIES and severity != "":
            raise _Unusual
        if not isinstance(description, str):
            raise _Unusual
        description = description.strip()
        if len(description) > MAX_DESCRIPTION or "\x00" in description or SURROGATES.search(description):
            raise _Unusual
        code = item.get("problem_type")
        return FindingInput(
            id=_uuid(item.get("id")),
            problem_type=self._get(self.problem_types, code if _text(code) else None),
            severity=severity,
            description=description,
            location=_point(_dict(item["location"])) if item.get("location") is not None else None,
        )

    @staticmethod
    def _get(found: dict, key):
        if key is None or key not in found:
            raise _Unusual
        return found[key]


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _ints(values) -> set[int]:
    return {value for value in values if _int(value)}


def _text(value) -> bool:
    return isinstance(value, str) and bool(value)


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    if not isinstance(value, dict):
        raise _Unusual
    return value


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _uuid(value) -> uuid.UUID:
    if not isinstance(value, str):
        raise _Unusual
    try:
        return uuid.UUID(hex=value)
    except ValueError:
        raise _Unusual from None


def _datetime(value):
    if not isinstance(value, str):
        raise _Unusual
    try:
        parsed = parse_datetime(value)
    except ValueError:
        raise _Unusual from None
    if parsed is None or timezone.is_naive(parsed):
        raise _Unusual
    return parsed.astimezone(timezone.get_current_timezone())


def _point(value: dict) -> Point:
    lon, lat = value.get("lon"), value.get("lat")
    if not (_number(lon) and _number(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise _Unusual
    return wgs84_point(float(lon), float(lat))


# ---------------------------------------------------------------- refusals and conflicts


def digest(item) -> str:
    canonical = json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _item_id(item) -> str:
    raw = item.get("id") if isinstance(item, dict) else None
    try:
        return str(uuid.UUID(hex=raw))
    except (TypeError, ValueError, AttributeError):
        return str(raw)[:64] if raw is not None else ""


def _record(user, device, items, refused: dict, conflicts: dict, accepted: list[int]) -> None:
    """Keep refused items and conflicting versions (one row per sender and content), mark refusals accepted later."""
    now = timezone.now()
    with transaction.atomic():
        if refused:
            rows = {}
            for index, reason in refused.items():
                item = items[index]
                item_type = item.get("type") if isinstance(item, dict) else None
                row = SyncRefusal(
                    user=user,
                    device=device,
                    item_type=str(item_type)[:32] if item_type is not None else "",
                    item_id=_item_id(item),
                    digest=digest(item),
                    payload=item,
                    reason=reason,
                    last_seen_at=now,
                )
                rows.setdefault(row.digest, row)
            _upsert(SyncRefusal, user, rows, ["device", "reason", "last_seen_at", "resolved_at"])
        if conflicts:
            rows = {}
            for index, (item_id, differences) in conflicts.items():
                item = items[index]
                row = SyncConflict(
                    user=user,
                    device=device,
                    item_type=item["type"],
                    item_id=item_id,
                    digest=digest(item),
                    payload=item,
                    differences=list(differences),
                    last_seen_at=now,
                )
                rows.setdefault(row.digest, row)
            _upsert(SyncConflict, user, rows, ["device", "differences", "last_seen_at"])
        if accepted:
            ids: dict[str, set[str]] = {}
            for index in accepted:
                ids.setdefault(items[index]["type"], set()).add(_item_id(items[index]))
            same_item = Q()
            for item_type, item_ids in ids.items():
                same_item |= Q(item_type=item_type, item_id__in=item_ids)
            SyncRefusal.objects.filter(same_item, user=user, resolved_at__isnull=True).update(resolved_at=now)


def _upsert(model, user, rows: dict, fields: list[str]) -> None:
    """Insert new rows; for rows already there (same sender and digest) count one more attempt."""
    seen = model.objects.filter(user=user, digest__in=list(rows)).values_list("digest", flat=True)
    seen = set(seen)
    if seen:
        for key in seen:
            row = rows[key]
            values = {name: getattr(row, name) for name in fields}
            model.objects.filter(user=user, digest=key).update(attempts=F("attempts") + 1, **values)
    model.objects.bulk_create([row for key, row in rows.items() if key not in seen], ignore_conflicts=True)
