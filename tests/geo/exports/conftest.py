from types import SimpleNamespace

import pytest
from django.test import TestCase

from tests.factories import running_phase
from tests.inspections.task_builders import report, submit_fix


@pytest.fixture
def evidence(world):
    """Tasks with photos: one in the west community fixed by its unit (a before- and an after-photo), one in the
    east with two before-photos; and one in the west without any."""
    phase = running_phase()
    inspector = world.users.inspector
    with TestCase.captureOnCommitCallbacks(execute=True):
        west = report(inspector, phase, lon=116.212, lat=39.846, before_photos=1, seed=3)
        submit_fix(world.users.rectifier, west, seed=4)
        east = report(inspector, phase, lon=116.231, lat=39.846, before_photos=2, seed=6)
        bare = report(inspector, phase, lon=116.214, lat=39.845, before_photos=0, seed=8)
    for task in (west, east, bare):
        task.refresh_from_db()
    return SimpleNamespace(world=world, phase=phase, west=west, east=east, bare=bare)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """A storage of the test's own, so that what is left in it is this test's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
