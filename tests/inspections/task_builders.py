"""Tasks built the way they arise: an inspection with a finding, real JPEG photos, and moves through the service."""

import datetime as dt
import io
import uuid

from django.contrib.gis.geos import Point
from django.core.files import File
from django.utils import timezone

from inspections.evidence.inspections import FindingInput, InspectionInput, hotspot_anchor, inspection_submit
from inspections.evidence.photos import Upload, photo_upload
from inspections.evidence.problem_types import ensure_default_problem_types
from inspections.models import Photo, PhotoRole, ProblemType, Task, TaskEvent
from inspections.rectification.tasks import MoveInput, task_transition
from inspections.rectification.timing import DeviceClock
from tests.inspections.conftest import photo_bytes


def report(
    user,
    phase,
    *,
    lon: float | None = None,
    lat: float | None = None,
    hotspot=None,
    problem_type: str = "exposed_garbage",
    severity: str = "",
    description: str = "",
    before_photos: int = 1,
    seed: int = 1,
    now: dt.datetime | None = None,
) -> Task:
    """An inspection with one finding at (lon, lat), or at the hotspot when no place is given, and its
    before-photos, received at ``now`` (default: the current time); returns the task it opened."""
    ensure_default_problem_types()
    started = (now or timezone.now()) - dt.timedelta(minutes=40)
    finding_id = uuid.uuid4()
    point = Point(lon, lat, srid=4326) if lon is not None else hotspot_anchor(hotspot)
    lon, lat = point.x, point.y
    inspection_submit(
        user=user,
        data=InspectionInput(
            id=uuid.uuid4(),
            phase=phase,
            hotspot=hotspot,
            started_at=started,
            ended_at=started + dt.timedelta(minutes=15),
            location=None if hotspot else point,
            position=point,
            accuracy_m=6.0,
            findings=[
                FindingInput(
                    id=finding_id,
                    problem_type=ProblemType.objects.get(code=problem_type),
                    severity=severity,
                    description=description,
                    location=point,
                )
            ],
        ),
        now=now,
    )
    task = Task.objects.get(finding_id=finding_id)
    for index in range(before_photos):
        photo(user, task, lon=lon + 0.00002 * index, lat=lat, seed=seed * 10 + index, now=now)
    return task


def photo(
    user,
    task: Task,
    *,
    lon: float | None = None,
    lat: float | None = None,
    role=PhotoRole.BEFORE,
    seed: int = 1,
    device: tuple[float, float] | None = None,
    hours_ago: float = 0.2,
    now: dt.datetime | None = None,
) -> Photo:
    """A real JPEG taken ``hours_ago`` (by the current time), with EXIF GPS at (lon, lat) or none, uploaded through
    the photo service at ``now`` (default: the current time); ``device``: the tablet's (lon, lat) when it was
    taken."""
    finding = task.finding
    upload = Upload(
        id=uuid.uuid4(),
        inspection=finding.inspection,
        finding=finding,
        role=role,
        file=File(io.BytesIO(photo_bytes(lat=lat, lon=lon, seed=seed, hours_ago=hours_ago)), "photo.jpg"),
        position=Point(*device, srid=4326) if device else None,
        accuracy_m=5.0 if device else None,
    )
    stored, _ = photo_upload(user=user, upload=upload, now=now)
    return stored


def after_photo(user, task: Task, **details) -> Photo:
    """An after-photo of the fix (see ``photo``)."""
    return photo(user, task, role=PhotoRole.AFTER, **details)


def make_task(
    world,
    phase,
    *,
    user=None,
    lon=116.215,
    lat=39.845,
    hotspot=None,
    code="street_vending",
    severity="major",
    now: dt.datetime | None = None,
) -> Task:
    """A task of the test world without photos (a finding in the west community by default, or at a hotspot),
    registered at ``now`` (default: the current time)."""
    where = {} if hotspot is not None else {"lon": lon, "lat": lat}
    return report(
        user or world.users.inspector,
        phase,
        **where,
        hotspot=hotspot,
        problem_type=code,
        severity=severity,
        before_photos=0,
        now=now,
    )


def move(user, task: Task, action: str, **details) -> Task:
    result = task_transition(user=user, task_id=task.pk, data=MoveInput(action=action, **details))
    return result.task


def submit_fix(rectifier, task: Task, *, seed: int = 5) -> Photo:
    """The unit accepts, starts, photographs the fix on site and submits it."""
    task.refresh_from_db()
    if task.status == "dispatched":
        task = move(rectifier, task, "accept")
    if task.status in ("accepted", "rejected"):
        task = move(rectifier, task, "start")
    site = task.location
    after = after_photo(rectifier, task, lon=site.x + 0.00003, lat=site.y + 0.00002, seed=seed)
    move(rectifier, task, "submit", photos=[after.pk], position=Point(site.x, site.y, srid=4326), accuracy_m=5.0)
    return after


def as_dispatched_in_an_undescribed_year(task: Task, when: dt.datetime) -> Task:
    """The task as registered at `when`, in a year the calendar did not know then: no deadline, the audit row says
    why (what registration does, without waiting for such a year)."""
    Task.objects.filter(pk=task.pk).update(due_at=None, registered_at=when, dispatched_at=when)
    TaskEvent.objects.filter(task=task).update(at=when, due_at=None, data={"deadline_problem": str(when.year)})
    return Task.objects.get(pk=task.pk)


def fixed_offline(
    rectifier,
    task: Task,
    *,
    due_hours_ago: float,
    photo_hours_ago: float,
    claimed_hours_ago: float,
    clock: DeviceClock | None = None,
) -> Task:
    """The unit accepted and started ``task`` days ago; its deadline passed ``due_hours_ago``; the fix was
    photographed on site ``photo_hours_ago`` (the camera's clock) and the submit, claimed by the tablet as made
    ``claimed_hours_ago``, both reach the server now, from a tablet whose ``clock`` the server measured."""
    now = timezone.now()
    long_ago = now - dt.timedelta(days=5)
    for action in ("accept", "start"):
        task_transition(user=rectifier, task_id=task.pk, data=MoveInput(action=action), now=long_ago)
    Task.objects.filter(pk=task.pk).update(due_at=now - dt.timedelta(hours=due_hours_ago))
    site = task.location
    after = after_photo(rectifier, task, lon=site.x + 0.00003, lat=site.y + 0.00002, hours_ago=photo_hours_ago)
    claimed = now - dt.timedelta(hours=claimed_hours_ago)
    move(rectifier, task, "submit", photos=[after.pk], made_at=claimed, clock=clock)
    return Task.objects.get(pk=task.pk)


def verified(world, task: Task, *, seed: int = 5) -> Task:
    """The task fixed by its unit and verified by the area's inspector: it waits for the close (结案)."""
    task.refresh_from_db()
    submit_fix(task.unit.members.filter(role="rectifier").first(), task, seed=seed)
    return move(world.users.inspector, task, "verify")
