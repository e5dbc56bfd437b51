"""The events a task's move causes: a new task for the unit it is dispatched to, and a rejected fix."""

import logging

from inspections.models import NotificationEvent, TaskEvent, TaskStatus
from inspections.notifications.jobs import deliver_notifications
from inspections.notifications.occurrences import Occurrence, move_occurrence, occurrence_record
from inspections.notifications.recipients import unit_members
from inspections.notifications.texts import TASK_RELATIONS
from inspections.workflow import Action

logger = logging.getLogger(__name__)

# Registering a finding straight to a unit (inspections.services.tasks.REGISTER), dispatching it, resuming it.
NEW_TASK_ACTIONS = frozenset({"register", Action.DISPATCH, Action.RESUME})


def occurrence_of_move(task_event: TaskEvent) -> Occurrence | None:
    if task_event.to_status == TaskStatus.DISPATCHED and task_event.action in NEW_TASK_ACTIONS:
        return move_occurrence(NotificationEvent.NEW_TASK, task_event)
    if task_event.action == Action.REJECT:
        return move_occurrence(NotificationEvent.FIX_REJECTED, task_event)
    return None


def move_record(event_id: int) -> list[str]:
    """Record the notifications of one move for the members of the task's unit; returns the occurrence keys."""
    task_event = (
        TaskEvent.objects.select_related(*(f"task__{relation}" for relation in TASK_RELATIONS))
        .filter(pk=event_id)
        .first()
    )
    if task_event is None or task_event.unit_id is None:
        return []
    occurrence = occurrence_of_move(task_event)
    if occurrence is None:
        return []
    recorded = occurrence_record(occurrence, unit_members(task_event.unit_id))
    return [occurrence.key] if recorded else []


def notify_move(event_id: int) -> None:
    """Called after the commit of each task move: records the events it causes, then sends them.

    The move is committed whatever happens here: a failure is logged, and what was recorded but not sent is sent
    by the reminder job.
    """
    try:
        keys = move_record(event_id)
    except Exception:
        logger.exception("Could not record the notifications of task move %s.", event_id)
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
        logger.exception("Could not send the notifications of task move %s now; the reminder job retries.", event_id)
