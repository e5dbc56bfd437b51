"""Occurrences of notification events, each named by a key so that it is recorded once per person and per unit.

Keys are ``<event>:<task id>:<task event id>`` for the events of a move (new task, fix rejected) and
``<event>:<task id>:<deadline in ISO 8601, UTC>`` for the deadline events, so a new deadline (an approved extension,
a new dispatch) is a new occurrence. The unique constraints on (recipient, key) and (unit, key) and inserts that
ignore conflicts make recording the same occurrence twice, or twice at once, record it once.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from inspections.models import Notification, NotificationEvent, Task, TaskEvent, WebhookDelivery
from inspections.rectification.notifications.webhooks import webhook_payload

DEADLINE_EVENTS = frozenset({NotificationEvent.DEADLINE_APPROACHING, NotificationEvent.OVERDUE})


@dataclass(frozen=True)
class Occurrence:
    event: str
    task: Task
    key: str
    note: str = ""  # a rejected fix: the verifier's reason


def move_occurrence(event: str, task_event: TaskEvent) -> Occurrence:
    return Occurrence(
        event=event,
        task=task_event.task,
        key=f"{event}:{task_event.task_id}:{task_event.pk}",
        note=task_event.note if event == NotificationEvent.FIX_REJECTED else "",
    )


def deadline_key(event: str, task_id, due_at: dt.datetime) -> str:
    return f"{event}:{task_id}:{due_at.astimezone(dt.UTC).isoformat()}"


def deadline_occurrence(event: str, task: Task) -> Occurrence:
    return Occurrence(event=event, task=task, key=deadline_key(event, task.pk, task.due_at))


def key_deadline(key: str) -> dt.datetime | None:
    """The deadline a deadline event's key names (the task's deadline may have moved since)."""
    event, _task, rest = (key.split(":", 2) + ["", ""])[:3]
    if event not in DEADLINE_EVENTS:
        return None
    try:
        return dt.datetime.fromisoformat(rest)
    except ValueError:
        return None


def key_task_event_id(key: str) -> int | None:
    """The audit row (TaskEvent) a move event's key names."""
    event, _task, rest = (key.split(":", 2) + ["", ""])[:3]
    if event in DEADLINE_EVENTS or not rest.isdigit():
        return None
    return int(rest)


def occurrence_record(occurrence: Occurrence, recipients: Iterable) -> bool:
    """Record the occurrence for each recipient and for the task's unit's group robot, keeping rows that exist.

    Returns False when there was nobody to tell (no recipient, no robot).
    """
    return bool(occurrences_record([(occurrence, recipients)]))


def occurrences_record(told: Iterable[tuple[Occurrence, Iterable]]) -> list[str]:
    """``occurrence_record`` for many occurrences at once (two inserts); returns the keys of those with somebody to
    tell."""
    notifications, deliveries, keys = [], [], []
    for occurrence, recipients in told:
        task = occurrence.task
        people = sorted({user.pk for user in recipients})
        rows = [Notification(recipient_id=pk, task=task, event=occurrence.event, key=occurrence.key) for pk in people]
        unit = task.unit
        if unit is not None and unit.active and unit.webhook_url:
            deliveries.append(
                WebhookDelivery(
                    unit=unit,
                    task=task,
                    event=occurrence.event,
                    key=occurrence.key,
                    payload=webhook_payload(occurrence, unit),
                )
            )
        elif not rows:
            continue
        notifications += rows
        keys.append(occurrence.key)
    if keys:
        with transaction.atomic():
            Notification.objects.bulk_create(notifications, ignore_conflicts=True)
            WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return keys
