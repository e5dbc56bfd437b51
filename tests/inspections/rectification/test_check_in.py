"""Arriving on site (check-in) and submitting a fix: a fix needs no separate check-in, because its after-photo taken
inside the site proves presence; the server then records the arrival from that photo."""

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from inspections.models import Task, TaskEvent, TaskStatus
from inspections.rectification.tasks import MoveInput, task_transition
from tests.inspections.task_builders import after_photo, make_task

INSIDE = (116.2151, 39.8451)  # 12 m from the finding at (116.215, 39.845)
OUTSIDE = (116.2170, 39.8450)  # 171 m east of it


def move(user, task, action, **details):
    return task_transition(user=user, task_id=task.pk, data=MoveInput(action=action, **details))


@pytest.fixture
def task(world, phase):
    return make_task(world, phase)


def test_a_fix_without_a_check_in_records_the_arrival_from_its_on_site_photo(task, world):
    rectifier = world.users.rectifier
    move(rectifier, task, "accept")
    photo = after_photo(rectifier, task, lon=INSIDE[0], lat=INSIDE[1], seed=7)
    result = move(rectifier, task, "submit", photos=[photo.pk])
    task = Task.objects.get(pk=task.pk)
    assert task.status == TaskStatus.SUBMITTED
    assert task.checked_in_at == task.submitted_at == result.event.counted_at
    assert result.event.data["arrival"] == "after_photo"


def test_a_check_in_made_before_is_kept_and_the_submit_records_no_second_arrival(task, world):
    rectifier = world.users.rectifier
    move(rectifier, task, "accept")
    arrived = move(rectifier, task, "check_in", position=Point(*INSIDE, srid=4326)).event.counted_at
    photo = after_photo(rectifier, task, lon=INSIDE[0], lat=INSIDE[1], seed=7)
    result = move(rectifier, task, "submit", photos=[photo.pk])
    assert Task.objects.get(pk=task.pk).checked_in_at == arrived
    assert "arrival" not in result.event.data


def test_neither_a_check_in_nor_a_fix_from_outside_the_site_records_an_arrival(task, world):
    rectifier = world.users.rectifier
    move(rectifier, task, "accept")
    with pytest.raises(ValidationError, match="outside the task's site"):
        move(rectifier, task, "check_in", position=Point(*OUTSIDE, srid=4326))
    far = after_photo(rectifier, task, lon=OUTSIDE[0], lat=OUTSIDE[1], seed=8)
    with pytest.raises(ValidationError, match="outside"):
        move(rectifier, task, "submit", photos=[far.pk])
    task = Task.objects.get(pk=task.pk)
    assert task.checked_in_at is None and task.status == TaskStatus.ACCEPTED
    assert not TaskEvent.objects.filter(task=task, action__in=["check_in", "submit"]).exists()
