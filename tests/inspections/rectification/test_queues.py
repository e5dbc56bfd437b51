"""The queues hold exactly the tasks the permission predicates let a person verify or manage."""

import pytest
from django.utils import timezone

from accounts.models import User
from inspections.models import TaskStatus
from inspections.permissions import can_manage_task, can_verify_task
from inspections.rectification.queues import Queue, queue_counts, queue_tasks, queues_for
from inspections.selectors import tasks_for_user
from tests.factories import UserFactory
from tests.inspections.task_builders import move, report, submit_fix

pytestmark = pytest.mark.django_db

ROLES = ["admin", "manager", "west_manager", "inspector", "east_inspector", "rectifier", "east_rectifier", "nobody"]


@pytest.fixture
def tasks(world, phase):
    """Submitted fixes in both communities, a task in triage and a returned one."""
    users = world.users
    west = report(users.inspector, phase, lon=116.2102, lat=39.8452, seed=1)
    east = report(users.inspector, phase, lon=116.2320, lat=39.8460, seed=2)
    submit_fix(users.rectifier, west)
    submit_fix(users.east_rectifier, east)
    triage = report(users.volunteer, phase, lon=116.2330, lat=39.8460, seed=3)
    returned = report(users.inspector, phase, lon=116.2325, lat=39.8465, seed=4)
    move(users.east_rectifier, returned, "return", note="不是本单位的")
    # An inspector of the west committee: the area's fixes, but never the committee's own.
    UserFactory(username="west_colleague", role="inspector", unit=world.west_committee, jurisdiction=world.area)
    return [west, east, triage, returned]


@pytest.mark.parametrize("role", [*ROLES, "west_colleague"])
def test_queues_match_the_predicates(world, tasks, role):
    user = getattr(world.users, role, None) or User.objects.get(username=role)
    now = timezone.now()
    visible = list(tasks_for_user(user))
    verifiable = {t.pk for t in visible if t.status == TaskStatus.SUBMITTED and can_verify_task(user, t)}
    manageable = {t.pk for t in visible if can_manage_task(user, t)}
    assert {t.pk for t in queue_tasks(user, Queue.VERIFICATION, now)} == verifiable
    assert {t.pk for t in queue_tasks(user, Queue.TRIAGE, now)} == {
        t.pk for t in visible if t.status == TaskStatus.TRIAGE and t.pk in manageable
    }
    assert {t.pk for t in queue_tasks(user, Queue.UNASSIGNED, now)} == {
        t.pk for t in visible if t.status in (TaskStatus.UNROUTED, TaskStatus.RETURNED) and t.pk in manageable
    }
    counts = queue_counts(user, list(Queue), now)
    assert counts[Queue.VERIFICATION] == len(verifiable)
    assert counts[Queue.ALL] == len(visible)


def test_who_verifies_what(world, tasks):
    west, east, *_ = tasks
    now = timezone.now()
    expected = {
        "admin": {west.pk, east.pk},
        "manager": {west.pk, east.pk},
        "west_manager": {west.pk},
        "inspector": {west.pk, east.pk},
        "east_inspector": {east.pk},
        "rectifier": set(),
        "nobody": set(),
    }
    for role, pks in expected.items():
        user = getattr(world.users, role)
        assert {t.pk for t in queue_tasks(user, Queue.VERIFICATION, now)} == pks, role


def test_queues_per_role(world):
    users = world.users
    assert queues_for(users.manager)[0] == Queue.VERIFICATION and Queue.TRIAGE in queues_for(users.manager)
    assert queues_for(users.inspector) == [Queue.VERIFICATION, Queue.OVERDUE, Queue.ALL]
    assert queues_for(users.rectifier) == [Queue.UNIT_WORK, Queue.OVERDUE, Queue.ALL]
