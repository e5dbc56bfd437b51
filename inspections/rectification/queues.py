"""The work queues of the task pages: which tasks wait for whom, read through ``tasks_for_user``.

Each queue is a condition on the person's visible tasks, so one query counts them all. The conditions mirror the
predicates in ``inspections.permissions``: the verification queue holds exactly the submitted tasks
``can_verify_task`` allows, triage and the unassigned queue those ``can_manage_task`` allows.
"""

from datetime import datetime
from enum import StrEnum

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_admin, is_inspector, is_manager, is_rectifier, is_verifier
from geo.selectors import scope_root
from inspections.models import Task, TaskStatus
from inspections.rectification.workflow import WITH_UNIT, overdue_q
from inspections.selectors import tasks_for_user


class Queue(StrEnum):
    VERIFICATION = "verification"
    TRIAGE = "triage"
    UNASSIGNED = "unassigned"
    TO_CLOSE = "to_close"
    UNIT_WORK = "todo"
    OVERDUE = "overdue"
    ALL = "all"


LABELS = {
    Queue.VERIFICATION: _("To verify"),
    Queue.TRIAGE: _("Triage"),
    Queue.UNASSIGNED: _("Unassigned"),
    Queue.TO_CLOSE: _("To close"),
    Queue.UNIT_WORK: _("To do"),
    Queue.OVERDUE: _("Overdue"),
    Queue.ALL: _("All tasks"),
}

ORDERING = {
    Queue.VERIFICATION: [F("submitted_at").asc(nulls_last=True), "registered_at"],
    Queue.TRIAGE: ["registered_at"],
    Queue.UNASSIGNED: ["registered_at"],
    Queue.TO_CLOSE: [F("verified_at").asc(nulls_last=True), "registered_at"],
    Queue.UNIT_WORK: [F("due_at").asc(nulls_last=True), "registered_at"],
    Queue.OVERDUE: ["due_at", "registered_at"],
    Queue.ALL: ["-registered_at", "pk"],
}

NOTHING = Q(pk__isnull=True)


def _in_area(user) -> Q:
    """The tasks in the jurisdiction subtree the person oversees (``in_task_area``)."""
    if is_admin(user):
        return Q()
    root = scope_root(user)
    return root.subtree_q("jurisdiction__") if root is not None else NOTHING


def queues_for(user) -> list[Queue]:
    """The queues of a person, their main one first."""
    if is_manager(user):
        return [Queue.VERIFICATION, Queue.TRIAGE, Queue.UNASSIGNED, Queue.TO_CLOSE, Queue.OVERDUE, Queue.ALL]
    if is_rectifier(user):
        return [Queue.UNIT_WORK, Queue.OVERDUE, Queue.ALL]
    if is_inspector(user):
        return [Queue.VERIFICATION, Queue.OVERDUE, Queue.ALL]
    return [Queue.ALL]


MANAGER_STATUSES = {
    Queue.TRIAGE: [TaskStatus.TRIAGE],
    Queue.UNASSIGNED: [TaskStatus.UNROUTED, TaskStatus.RETURNED],
    # Verified fixes waiting for the manager's close (结案), one by one or several at once.
    Queue.TO_CLOSE: [TaskStatus.VERIFIED],
}


def queue_q(user, queue: Queue, now: datetime) -> Q:
    if queue == Queue.VERIFICATION:
        if not is_verifier(user):
            return NOTHING
        condition = Q(status=TaskStatus.SUBMITTED) & _in_area(user)
        return condition & ~Q(unit_id=user.unit_id) if user.unit_id is not None else condition
    if queue in MANAGER_STATUSES:
        return Q(status__in=MANAGER_STATUSES[queue]) & _in_area(user) if is_manager(user) else NOTHING
    if queue == Queue.UNIT_WORK:
        return Q(status__in=WITH_UNIT)
    if queue == Queue.OVERDUE:
        return overdue_q(now)
    return Q()


def queue_tasks(user, queue: Queue, now: datetime) -> QuerySet[Task]:
    return tasks_for_user(user).filter(queue_q(user, queue, now)).order_by(*ORDERING[queue])


def queue_counts(user, queues: list[Queue], now: datetime) -> dict[Queue, int]:
    """How many tasks each queue holds, in one query."""
    counts = tasks_for_user(user).aggregate(**{queue.value: _count(queue_q(user, queue, now)) for queue in queues})
    return {queue: counts[queue.value] for queue in queues}


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition) if condition else Count("pk")
