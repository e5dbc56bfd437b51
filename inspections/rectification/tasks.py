"""Rectification tasks: registered from findings, moved through the workflow table, every move audited.

A finding becomes a task in the transaction that stores it (立案). The task goes straight to the unit the
routing primitive named, with a deadline in working days; a finding from the public (a volunteer's) waits for
triage, and one nobody could be routed to waits for a manager to assign it. When a before-photo with location or
time flags arrives for a task no unit has accepted yet, the server holds the task for triage.

Every later change goes through ``task_transition``: the task row is locked, the move is looked up in
``inspections.rectification.workflow.MOVES``, its rules are checked, the task changes and one ``TaskEvent`` row
records it.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.roles import is_volunteer
from geo.layers import sources_changed
from geo.models import Unit
from geo.routing import known_ewkb
from inspections.bulk_insert import insert_new
from inspections.errors import Conflict, MoveForbidden, NotVisible
from inspections.models import Finding, FlagCode, Photo, PhotoRole, Task, TaskEvent, TaskOrigin, TaskStatus
from inspections.permissions import can_manage_task, can_verify_task, can_work_on_task
from inspections.rectification.geofence import metres_outside, photo_position
from inspections.rectification.notifications import notify_move, notify_moves
from inspections.rectification.timing import Bound, Counted, DeviceClock, counted
from inspections.rectification.workdays import CalendarError, WorkCalendar
from inspections.rectification.workflow import (
    AFTER_PHOTOS,
    DEADLINE_SET,
    MOVES,
    RECORDED_IN_PLACE,
    REGISTER,
    WITH_UNIT,
    Action,
    Actor,
    Move,
    MoveField,
    missing_text,
    moves_from,
)
from inspections.selectors import can_view_task, dispatch_units

# Photo flags that make the place or time of the evidence doubtful: the task waits for a manager's triage.
TRIAGE_FLAGS = frozenset({FlagCode.FAR_FROM_FINDING, FlagCode.TAKEN_LONG_BEFORE, FlagCode.CLOCK_AHEAD})


@dataclass(frozen=True)
class MoveInput:
    action: str
    note: str = ""
    position: Point | None = None
    accuracy_m: float | None = None
    photos: Sequence[uuid.UUID] = ()
    unit: Unit | None = None  # dispatch, resume: the unit to send the task to (default: the task's unit)
    due_at: datetime | None = None  # request / approve an extension: the new deadline
    client_id: uuid.UUID | None = None  # the tablet's id of this move: a replay is recorded once
    made_at: datetime | None = None  # when the device says the move was made (offline moves arrive later)
    clock: DeviceClock | None = None  # the sending tablet's clock offset and last drained sync, as measured


@dataclass(frozen=True)
class MoveResult:
    task: Task
    event: TaskEvent | None  # None: nothing changed (the task already was where the move leads)
    created: bool


# ---------------------------------------------------------------- who may make a move


ACTOR_RULES = {
    Actor.UNIT: can_work_on_task,
    Actor.MANAGER: can_manage_task,
    Actor.VERIFIER: can_verify_task,
}


def may_make(user, task: Task, move: Move) -> bool:
    rule = ACTOR_RULES.get(move.actor)
    return rule is not None and rule(user, task)


def allowed_moves(user, task: Task) -> list[str]:
    """The actions this person may take on the task now."""
    return [move.action.value for move in moves_from(task.status) if may_make(user, task, move)]


# ---------------------------------------------------------------- registering tasks for new findings


def deadline(task: Task, start: datetime, calendar: WorkCalendar) -> tuple[datetime | None, str]:
    """The deadline of a task dispatched at ``start``, or (None, why) when the calendar cannot say."""
    finding = task.finding
    days = finding.problem_type.deadline_days(finding.severity)
    try:
        return calendar.add_working_days(start, days), ""
    except CalendarError as error:
        return None, str(error)


def tasks_register(
    findings: Iterable[Finding], *, calendar: WorkCalendar | None = None, now: datetime | None = None
) -> list[Task]:
    """Open a task for each new finding (立案) at ``now`` (default: the current time), inside the caller's
    transaction; notifications go after commit."""
    findings = list(findings)
    if not findings:
        return []
    calendar = calendar or WorkCalendar()
    now = now or timezone.now()
    tasks, events = [], []
    for finding in findings:
        inspection = finding.inspection
        origin = TaskOrigin.PUBLIC if is_volunteer(finding.created_by) else TaskOrigin.INSPECTION
        task = Task(
            id=uuid.uuid4(),
            finding=finding,
            hotspot_id=inspection.hotspot_id,
            location=finding.location,
            jurisdiction_id=finding.jurisdiction_id,
            unit_id=finding.routed_unit_id,
            origin=origin,
            registered_at=now,
            updated_at=now,
        )
        data = {"routing_rule": finding.routing_rule}
        if origin == TaskOrigin.PUBLIC:
            task.status = TaskStatus.TRIAGE
        elif task.unit_id is None:
            task.status = TaskStatus.UNROUTED
        else:
            task.status = TaskStatus.DISPATCHED
            task.dispatched_at = now
            task.due_at, problem = deadline(task, now, calendar)
            if problem:
                data["deadline_problem"] = problem
        tasks.append(task)
        events.append(
            TaskEvent(
                task=task,
                action=REGISTER,
                from_status="",
                to_status=task.status,
                unit_id=task.unit_id,
                due_at=task.due_at,
                at=now,
                data=data,
            )
        )
    insert_new(Task, tasks, known_ewkb=known_ewkb)  # a task is where its finding is: the same point
    insert_new(TaskEvent, events)
    transaction.on_commit(partial(notify_moves, [event.pk for event in events]))
    return tasks


def tasks_deadlines_fill(*, calendar: WorkCalendar | None = None, now: datetime | None = None) -> int:
    """Give its deadline to each task with its unit that has none because the working-day calendar did not know the
    year when the task was dispatched, once it does (the office entered that year's calendar days, or a newer
    calendar package knows it). The deadline counts from the dispatch, as it would have then, so it may already be
    past: the task is then overdue. One audit row per task. Returns how many tasks got their deadline.

    Run by the reminder job and after calendar days are saved in the admin."""
    calendar = calendar or WorkCalendar()
    now = now or timezone.now()
    waiting = Task.objects.filter(status__in=WITH_UNIT, unit__isnull=False, due_at__isnull=True)
    filled = 0
    for task in waiting.select_related("finding__problem_type").order_by("dispatched_at", "pk"):
        start = _deadline_start(task)
        due, _problem = deadline(task, start, calendar)
        if due is None:
            continue
        with transaction.atomic():
            locked = waiting.select_for_update().filter(pk=task.pk).first()
            if locked is None:  # moved or given a deadline meanwhile
                continue
            locked.due_at, locked.updated_at = due, now
            locked.save(update_fields=["due_at", "updated_at"])
            TaskEvent.objects.create(
                task=locked,
                action=DEADLINE_SET,
                at=now,
                from_status=locked.status,
                to_status=locked.status,
                unit=locked.unit,
                due_at=due,
                data={"counted_from": start.isoformat()},
            )
        filled += 1
    return filled


def _deadline_start(task: Task) -> datetime:
    """When the task's deadline started to run: its last dispatch (at registration, by a manager, or on resuming)."""
    dispatches = TaskEvent.objects.filter(
        task=task, to_status=TaskStatus.DISPATCHED, action__in=[REGISTER, Action.DISPATCH, Action.RESUME]
    )
    return dispatches.order_by("-at").values_list("at", flat=True).first() or task.dispatched_at or task.registered_at


