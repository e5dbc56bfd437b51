import datetime as dt
import uuid

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from inspections.evidence.inspections import InspectionInput, inspection_submit
from tests.factories import HotspotFactory


@pytest.fixture
def west_spots(world):
    """Three hotspots of the west community, west to east, and one in its grid cell."""
    return [
        HotspotFactory(name="西一", geometry=Point(116.205, 39.845, srid=4326)),
        HotspotFactory(name="西三", geometry=Point(116.215, 39.845, srid=4326)),
        HotspotFactory(name="西二", geometry=Point(116.210, 39.845, srid=4326)),
    ]


def visit(user, phase, hotspot, *, received_at=None):
    """An inspection of ``hotspot`` by ``user``, received by the server now (or at ``received_at``)."""
    inspection, _ = inspection_submit(
        user=user,
        data=InspectionInput(
            id=uuid.uuid4(), phase=phase, hotspot=hotspot, started_at=timezone.now() - dt.timedelta(minutes=5)
        ),
    )
    if received_at is not None:
        type(inspection).objects.filter(pk=inspection.pk).update(received_at=received_at)
    return inspection


@pytest.fixture
def west_inspector(world):
    from accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="west_inspector", role=Role.INSPECTOR, jurisdiction=world.west)
