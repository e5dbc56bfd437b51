"""Who is told: a unit's members, and for an overdue task the unit's head and the managers of its area."""

from collections import defaultdict

from django.db.models import QuerySet

from accounts.models import Role, User
from inspections.models import Task
from inspections.permissions import in_task_area


def unit_members(unit_id: int) -> QuerySet[User]:
    """The active members of a rectification unit (role rectifier)."""
    return units_members([unit_id])


def units_members(unit_ids) -> QuerySet[User]:
    """The active members of these rectification units (role rectifier)."""
    return User.objects.filter(unit_id__in=unit_ids, role=Role.RECTIFIER, is_active=True)


class Escalation:
    """The people an overdue task is escalated to (督办): the heads of its unit and the managers of its area.

    Reads the heads and the managers once, for a job that escalates many tasks.
    """

    def __init__(self):
        self.heads: dict[int, list[User]] = defaultdict(list)
        for head in User.objects.filter(is_unit_head=True, is_active=True, unit__isnull=False):
            self.heads[head.unit_id].append(head)
        self.managers = list(
            User.objects.filter(role=Role.MANAGER, is_active=True).select_related("jurisdiction", "unit__jurisdiction")
        )

    def recipients(self, task: Task) -> list[User]:
        managers = [manager for manager in self.managers if in_task_area(manager, task)]
        return [*self.heads.get(task.unit_id, []), *managers]
