"""Tasks the task pages are tried on: the west and east committees' own, one fixed, one waiting for triage and
one returned by its unit."""

import pytest

from inspections.models import TaskStatus
from tests.inspections.task_builders import move, report, submit_fix
from tests.inspections.web.tasks.pages import EAST, WEST


@pytest.fixture
def west_task(world, phase):
    """Dispatched to the west committee (world.users.rectifier's unit), with one before-photo."""
    return report(world.users.inspector, phase, lon=WEST[0], lat=WEST[1], description="楼道堆物", seed=1)


@pytest.fixture
def east_task(world, phase):
    """Dispatched to the east committee (world.users.east_rectifier's unit)."""
    return report(world.users.inspector, phase, lon=EAST[0], lat=EAST[1], problem_type="illegal_ads", seed=2)


@pytest.fixture
def submitted(world, west_task):
    submit_fix(world.users.rectifier, west_task)
    west_task.refresh_from_db()
    assert west_task.status == TaskStatus.SUBMITTED
    return west_task


@pytest.fixture
def triage_task(world, phase):
    """A volunteer's report waits for triage."""
    return report(world.users.volunteer, phase, lon=EAST[0] + 0.001, lat=EAST[1], seed=3)


@pytest.fixture
def returned_task(world, east_task):
    move(world.users.east_rectifier, east_task, "return", note="不属于本单位，应由物业处理")
    return east_task
