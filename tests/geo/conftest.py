import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.factories import running_phase
from tests.inspections.task_builders import make_task, move


@pytest.fixture
def mapped(world):
    """Tasks of the test world for the map: two in the west community (one rejected after a fix), two in the east
    (one overdue), of several problem types and severities."""
    phase = running_phase()
    manager = world.users.manager
    west_major = make_task(world, phase)
    west_minor = make_task(world, phase, lon=116.205, lat=39.846, code="exposed_garbage", severity="minor")
    east_severe = make_task(world, phase, lon=116.231, lat=39.846, severity="severe")
    east_overdue = make_task(
        world, phase, lon=116.232, lat=39.847, code="exposed_garbage", now=timezone.now() - dt.timedelta(days=6)
    )
    voided = move(manager, west_minor, "void", note="重复上报")
    return SimpleNamespace(
        world=world,
        phase=phase,
        west_major=west_major,
        west_minor=voided,
        east_severe=east_severe,
        east_overdue=east_overdue,
    )
