"""Hostile places in the API: points outside the district, beyond ±180/±90, with longitude and latitude swapped,
as GeoJSON where {lon, lat} is expected, empty or half given, too far from the inspected hotspot, and a fix claimed
away from the task's site. (Shapes drawn in the admin are in `test_admin_forms`.) Each answers a 4xx naming the
place, and nothing is stored."""

import pytest

from tests.hostile.corpus import Case, ids, resolve, run

pytestmark = pytest.mark.django_db

SHANGHAI = {"lon": 121.4737, "lat": 31.2304}


def finding_at(name, where, status=400, message="location", user="inspector", **inspection):
    """An inspection (of the east stall unless told otherwise) whose one finding lies at `where`."""

    def body(scene):
        payload = scene.inspection_payload(**resolve(inspection, scene))
        payload["findings"][0]["location"] = where
        return payload

    return Case(name, "POST", "/api/inspections/", status, user=user, body=body, message=message)


def move(name, status, message, **fields):
    return Case(
        name,
        "POST",
        lambda s: f"/api/tasks/{s.east_task.pk}/transition/",
        status,
        user="east_rectifier",
        body=fields,
        message=message,
    )


CASES = [
    finding_at("finding in Shanghai", SHANGHAI, message="outside"),
    finding_at("finding at 0,0", {"lon": 0, "lat": 0}, message="outside"),
    finding_at("finding beyond 180", {"lon": 296.23, "lat": 39.845}, message="lon"),
    finding_at("finding beyond the pole", {"lon": 116.23, "lat": -90.5}, message="lat"),
    finding_at("finding with latitude and longitude swapped", {"lon": 39.845, "lat": 116.23}, message="lat"),
    finding_at("finding as a GeoJSON point", {"type": "Point", "coordinates": [116.23, 39.845]}),
    finding_at("finding as a WKT string", "SRID=4326;POINT(116.23 39.845)"),
    finding_at("finding as an empty object", {}),
    finding_at("finding with a null longitude", {"lon": None, "lat": 39.845}, message="lon"),
    finding_at("finding 600 m from the hotspot", {"lon": 116.237, "lat": 39.845}, message="m"),
    finding_at(
        "finding of a free inspection outside the inspector's area",
        {"lon": 116.215, "lat": 39.845},
        user="east_inspector",
        hotspot=None,
        location={"lon": 116.215, "lat": 39.845},
        message="area",
    ),
    Case(
        "free inspection located in Shanghai",
        "POST",
        "/api/inspections/",
        400,
        body=lambda s: s.inspection_payload(hotspot=None, location=SHANGHAI, findings=[]),
        message="outside",
    ),
    move(
        "check-in 600 m from the task's site",
        400,
        "outside",
        action="check_in",
        position={"lon": 116.239, "lat": 39.843, "accuracy": 5},
    ),
    move("check-in in Shanghai", 400, "position", action="check_in", position={**SHANGHAI, "accuracy": 5}),
    move(
        "check-in with a negative accuracy",
        400,
        "accuracy",
        action="check_in",
        position={"lon": 116.232, "lat": 39.843, "accuracy": -1},
    ),
    move(
        "check-in as a GeoJSON point",
        400,
        "position",
        action="check_in",
        position={"type": "Point", "coordinates": [116.232, 39.843]},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_hostile_place(scene, case):
    run(case, scene)
