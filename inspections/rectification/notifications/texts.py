"""What a notification says, in the active language: rendered from the event and the task, never stored."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inspections.models import NotificationEvent, Task

TITLES = {
    NotificationEvent.NEW_TASK: _("New task: %(problem)s"),
    NotificationEvent.DEADLINE_APPROACHING: _("Deadline approaching: %(problem)s"),
    NotificationEvent.OVERDUE: _("Overdue: %(problem)s"),
    NotificationEvent.FIX_REJECTED: _("Fix rejected: %(problem)s"),
}
TEXTS = {
    NotificationEvent.NEW_TASK: _("%(problem)s at %(place)s has been dispatched to %(unit)s; deadline %(deadline)s"),
    NotificationEvent.DEADLINE_APPROACHING: _(
        "%(problem)s at %(place)s is due %(deadline)s: fix it and report back before then."
    ),
    NotificationEvent.OVERDUE: _(
        "%(problem)s at %(place)s was not fixed by its deadline %(deadline)s (%(unit)s). "
        "It is escalated to the unit's head and the area's managers."
    ),
    NotificationEvent.FIX_REJECTED: _(
        "The fix of %(problem)s at %(place)s did not pass verification: rework it. Deadline %(deadline)s"
    ),
}
# What rendering a notification reads, for select_related.
TASK_RELATIONS = ("finding__problem_type", "hotspot", "jurisdiction", "unit")


@dataclass(frozen=True)
class Message:
    title: str
    text: str


def when(value: datetime | None) -> str:
    """A deadline in the active language's format, in the district's time zone."""
    if value is None:
        return gettext("no deadline")
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def place_of(task: Task) -> str:
    return task.hotspot.name if task.hotspot_id else task.jurisdiction.display_name


def task_facts(task: Task, *, deadline: datetime | None = None) -> dict[str, str]:
    """The task as a notification tells it; ``deadline`` is the one of the occurrence when it differs from now."""
    finding = task.finding
    return {
        "problem": finding.problem_type.display_name,
        "severity": finding.get_severity_display(),
        "place": place_of(task),
        "unit": task.unit.display_name if task.unit_id else gettext("no unit"),
        "deadline": when(deadline or task.due_at),
        "status": task.get_status_display(),
    }


def message_for(event: str, task: Task, *, deadline: datetime | None = None) -> Message:
    facts = task_facts(task, deadline=deadline)
    return Message(title=str(TITLES[event]) % facts, text=str(TEXTS[event]) % facts)


def task_path(task: Task) -> str:
    return reverse("tasks:task-detail", args=[task.pk])


def task_url(task: Task) -> str:
    """The task page as an absolute address, for e-mails and group robots (``settings.SITE_URL``)."""
    return f"{settings.SITE_URL.rstrip('/')}{task_path(task)}"
