"""The events a task's move causes: a new task for the unit it is dispatched to, and a rejected fix."""

import logging
from collections import defaultdict

from geo.models import Unit
from inspections.models import NotificationEvent, TaskEvent, TaskStatus
from inspections.rectification.notifications.background import deliver_notifications
from inspections.rectification.notifications.occurrences import Occurrence, move_occurrence, occurrences_record
from inspections.rectification.notifications.recipients import units_members
from inspections.rectification.notifications.texts import TASK_RELATIONS
from inspections.rectification.workflow import REGISTER, Action

logger = logging.getLogger(__name__)

# Registering a finding straight to a unit, dispatching it, resuming it.
NEW_TASK_ACTIONS = frozenset({REGISTER, Action.DISPATCH, Action.RESUME})


def event_of_move(action: str, to_status: str) -> str | None:
    """The notification event a move causes, if any."""
    if to_status == TaskStatus.DISPATCHED and action in NEW_TASK_ACTIONS:
        return NotificationEvent.NEW_TASK
    if action == Action.REJECT:
        return NotificationEvent.FIX_REJECTED
    return None


def occurrence_of_move(task_event: TaskEvent) -> Occurrence | None:
    event = event_of_move(task_event.action, task_event.to_status)
    return move_occurrence(event, task_event) if event is not None else None


def moves_record(event_ids: list[int]) -> list[str]:
    """Record the notifications of moves for the members of each task's unit; returns the occurrence keys.

    A few queries however many moves: a batch of findings registers hundreds of tasks at once."""
    causing = {
        pk: unit_id
        for pk, action, to_status, unit_id in TaskEvent.objects.filter(
            pk__in=event_ids, unit__isnull=False
        ).values_list("pk", "action", "to_status", "unit_id")
        if event_of_move(action, to_status) is not None
    }
    if not causing:
        return []
    units = set(causing.values())
    members = defaultdict(list)
    for user in units_members(units):
        members[user.unit_id].append(user)
    robots = set(Unit.objects.filter(pk__in=units, active=True).exclude(webhook_url="").values_list("pk", flat=True))
    # Only the moves with somebody to tell are read whole.
    task_events = TaskEvent.objects.select_related(*(f"task__{relation}" for relation in TASK_RELATIONS)).filter(
        pk__in=causing, unit_id__in=set(members) | robots
    )
    return occurrences_record((occurrence_of_move(event), members[event.unit_id]) for event in task_events)


def notify_move(event_id: int) -> None:
    """Called after the commit of each task move: records the events it causes, then sends them."""
    notify_moves([event_id])


def notify_moves(event_ids: list[int]) -> None:
    """``notify_move`` for the moves of one commit (the tasks a sync batch registered).

    The moves are committed whatever happens here: a failure is logged, and what was recorded but not sent is sent
    by the reminder job.
    """
    try:
        keys = moves_record(event_ids)
    except Exception:
        logger.exception("Could not record the notifications of task moves %s.", event_ids)
        return
    if not keys:
        return
    try:
        if deliver_notifications.app.conf.task_always_eager:
            # No broker: send now, in this process (``delay`` would still look for a broker connection).
            deliver_notifications.apply(args=[keys])
        else:
            deliver_notifications.delay(keys)
    except Exception:
        logger.exception("Could not send the notifications of task moves %s now; the reminder job retries.", event_ids)