def task_hold_if_flagged(photo: Photo, *, now: datetime | None = None) -> TaskEvent | None:
    """Hold a dispatched, not yet accepted task for triage when a before-photo's place or time is doubtful, at
    ``now`` (default: the current time)."""
    if photo.finding_id is None or photo.role != PhotoRole.BEFORE:
        return None
    codes = sorted(set(photo.flags.values_list("code", flat=True)) & TRIAGE_FLAGS)
    if not codes:
        return None
    with transaction.atomic():
        task = Task.objects.select_for_update().filter(finding_id=photo.finding_id).first()
        move = MOVES[Action.HOLD]
        if task is None or task.status not in move.sources:
            return None
        data = MoveInput(action=move.action, photos=[photo.pk])
        now = now or timezone.now()
        return _apply(task, move, data, None, [photo], {"flags": codes}, now, now)


# ---------------------------------------------------------------- moving a task


def task_transition(*, user, task_id: uuid.UUID, data: MoveInput, now: datetime | None = None) -> MoveResult:
    """Make one move of the workflow table at ``now`` (default: the current time), or say why not.

    Raises NotVisible (404) for a task the person cannot see, ValidationError (400) for an unknown action or a
    missing or wrong detail (note, unit, deadline, position, photos outside the geofence), MoveForbidden (403)
    when the move is not theirs to make, Conflict (409) when the task's state does not allow it (with the current
    state and the allowed moves). Making a move the task has already made is a no-op (created False, no event);
    replaying a move under the same ``client_id`` returns the recorded one.
    """
    now = now or timezone.now()
    move = MOVES.get(data.action)
    if move is None or move.actor == Actor.SYSTEM:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": data.action}})
    try:
        with transaction.atomic():
            return _transition(user, task_id, move, data, now)
    except IntegrityError:
        # The same move (same client id) arrived twice at once: the other request recorded it.
        replayed = _replayed(user, task_id, data)
        if replayed is None:
            raise
        return replayed


