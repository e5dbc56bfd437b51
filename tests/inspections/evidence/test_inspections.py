"""Recording an inspection and its findings at the moment the caller gives (``now=``)."""

import datetime as dt
import uuid

from django.contrib.gis.geos import Point
from django.utils import timezone

from inspections.evidence.inspections import FindingInput, finding_add
from inspections.models import ProblemType, Task, TaskEvent
from inspections.rectification.workdays import add_working_days
from tests.inspections.task_builders import make_task


def test_an_inspection_submitted_with_now_stamps_its_rows_and_counts_the_deadline_from_it(world, phase):
    moment = timezone.now().replace(microsecond=0) - dt.timedelta(days=2, hours=3)

    task = Task.objects.select_related("finding__inspection").get(pk=make_task(world, phase, now=moment).pk)

    finding = task.finding
    assert finding.inspection.received_at == finding.created_at == moment
    assert task.registered_at == task.dispatched_at == task.updated_at == moment
    assert TaskEvent.objects.get(task=task).at == moment
    assert task.due_at == add_working_days(moment, 3)  # street vending, major: 3 working days


def test_a_finding_added_with_now_stamps_its_rows(world, phase):
    submitted = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    inspection = make_task(world, phase, now=submitted).finding.inspection
    later = submitted + dt.timedelta(minutes=20)

    finding, created = finding_add(
        user=world.users.inspector,
        inspection_id=inspection.pk,
        data=FindingInput(
            id=uuid.uuid4(),
            problem_type=ProblemType.objects.get(code="exposed_garbage"),
            location=Point(116.2152, 39.8451, srid=4326),
        ),
        now=later,
    )

    assert created and finding.created_at == later
    task = Task.objects.get(finding=finding)
    assert task.registered_at == task.updated_at == TaskEvent.objects.get(task=task).at == later
