"""insert_new stores exactly the rows bulk_create stores, on every backend, and refuses a taken id the same way."""

import uuid

import pytest
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone

from geo.routing import Rule, known_ewkb, wgs84_point
from inspections.bulk_insert import insert_new
from inspections.models import Finding, Inspection, ProblemType

pytestmark = pytest.mark.django_db


def rows(world, phase, *, point=None) -> tuple[list[Inspection], list[Finding]]:
    point = point or geos_point
    problem = ProblemType.objects.get(code="street_vending")
    now = timezone.now()
    inspections, findings = [], []
    for i in range(4):
        inspection = Inspection(
            id=uuid.uuid4(),
            inspector=world.users.inspector,
            hotspot=world.stall if i % 2 else None,
            phase=phase,
            jurisdiction=world.east,
            location=point(116.23 + i * 1e-5, 39.845),
            started_at=now,
            ended_at=now if i % 2 else None,
            position=point(116.2301, 39.8451) if i % 2 else None,
            # Values of other types than the field's own (an int for a float, a str for a UUID) are converted.
            position_accuracy_m=6.5 if i % 2 else (7 if i == 2 else None),
            answers={"clean": "no", "注": ["a", 1, None]} if i % 2 else {},
            checklist_version=uuid.uuid4() if i == 3 else (str(uuid.uuid4()) if i == 2 else None),
        )
        inspections.append(inspection)
        findings.append(
            Finding(
                id=uuid.uuid4(),
                inspection=inspection,
                problem_type=problem,
                severity="minor",
                description="占道经营 'quoted' \"twice\" {braces}, commas\\" if i else "",
                location=point(116.2302, 39.8452 + i * 1e-6),
                jurisdiction=world.east,
                routed_unit=world.east_committee if i % 2 else None,
                routing_rule=Rule.SERVICE_AREA if i % 2 else Rule.UNROUTED,
                created_by=world.users.inspector,
            )
        )
    return inspections, findings


def stored(objs) -> list[dict]:
    """The stored rows of these instances, in their order, without id, link and timestamps; geometries as EWKB."""
    model = type(objs[0])
    by_pk = {row["id"]: row for row in model.objects.filter(pk__in=[o.pk for o in objs]).values()}
    skip = {"id", "inspection_id", "received_at", "created_at"}
    return [
        {k: bytes(v.ewkb) if hasattr(v, "ewkb") else v for k, v in by_pk[o.pk].items() if k not in skip} for o in objs
    ]


def same_rows_with_new_ids(inspections, findings):
    """Copies of the rows under new ids, so both ways of inserting can store them side by side."""
    renamed = {}
    for inspection in inspections:
        renamed[inspection.pk] = uuid.uuid4()
    new_inspections = []
    for inspection in inspections:
        copy = Inspection(**{f.attname: getattr(inspection, f.attname) for f in Inspection._meta.concrete_fields})
        copy.pk = renamed[inspection.pk]
        new_inspections.append(copy)
    new_findings = []
    for finding in findings:
        copy = Finding(**{f.attname: getattr(finding, f.attname) for f in Finding._meta.concrete_fields})
        copy.pk = uuid.uuid4()
        copy.inspection_id = renamed[finding.inspection_id]
        new_findings.append(copy)
    return new_inspections, new_findings


def geos_point(lon, lat):
    return Point(lon, lat, srid=4326)


@pytest.mark.parametrize("point", [geos_point, wgs84_point], ids=["geos-point", "wgs84_point"])
def test_the_same_rows_as_bulk_create(world, phase, point):
    inspections, findings = rows(world, phase, point=point)
    copies = same_rows_with_new_ids(inspections, findings)
    insert_new(Inspection, inspections, known_ewkb=known_ewkb)
    insert_new(Finding, findings, known_ewkb=known_ewkb)
    Inspection.objects.bulk_create(copies[0])
    Finding.objects.bulk_create(copies[1])

    assert stored(inspections) == stored(copies[0])
    assert stored(findings) == stored(copies[1])
    # Saved as bulk_create leaves them: not adding any more, auto_now_add filled in.
    assert all(not obj._state.adding and obj._state.db == "default" for obj in [*inspections, *findings])
    assert all(i.received_at is not None for i in inspections) and all(f.created_at is not None for f in findings)
    assert Inspection.objects.get(pk=inspections[1].pk).position.equals_exact(Point(116.2301, 39.8451, srid=4326))


def test_a_taken_id_is_an_integrity_error_and_nothing_is_stored(world, phase):
    inspections, _ = rows(world, phase)
    insert_new(Inspection, inspections[:1])
    again = Inspection(**{f.attname: getattr(inspections[0], f.attname) for f in Inspection._meta.concrete_fields})
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_new(Inspection, [inspections[1], again])
    assert not Inspection.objects.filter(pk=inspections[1].pk).exists()
    assert Inspection.objects.filter(pk=inspections[0].pk).count() == 1


def test_nothing_to_insert(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_new(Inspection, [])
    assert not Inspection.objects.exists()


def test_rows_with_an_automatic_id_get_the_ids_the_database_would_give(world, phase):
    from tests.inspections.task_builders import make_task

    task = make_task(world, phase)
    from inspections.models import TaskEvent

    events = [TaskEvent(task=task, action="hold", to_status="triage", data={"n": n}) for n in range(3)]
    insert_new(TaskEvent, events)
    ids = [event.pk for event in events]
    assert all(isinstance(pk, int) for pk in ids) and len(set(ids)) == 3
    later = TaskEvent.objects.create(task=task, action="hold", to_status="triage")
    assert later.pk > max(ids)  # the sequence moved on: no id is given twice
    assert sorted(TaskEvent.objects.filter(pk__in=ids).values_list("data", flat=True), key=str) == [
        {"n": 0},
        {"n": 1},
        {"n": 2},
    ]