def _replayed(user, task_id, data: MoveInput) -> MoveResult | None:
    if data.client_id is None:
        return None
    event = TaskEvent.objects.select_related("task").filter(client_id=data.client_id).first()
    if event is None:
        return None
    if event.task_id != task_id or event.action != data.action or event.actor_id != user.pk:
        raise Conflict(_("Move id %(id)s is already used for another move.") % {"id": data.client_id})
    return MoveResult(event.task, event, False)


def _transition(user, task_id, move: Move, data: MoveInput, now: datetime) -> MoveResult:
    replayed = _replayed(user, task_id, data)
    if replayed is not None:
        return replayed
    task = Task.objects.select_for_update().filter(pk=task_id).first()
    if task is None or not can_view_task(user, task):
        raise NotVisible(_("No such task for you."))
    allowed = allowed_moves(user, task)
    details = {"status": task.status, "allowed_transitions": allowed}
    if not may_make(user, task, move):
        raise MoveForbidden(
            _("The move “%(action)s” is not yours to make on this task.") % {"action": move.label}, **details
        )
    if task.status not in move.sources:
        if task.status == move.target and move.action not in RECORDED_IN_PLACE:
            return MoveResult(task, None, False)
        raise Conflict(
            _("The task is “%(status)s”: it cannot be moved with “%(action)s” now.")
            % {"status": task.get_status_display(), "action": move.label},
            **details,
        )
    _check_required(task, move, data)
    photos = _photos(task, data.photos)
    timing = made_at(task, data, photos, now)
    made = timing.at
    extra = _check_and_apply_rules(user, task, move, data, photos, made, now)
    event = _apply(task, move, data, user, photos, extra | _timing_details(timing, data), made, now, timing.offset)
    return MoveResult(task, event, True)


def given(task: Task, field: MoveField, data: MoveInput):
    """What the move gives for one of its fields, or what stands in for it (the field's fallback on the task)."""
    value = getattr(data, field.name)
    if isinstance(value, str):
        value = value.strip()
    if not value and field.fallback:
        value = getattr(task, field.fallback)
    return value


def _check_required(task: Task, move: Move, data: MoveInput) -> None:
    missing = {
        field.name: missing_text(move, field)
        for field in move.fields
        if field.required and not given(task, field, data)
    }
    if missing:
        raise ValidationError(missing)


def _photos(task: Task, ids: Sequence[uuid.UUID]) -> list[Photo]:
    ids = list(dict.fromkeys(ids))
    photos = list(Photo.objects.select_related("file").filter(pk__in=ids, finding_id=task.finding_id))
    missing = set(ids) - {photo.pk for photo in photos}
    if missing:
        raise ValidationError(
            {
                "photos": _("Photo %(id)s is not a photo of this task's finding (or not uploaded yet).")
                % {"id": missing.pop()}
            }
        )
    return photos


def made_at(task: Task, data: MoveInput, photos: Sequence[Photo], now: datetime) -> Counted:
    """When the move received at ``now`` counts as made: the device's time for a move made offline, corrected by
    its clock offset and within what the server can check (``inspections.rectification.timing``); else ``now``."""
    if data.made_at is None:
        return Counted(now, Bound.RECEIVED)
    events = TaskEvent.objects.filter(task=task).order_by("-at")
    last = events.values_list("counted_at", "at").first()
    previous = (last[0] or last[1]) if last else task.registered_at
    return counted(claimed=data.made_at, received=now, previous=previous, photos=photos, clock=data.clock)


def _timing_details(timing: Counted, data: MoveInput) -> dict:
    """The audit row's words on a device's last drained sync when it decided the counted time."""
    if timing.bound == Bound.LAST_SYNC:
        return {"bound": timing.bound.value, "last_sync": data.clock.drained_at.isoformat()}
    return {}


