"""The scene the briefings are checked on (fixture ``briefed`` in tests/inspections/conftest.py)."""

import datetime as dt
from types import SimpleNamespace

from django.contrib.gis.geos import Point
from django.test import TestCase
from django.utils import timezone

from inspections.models import Inspection, Task
from tests.factories import HotspotFactory
from tests.inspections.task_builders import move, report, submit_fix


def build_briefed(world, phase):
    """This week in the test world: two fixes verified in the west community (before and after photos), one of
    them at a west hotspot scored 96; an open finding of another type in the west; and an overdue task of the east
    committee at the east's stall, scored 90 (the inspections' deductions stored as a checklist would give them)."""
    inspector, rectifier = world.users.inspector, world.users.rectifier
    compound = HotspotFactory(
        name="西里小区", geometry=Point(116.212, 39.842, srid=4326), sponsoring_unit=world.west_committee
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        closed = []
        for seed, place in enumerate(({"hotspot": compound}, {"lon": 116.214, "lat": 39.844}), start=1):
            task = report(inspector, phase, **place, before_photos=1, seed=seed)
            submit_fix(rectifier, task, seed=seed + 10)
            move(inspector, task, "verify")
            closed.append(Task.objects.get(pk=task.pk))
        open_west = report(inspector, phase, lon=116.216, lat=39.846, problem_type="illegal_ads", before_photos=0)
        overdue = report(inspector, phase, lon=116.232, lat=39.846, before_photos=0, seed=7)
        stall = report(inspector, phase, hotspot=world.stall, before_photos=0, seed=8)
    Task.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    Inspection.objects.filter(pk=closed[0].finding.inspection_id).update(deduction=4.0)
    Inspection.objects.filter(pk=stall.finding.inspection_id).update(deduction=10.0)
    today = timezone.localdate()
    return SimpleNamespace(
        closed=closed,
        open_west=open_west,
        overdue=Task.objects.get(pk=overdue.pk),
        start=today - dt.timedelta(days=6),
        end=today,
    )
