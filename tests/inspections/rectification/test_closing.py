"""Closing several verified tasks at once: each through the workflow with its audit row, reported per task,
scoped like the single close."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from inspections.models import Finding, Task, TaskEvent, TaskStatus
from inspections.rectification.closing import BULK_CLOSE_MAX, Outcome, tasks_close
from tests.inspections.task_builders import make_task, verified

pytestmark = pytest.mark.django_db

EAST = {"lon": 116.231, "lat": 39.846}


def closes(task) -> list[TaskEvent]:
    return list(TaskEvent.objects.filter(task=task, action="close"))


def test_two_verified_tasks_are_closed_each_with_its_audit_row(world, phase):
    first = verified(world, make_task(world, phase), seed=5)
    second = verified(world, make_task(world, phase, lon=116.2152, lat=39.8452), seed=6)
    manager = world.users.manager

    results = tasks_close(user=manager, task_ids=[first.pk, second.pk], note="批量结案")

    assert [(r.task_id, r.outcome, r.status, r.code) for r in results] == [
        (first.pk, Outcome.CLOSED, TaskStatus.CLOSED, 200),
        (second.pk, Outcome.CLOSED, TaskStatus.CLOSED, 200),
    ]
    for task in (first, second):
        task.refresh_from_db()
        assert task.status == TaskStatus.CLOSED and task.closed_at is not None
        (event,) = closes(task)
        assert (event.actor, event.from_status, event.to_status, event.note) == (
            manager,
            TaskStatus.VERIFIED,
            TaskStatus.CLOSED,
            "批量结案",
        )
        assert not Finding.objects.get(pk=task.finding_id).is_open


def test_each_task_is_reported_and_one_refused_leaves_the_others_closed(world, phase):
    closable = verified(world, make_task(world, phase))
    not_verified = make_task(world, phase, lon=116.2152, lat=39.8452)
    unknown = uuid.uuid4()

    results = tasks_close(user=world.users.manager, task_ids=[closable.pk, not_verified.pk, unknown, closable.pk])

    assert [(r.outcome, r.code) for r in results] == [
        (Outcome.CLOSED, 200),
        (Outcome.REFUSED, 409),
        (Outcome.REFUSED, 404),
    ]
    assert results[1].status == TaskStatus.DISPATCHED and "cannot be moved" in results[1].detail
    assert Task.objects.get(pk=closable.pk).status == TaskStatus.CLOSED
    assert Task.objects.get(pk=not_verified.pk).status == TaskStatus.DISPATCHED


def test_closing_again_changes_nothing(world, phase):
    task = verified(world, make_task(world, phase))
    tasks_close(user=world.users.manager, task_ids=[task.pk])

    (result,) = tasks_close(user=world.users.manager, task_ids=[task.pk])

    assert (result.outcome, result.status, result.code) == (Outcome.UNCHANGED, TaskStatus.CLOSED, 200)
    assert len(closes(task)) == 1


def test_a_manager_of_another_community_cannot_close_them(world, phase):
    east = verified(world, make_task(world, phase, **EAST))

    (result,) = tasks_close(user=world.users.west_manager, task_ids=[east.pk])

    assert (result.outcome, result.status, result.code) == (Outcome.REFUSED, None, 404)
    assert Task.objects.get(pk=east.pk).status == TaskStatus.VERIFIED and not closes(east)


@pytest.mark.parametrize("who", ["inspector", "rectifier"])
def test_people_who_see_the_task_but_are_no_managers_cannot_close_it(world, phase, who):
    task = verified(world, make_task(world, phase))

    (result,) = tasks_close(user=getattr(world.users, who), task_ids=[task.pk])

    assert (result.outcome, result.status, result.code) == (Outcome.REFUSED, TaskStatus.VERIFIED, 403)
    assert Task.objects.get(pk=task.pk).status == TaskStatus.VERIFIED


def test_no_task_or_too_many_is_refused_whole(world):
    with pytest.raises(ValidationError):
        tasks_close(user=world.users.manager, task_ids=[])
    with pytest.raises(ValidationError):
        tasks_close(user=world.users.manager, task_ids=[uuid.uuid4() for _ in range(BULK_CLOSE_MAX + 1)])
