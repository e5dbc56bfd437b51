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


def _upload(task, *, gps: tuple[float, float] | None, device: tuple[float, float] | None):
    import io
    import uuid

    from django.contrib.gis.geos import Point
    from django.core.files import File

    from inspections.evidence.photos import Upload
    from tests.inspections.conftest import photo_bytes

    lon, lat = gps or (None, None)
    return Upload(
        id=uuid.uuid4(),
        inspection=task.finding.inspection,
        finding=task.finding,
        role="after",
        file=File(io.BytesIO(photo_bytes(lat=lat, lon=lon, hours_ago=0.1)), "fix.jpg"),
        position=Point(*device, srid=4326) if device else None,
        accuracy_m=5.0 if device else None,
    )


def test_the_stamp_prints_where_the_device_says_never_the_tasks_own_place(world, phase):
    from inspections.evidence.photos import evidence_stamp

    task = make_task(world, phase)  # at 116.215 E, 39.845 N
    rectifier = world.users.rectifier
    blind = evidence_stamp(rectifier, _upload(task, gps=None, device=None), timezone.now())
    assert not any(line.startswith("位置") for line in blind.lines())
    located = evidence_stamp(rectifier, _upload(task, gps=None, device=(116.2153, 39.8452)), timezone.now())
    assert "位置：39.84520°N 116.21530°E" in located.lines()
    gps = evidence_stamp(rectifier, _upload(task, gps=(116.2154, 39.8453), device=(116.2153, 39.8452)), timezone.now())
    assert "位置：39.84530°N 116.21540°E" in gps.lines()


def test_an_after_photo_without_gps_or_device_position_has_no_place(world, phase):
    from inspections.evidence.photos import photo_upload
    from inspections.rectification.geofence import photo_position

    task = make_task(world, phase)
    stored, _created = photo_upload(user=world.users.rectifier, upload=_upload(task, gps=None, device=None))
    assert stored.device_position is None and photo_position(stored) is None
