"""Tasks built the way they arise: an inspection with a finding, real JPEG photos, and moves through the service."""

import datetime as dt
import io
import uuid

from django.contrib.gis.geos import Point
from django.core.files import File
from django.utils import timezone

from inspections.models import Photo, PhotoRole, ProblemType, Task
from inspections.problem_types import ensure_default_problem_types
from inspections.services.inspections import FindingInput, InspectionInput, inspection_submit
from inspections.services.photos import Upload, photo_upload
from inspections.services.tasks import MoveInput, task_transition
from tests.inspections.conftest import photo_bytes


def report(
    user,
    phase,
    *,
    lon: float,
    lat: float,
    hotspot=None,
    problem_type: str = "exposed_garbage",
    severity: str = "",
    description: str = "",
    before_photos: int = 1,
    seed: int = 1,
) -> Task:
    """An inspection with one finding at (lon, lat) and its before-photos; returns the task it opened."""
    ensure_default_problem_types()
    started = timezone.now() - dt.timedelta(minutes=40)
    finding_id = uuid.uuid4()
    point = Point(lon, lat, srid=4326)
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
    )
    task = Task.objects.get(finding_id=finding_id)
    for index in range(before_photos):
        photo(user, task, lon=lon + 0.00002 * index, lat=lat, seed=seed * 10 + index)
    return task


def photo(user, task: Task, *, lon: float, lat: float, role=PhotoRole.BEFORE, seed: int = 1) -> Photo:
    """A real JPEG with EXIF GPS at (lon, lat), uploaded through the photo service."""
    finding = task.finding
    upload = Upload(
        id=uuid.uuid4(),
        inspection=finding.inspection,
        finding=finding,
        role=role,
        file=File(io.BytesIO(photo_bytes(lat=lat, lon=lon, seed=seed, hours_ago=0.2)), "photo.jpg"),
    )
    stored, _ = photo_upload(user=user, upload=upload)
    return stored


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
    after = photo(rectifier, task, lon=site.x + 0.00003, lat=site.y + 0.00002, role=PhotoRole.AFTER, seed=seed)
    move(rectifier, task, "submit", photos=[after.pk], position=Point(site.x, site.y, srid=4326), accuracy_m=5.0)
    return after
