"""Reminders: "deadline approaching" and "overdue" (超期, escalated: 督办), then the retries.

Run by the periodic job (``inspections.rectification.jobs``), after it has given waiting tasks their deadlines.
Each run:

1. escalates every task still with its unit after its deadline to the unit's head(s), the managers of the task's
   area and the unit's group robot;
2. tells the unit's members and robot about each task whose deadline is at most ``TASK_REMINDER_WORKING_HOURS``
   working hours away (on the official calendar) and not yet past;
3. sends what it recorded; before that it retries the e-mails and robot messages that failed earlier.

An occurrence is told once, to the people concerned when it happens: a second run finds its key and skips it, and
two runs at once record it once (unique keys) and send it once (each delivery is claimed before it is sent).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from inspections.models import Notification, NotificationEvent, Task, WebhookDelivery
from inspections.rectification.notifications.delivery import Delivered, deliveries_send
from inspections.rectification.notifications.occurrences import deadline_occurrence, occurrence_record
from inspections.rectification.notifications.recipients import Escalation, unit_members
from inspections.rectification.notifications.texts import TASK_RELATIONS
from inspections.rectification.workdays import CalendarError, WorkCalendar
from inspections.rectification.workflow import WITH_UNIT

logger = logging.getLogger(__name__)


@dataclass
class ReminderRun:
    overdue: int = 0  # occurrences recorded in this run
    deadline_approaching: int = 0
    calendar_unknown: int = 0  # tasks whose reminder time the calendar could not tell
    deadlines_set: int = 0  # set by the job: tasks given the deadline the calendar could not tell at dispatch
    recorded: Delivered = field(default_factory=Delivered)  # sent for this run's occurrences
    retried: Delivered = field(default_factory=Delivered)  # earlier failures sent again


def reminder_working_hours() -> float:
    return float(getattr(settings, "TASK_REMINDER_WORKING_HOURS", 4))


def task_reminders_send(*, now: datetime | None = None) -> ReminderRun:
    now = now or timezone.now()
    run = ReminderRun()
    # Earlier failures first, so that a message that fails in this run is not tried twice in a row.
    run.retried = deliveries_send()
    keys = _escalate_overdue(now, run)
    keys += _remind_approaching(now, run)
    if keys:
        run.recorded = deliveries_send(keys=keys)
    return run


def _running() -> QuerySet[Task]:
    """Tasks with a unit whose deadline runs."""
    return Task.objects.select_related(*TASK_RELATIONS).filter(
        status__in=WITH_UNIT, unit__isnull=False, due_at__isnull=False
    )


def _told(event: str, tasks: QuerySet[Task]) -> set[str]:
    """The keys of this event already recorded for these tasks."""
    ids = tasks.values("pk")
    keys = set(Notification.objects.filter(event=event, task__in=ids).values_list("key", flat=True).distinct())
    keys |= set(WebhookDelivery.objects.filter(event=event, task__in=ids).values_list("key", flat=True))
    return keys


def _escalate_overdue(now: datetime, run: ReminderRun) -> list[str]:
    tasks = _running().filter(due_at__lt=now)
    told = _told(NotificationEvent.OVERDUE, tasks)
    escalation = None
    keys = []
    for task in tasks.order_by("due_at", "pk"):
        occurrence = deadline_occurrence(NotificationEvent.OVERDUE, task)
        if occurrence.key in told:
            continue
        escalation = escalation or Escalation()
        if occurrence_record(occurrence, escalation.recipients(task)):
            keys.append(occurrence.key)
            run.overdue += 1
    return keys


def _remind_approaching(now: datetime, run: ReminderRun) -> list[str]:
    tasks = _running().filter(due_at__gte=now)
    told = _told(NotificationEvent.DEADLINE_APPROACHING, tasks)
    hours = reminder_working_hours()
    calendar = WorkCalendar()
    members: dict[int, list] = {}
    keys = []
    for task in tasks.order_by("due_at", "pk"):
        occurrence = deadline_occurrence(NotificationEvent.DEADLINE_APPROACHING, task)
        if occurrence.key in told:
            continue
        try:
            reminder_at = calendar.subtract_working_hours(task.due_at, hours)
        except CalendarError as error:
            logger.warning("No deadline reminder for task %s: %s", task.pk, error)
            run.calendar_unknown += 1
            continue
        if now < reminder_at:
            continue
        if task.unit_id not in members:
            members[task.unit_id] = list(unit_members(task.unit_id))
        if occurrence_record(occurrence, members[task.unit_id]):
            keys.append(occurrence.key)
            run.deadline_approaching += 1
    return keys
