"""Receiving an evidence photo at the moment the caller gives (``now=``): its rows, its flags, the hold it causes."""

import datetime as dt

from django.utils import timezone

from inspections.models import FlagCode, Task, TaskEvent, TaskStatus
from tests.inspections.task_builders import make_task, photo


def test_a_photo_uploaded_with_now_is_stamped_with_it_and_flagged_as_of_then(world, phase):
    registered = timezone.now().replace(microsecond=0) - dt.timedelta(days=2)
    task = make_task(world, phase, now=registered)
    inspector = world.users.inspector

    on_time = photo(inspector, task, lon=116.215, lat=39.845, hours_ago=48.1, now=registered + dt.timedelta(minutes=5))

    assert on_time.uploaded_at == on_time.file.created_at == registered + dt.timedelta(minutes=5)
    assert not on_time.flags.exists()
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DISPATCHED

    # Taken a few minutes ago by the real clock: two days after the upload it is given, so the camera's clock is ahead.
    uploaded = registered + dt.timedelta(minutes=10)
    ahead = photo(inspector, task, lon=116.215, lat=39.845, hours_ago=0.1, seed=2, now=uploaded)

    assert list(ahead.flags.values_list("code", flat=True)) == [FlagCode.CLOCK_AHEAD]
    held = Task.objects.get(pk=task.pk)
    assert held.status == TaskStatus.TRIAGE and held.updated_at == uploaded
    assert TaskEvent.objects.get(task=task, action="hold").at == uploaded