def _check_and_apply_rules(
    user, task: Task, move: Move, data: MoveInput, photos: list[Photo], made: datetime, now: datetime
) -> dict:
    """The rules particular to some moves, for a move counted as ``made`` and received ``now``; changes the task's
    fields (not its status). Returns audit details."""
    action = move.action
    fields = {field.name: field for field in move.fields}
    if action in (Action.DISPATCH, Action.RESUME):
        unit = given(task, fields["unit"], data)
        if not unit.active:
            raise ValidationError({"unit": _("The unit %(unit)s is not active.") % {"unit": unit}})
        if not dispatch_units(user, task).filter(pk=unit.pk).exists():
            raise ValidationError(
                {"unit": _("The unit %(unit)s is neither in your area nor serving this place.") % {"unit": unit}}
            )
        task.unit = unit
        task.dispatched_at = task.dispatched_at or made
        task.due_at, problem = deadline(task, made, WorkCalendar())
        return {"deadline_problem": problem} if problem else {}
    if action == Action.CHECK_IN:
        outside = metres_outside(task, data.position)
        if outside > 0:
            raise ValidationError(
                {"position": _("You are %(m).0f m outside the task's site: go there first.") % {"m": outside}}
            )
        task.checked_in_at = made
        return {}
    if action == Action.SUBMIT:
        checked = _check_after_photos(task, photos)
        if task.checked_in_at is None:
            # A fix needs no separate check-in: an after-photo taken inside the site is the stronger proof of
            # presence, so the arrival is recorded from it (the task's "arrived on site" is never left empty).
            task.checked_in_at = made
            checked["arrival"] = "after_photo"
        return checked
    if action == Action.VERIFY:
        task.verified_at = made
    elif action == Action.REJECT:
        task.rework_count += 1
    elif action == Action.CLOSE:
        task.closed_at = made
    elif action == Action.RETURN:
        task.return_count += 1
    elif action == Action.REQUEST_EXTENSION:
        task.requested_due_at = _later_deadline(task, given(task, fields["due_at"], data), now)
        return {"requested_due_at": task.requested_due_at.isoformat()}
    elif action == Action.APPROVE_EXTENSION:
        granted = _later_deadline(task, given(task, fields["due_at"], data), now)
        previous = task.due_at
        task.due_at, task.requested_due_at = granted, None
        task.extension_count += 1
        return {"previous_due_at": previous.isoformat() if previous else None}
    elif action == Action.REFUSE_EXTENSION:
        task.requested_due_at = None
    elif action == Action.DEFER:
        task.was_deferred = True
    return {}


def _later_deadline(task: Task, due_at: datetime, now: datetime) -> datetime:
    if timezone.is_naive(due_at):
        raise ValidationError({"due_at": _("Give the deadline with its time zone.")})
    if task.due_at is not None and due_at <= task.due_at:
        raise ValidationError(
            {
                "due_at": _("The new deadline must be later than the current one (%(due)s).")
                % {"due": date_format(timezone.localtime(task.due_at), "DATETIME_FORMAT")}
            }
        )
    if due_at <= now:
        raise ValidationError({"due_at": _("The new deadline must be in the future.")})
    return due_at


def _check_after_photos(task: Task, photos: list[Photo]) -> dict:
    """At least one after-photo taken inside the geofence; the others are kept, and the refusal says how far."""
    after = [photo for photo in photos if photo.role == AFTER_PHOTOS.photo_role]
    if not after:
        raise ValidationError({"photos": missing_text(MOVES[Action.SUBMIT], AFTER_PHOTOS)})
    distances = {}
    for photo in after:
        where = photo_position(photo)
        distances[str(photo.pk)] = None if where is None else round(metres_outside(task, where), 1)
    if not any(distance == 0 for distance in distances.values()):
        known = [distance for distance in distances.values() if distance is not None]
        if known:
            message = _(
                "No after-photo was taken inside the task's site: the nearest is %(m).0f m outside it. "
                "Take one on site."
            ) % {"m": min(known)}
        else:
            message = _("The after-photos carry no position (neither GPS nor the device's): take one on site.")
        raise ValidationError({"photos": message})
    return {"metres_outside": distances}


def _apply(
    task: Task,
    move: Move,
    data: MoveInput,
    user,
    photos: list[Photo],
    extra: dict,
    made: datetime,
    now: datetime,
    offset: timedelta | None = None,
) -> TaskEvent:
    claimed = data.made_at if data.made_at is not None and timezone.is_aware(data.made_at) else None
    previous = task.status
    task.status = move.target
    if move.action == Action.SUBMIT:
        task.submitted_at = made
    task.updated_at = now
    task.save()
    if move.target in (TaskStatus.CLOSED, TaskStatus.VOID):
        Finding.objects.filter(pk=task.finding_id).update(is_open=False)
        sources_changed(Finding)  # update() sends no signal; the findings layer draws is_open
    event = TaskEvent.objects.create(
        task=task,
        client_id=data.client_id,
        action=move.action.value,
        at=now,
        claimed_at=claimed,
        clock_offset=offset if claimed is not None else None,
        counted_at=made,
        from_status=previous,
        to_status=task.status,
        actor=user,
        position=data.position,
        accuracy_m=data.accuracy_m,
        note=data.note.strip(),
        unit=task.unit,
        due_at=task.due_at,
        data=extra,
    )
    if photos:
        event.photos.set(photos)
    transaction.on_commit(partial(notify_move, event.pk))
    return event
