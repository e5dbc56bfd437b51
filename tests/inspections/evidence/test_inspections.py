"""Recording an inspection and its findings at the moment the caller gives (``now=``)."""

import datetime as dt
import uuid

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils import timezone

from geo.geodesy import metres_per_degree
from inspections.evidence.inspections import (
    FINDINGS_MAX,
    FREE_ANSWERS_MAX_CHARS,
    FindingInput,
    InspectionInput,
    finding_add,
    inspection_submit,
)
from inspections.models import Finding, Inspection, Notification, ProblemType, Task, TaskEvent
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


# ---------------------------------------------------------------- where a finding may lie, and how many


def east_of(point: tuple[float, float], metres: float) -> Point:
    lon, lat = point
    return Point(lon + metres / metres_per_degree(lat)[0], lat, srid=4326)


def submission(phase, *, hotspot=None, location=None, findings=(), answers=None):
    return InspectionInput(
        id=uuid.uuid4(),
        phase=phase,
        started_at=timezone.now() - dt.timedelta(minutes=10),
        hotspot=hotspot,
        location=location,
        answers=answers if answers is not None else {},
        findings=[
            FindingInput(id=uuid.uuid4(), problem_type=ProblemType.objects.get(code="illegal_ads"), location=point)
            for point in findings
        ],
    )


def refused(user, data, *, nothing_stored=True) -> dict:
    with pytest.raises(ValidationError) as caught:
        inspection_submit(user=user, data=data)
    if nothing_stored:
        assert not Inspection.objects.exists() and not Finding.objects.exists()
        assert not Task.objects.exists() and not Notification.objects.exists()
    else:
        assert not Inspection.objects.filter(pk=data.id).exists()
    return caught.value.message_dict


def test_a_finding_in_another_community_is_refused_and_nothing_is_stored(world, phase):
    in_west = Point(116.2195, 39.845, srid=4326)  # the stall's community is the east one
    errors = refused(world.users.east_inspector, submission(phase, hotspot=world.stall, findings=[None, in_west]))
    assert list(errors) == ["findings[1].location"]
    assert "outside the area you are assigned to" in errors["findings[1].location"][0]


def test_a_free_inspections_findings_must_lie_in_the_persons_area(world, phase):

    east = Point(116.232, 39.8435, srid=4326)
    errors = refused(
        world.users.east_inspector, submission(phase, location=east, findings=[Point(116.21, 39.85, srid=4326)])
    )
    assert "outside the area you are assigned to" in errors["findings[0].location"][0]
    # Anywhere in the person's area is fine for a free inspection: there is no hotspot to be near.
    far_but_east = Point(116.239, 39.859, srid=4326)
    _, created = inspection_submit(
        user=world.users.east_inspector, data=submission(phase, location=east, findings=[far_but_east])
    )
    assert created


def test_a_hotspot_inspections_findings_lie_within_the_set_distance_of_it(world, phase, settings):

    settings.FINDING_MAX_DISTANCE_FROM_HOTSPOT_M = 200
    stall = (116.230, 39.845)
    # Managers and administrators too: a finding of a hotspot's inspection is an observation at that hotspot.
    for user in (world.users.east_inspector, world.users.manager, world.users.admin):
        errors = refused(user, submission(phase, hotspot=world.stall, findings=[east_of(stall, 205)]))
        assert "205 m from the hotspot" in errors["findings[0].location"][0]
        assert "within 200 m" in errors["findings[0].location"][0]
    _, created = inspection_submit(
        user=world.users.east_inspector, data=submission(phase, hotspot=world.stall, findings=[east_of(stall, 195)])
    )
    assert created


def test_the_distance_is_from_a_hotspots_outline(world, phase, settings):

    settings.FINDING_MAX_DISTANCE_FROM_HOTSPOT_M = 100
    corner = (116.228, 39.849)  # the plot's east edge
    _, created = inspection_submit(
        user=world.users.volunteer, data=submission(phase, hotspot=world.plot, findings=[east_of(corner, 95)])
    )
    assert created
    errors = refused(
        world.users.volunteer,
        submission(phase, hotspot=world.plot, findings=[east_of(corner, 105)]),
        nothing_stored=False,
    )
    assert "105 m from the hotspot" in errors["findings[0].location"][0]


def test_a_finding_added_later_obeys_the_same_rule(world, phase):
    inspection, _ = inspection_submit(user=world.users.east_inspector, data=submission(phase, hotspot=world.stall))
    for place, words in [
        (Point(116.2195, 39.845, srid=4326), "outside the area you are assigned to"),
        (east_of((116.230, 39.845), 400), "from the hotspot"),
    ]:
        with pytest.raises(ValidationError) as caught:
            finding_add(
                user=world.users.east_inspector,
                inspection_id=inspection.pk,
                data=FindingInput(
                    id=uuid.uuid4(), problem_type=ProblemType.objects.get(code="illegal_ads"), location=place
                ),
            )
        assert words in caught.value.message_dict["location"][0]
    assert not Finding.objects.exists() and not Task.objects.exists()


def test_an_inspection_carries_a_bounded_number_of_findings_and_of_free_answers(world, phase):
    errors = refused(
        world.users.inspector, submission(phase, hotspot=world.stall, findings=[None] * (FINDINGS_MAX + 1))
    )
    assert f"at most {FINDINGS_MAX} findings" in errors["findings"][0]
    big = {"note": "x" * FREE_ANSWERS_MAX_CHARS}
    errors = refused(world.users.inspector, submission(phase, hotspot=world.stall, answers=big))
    assert f"at most {FREE_ANSWERS_MAX_CHARS} characters" in errors["answers"][0]


def test_findings_added_later_stop_at_the_bound_too(world, phase, settings, monkeypatch):
    from inspections.evidence import inspections as module
    from inspections.evidence.batch import FindingItem, Status, findings_submit_batch

    monkeypatch.setattr(module, "FINDINGS_MAX", 3)
    inspection, _ = inspection_submit(user=world.users.inspector, data=submission(phase, hotspot=world.stall))
    problem = ProblemType.objects.get(code="illegal_ads")

    def item():
        return FindingInput(id=uuid.uuid4(), problem_type=problem)

    finding_add(user=world.users.inspector, inspection_id=inspection.pk, data=item())
    batch = [FindingItem(inspection.pk, item()) for _ in range(3)]
    results = findings_submit_batch(user=world.users.inspector, items=batch)
    assert [r.status for r in results] == [Status.CREATED, Status.CREATED, Status.REFUSED]
    assert "at most 3 findings" in results[2].error.message_dict["inspection"][0]
    with pytest.raises(ValidationError) as caught:
        finding_add(user=world.users.inspector, inspection_id=inspection.pk, data=item())
    assert caught.value.message_dict["inspection"] == results[2].error.message_dict["inspection"]
    assert Finding.objects.filter(inspection=inspection).count() == Task.objects.count() == 3
