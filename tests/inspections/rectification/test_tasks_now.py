"""Task moves at the moment the caller gives (``now=``): the audit row, the task's times, "in the future"."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inspections.models import Task, TaskEvent
from inspections.rectification.tasks import MoveInput, task_transition
from tests.inspections.task_builders import make_task


def test_a_move_made_with_now_is_stamped_with_it_and_judged_by_it(world, phase):
    rectifier = world.users.rectifier
    registered = timezone.now().replace(microsecond=0) - dt.timedelta(days=3)
    task = make_task(world, phase, now=registered)
    accepted = registered + dt.timedelta(hours=2)

    result = task_transition(user=rectifier, task_id=task.pk, data=MoveInput(action="accept"), now=accepted)

    assert result.event.at == accepted
    assert Task.objects.get(pk=task.pk).updated_at == accepted

    # A deadline in the future by the real clock, but not after the moment the request is made at.
    asked = timezone.now() + dt.timedelta(days=60)
    wanted = asked - dt.timedelta(days=1)
    request = MoveInput(action="request_extension", note="需要施工", due_at=wanted)
    with pytest.raises(ValidationError, match="in the future"):
        task_transition(user=rectifier, task_id=task.pk, data=request, now=asked)
    assert not TaskEvent.objects.filter(task=task, action="request_extension").exists()
