import datetime as dt
import io
import uuid

import pytest
from django.utils import timezone

from tests.factories import running_phase
from tests.inspections.photos.images import encode, exif_block, scene


@pytest.fixture
def phase(db):
    return running_phase()


@pytest.fixture
def february(world, phase, client_for):
    """The February 2026 tasks the metrics are checked on (``tests.inspections.reporting.scenario``); key → task."""
    from tests.inspections.reporting.scenario import build_february  # it imports this module's photo helpers

    return build_february(world, phase, client_for)


@pytest.fixture
def briefed(world, phase):
    """This week's closed, open and overdue tasks a briefing reports (``tests.inspections.reporting.briefings``)."""
    from tests.inspections.reporting.briefings.scene import build_briefed

    return build_briefed(world, phase)


def inspection_body(world, phase):
    """A valid body of `POST /api/inspections/` (a finding at the east stall), with overrides."""

    def make(**overrides):
        body = {
            "id": str(uuid.uuid4()),
            "hotspot": world.stall.pk,
            "phase": phase.pk,
            "started_at": (timezone.now() - dt.timedelta(minutes=30)).isoformat(),
            "ended_at": timezone.now().isoformat(),
            "position": {"lon": 116.2301, "lat": 39.8451, "accuracy": 8},
            "answers": {"clean": "no"},
            "findings": [
                {
                    "id": str(uuid.uuid4()),
                    "problem_type": "street_vending",
                    "severity": "major",
                    "description": "占道经营，摊位侵占人行道",
                },
            ],
        }
        body.update(overrides)
        return body

    return make


@pytest.fixture
def inspection_payload(world, phase):
    return inspection_body(world, phase)


def photo_bytes(*, lat=39.8451, lon=116.2301, hours_ago=1.0, seed=1, size=(800, 600), fmt="JPEG") -> bytes:
    taken = timezone.localtime() - dt.timedelta(hours=hours_ago)
    exif = (
        exif_block(
            lat=lat,
            lon=lon,
            altitude=50.0,
            taken=taken.strftime("%Y:%m:%d %H:%M:%S"),
            offset="+08:00",
            make="HUAWEI",
            model="MatePad 11",
        )
        if lat is not None
        else exif_block(taken=taken.strftime("%Y:%m:%d %H:%M:%S"), offset="+08:00")
    )
    return encode(scene(size, seed=seed), fmt, exif=exif, quality=90)


def as_upload(data: bytes, name: str = "photo.jpg"):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.fixture
def west_spots(world):
    """Three hotspots of the west community (rounds' tests), west to east: 西一, 西二, 西三 (listed 一, 三, 二)."""
    from django.contrib.gis.geos import Point

    from tests.factories import HotspotFactory

    return [
        HotspotFactory(name="西一", geometry=Point(116.205, 39.845, srid=4326)),
        HotspotFactory(name="西三", geometry=Point(116.215, 39.845, srid=4326)),
        HotspotFactory(name="西二", geometry=Point(116.210, 39.845, srid=4326)),
    ]


@pytest.fixture
def west_inspector(world):
    """An inspector patrolling the west community."""
    from accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="west_inspector", role=Role.INSPECTOR, jurisdiction=world.west)
