"""The `coverage` layer: each stop of the caller's rounds at its hotspot, coloured by visit; served by the GeoJSON
and aggregate endpoints like every registered layer, refused to rectifiers."""

import json

import pytest
from django.utils import timezone

from inspections.rounds.services import RoundInput, round_create
from tests.inspections.rounds.builders import visit

pytestmark = pytest.mark.django_db


def _json(answer):
    return json.loads(b"".join(answer.streaming_content))


@pytest.fixture
def planned(world, phase, west_spots, west_inspector):
    round_ = round_create(
        user=world.users.west_manager,
        data=RoundInput(
            title="巡查",
            jurisdiction=world.west,
            inspectors=[west_inspector],
            hotspots=west_spots,
            day=timezone.localdate(),
        ),
    )
    visit(west_inspector, phase, west_spots[0])
    return round_


def test_the_layer_is_listed_and_serves_the_stops_by_visit(world, planned, client_for):
    client = client_for(world.users.west_manager)
    assert "coverage" in [layer["name"] for layer in client.get("/api/layers/").json()]
    answer = client.get("/api/layers/coverage.geojson")
    assert answer.status_code == 200
    features = {f["properties"]["name"]: f["properties"] for f in _json(answer)["features"]}
    assert {name: p["state"] for name, p in features.items()} == {"西一": "visited", "西三": "due", "西二": "due"}
    assert features["西一"]["round"] == planned.pk and features["西一"]["order"] == 1
    left = _json(client.get("/api/layers/coverage.geojson?state=due&round=" + str(planned.pk)))["features"]
    assert len(left) == 2


def test_the_aggregates_count_the_visits(world, planned, client_for):
    answer = client_for(world.users.west_manager).get("/api/layers/coverage/aggregate?cell=community")
    assert answer.status_code == 200, answer.content
    (cell,) = answer.json()["features"]
    assert (cell["properties"]["count"], cell["properties"]["visited"]) == (3, 1)
    hexes = client_for(world.users.west_manager).get("/api/layers/coverage/aggregate?cell=hex&size=500")
    assert hexes.status_code == 200, hexes.content


def test_others_see_no_stop_and_rectifiers_are_refused(world, planned, client_for):
    assert _json(client_for(world.users.east_inspector).get("/api/layers/coverage.geojson"))["features"] == []
    assert client_for(world.users.rectifier).get("/api/layers/coverage.geojson").status_code == 403
