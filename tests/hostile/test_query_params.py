"""Hostile query parameters: ids beyond 64 bits or in other scripts' digits, impossible dates, SQL-looking text,
repeated parameters, boxes and points that are not places, and the wrong role. Each answers a 4xx naming the
parameter, and nothing is stored (a read must not write either)."""

import pytest

from tests.hostile.corpus import Case, ids, run

pytestmark = pytest.mark.django_db


def get(name, path, query, status=400, message=None, user="manager"):
    return Case(name, "GET", path, status, user=user, query=query, message=message)


def metrics(name, message, **query):
    return get(name, "/api/metrics/", {"group": "unit", "start": "2026-02-01", "end": "2026-02-28", **query},
               message=message)  # fmt: skip


IDS = [
    get("campaign beyond 64 bits", "/api/inspections/", {"campaign": "9" * 30}, message="campaign"),
    get("phase 2^63", "/api/findings/", {"phase": str(2**63)}, message="phase"),
    get("hotspot negative", "/api/findings/", {"hotspot": "-1"}, message="hotspot"),
    get("hotspot in superscript digits", "/api/findings/", {"hotspot": "²"}, message="hotspot"),
    get("hotspot as a float", "/api/findings/", {"hotspot": "1.5e3"}, message="hotspot"),
    get("jurisdiction that is SQL", "/api/inspections/", {"jurisdiction": "1 OR 1=1"}, message="jurisdiction"),
    get("unit beyond 64 bits", "/api/tasks/", {"unit": str(2**64)}, message="unit"),
    get("sponsoring unit text", "/api/hotspots/", {"sponsoring_unit": "宛平中学"}, message="sponsoring_unit"),
    get("parent beyond 64 bits", "/api/jurisdictions/", {"parent": str(2**70)}, message="parent"),
    get("routed unit a list", "/api/findings/", {"routed_unit": "[1,2]"}, message="routed_unit"),
    get("repeated phase, the last not a number", "/api/findings/", [("phase", "1"), ("phase", "x")], message="phase"),
]

CHOICES_AND_DATES = [
    get("date_from the 30th of February", "/api/findings/", {"date_from": "2026-02-30"}, message="date_from"),
    get("date_to in the year 99999", "/api/inspections/", {"date_to": "99999-01-01"}, message="date_to"),
    get("date_from that is SQL", "/api/findings/", {"date_from": "2026-01-01' OR '1'='1"}, message="date_from"),
    get("severity unknown", "/api/findings/", {"severity": "apocalyptic"}, message="severity"),
    get("flag unknown", "/api/inspections/", {"flag": "<script>"}, message="flag"),
    get("task status unknown", "/api/tasks/", [("status", "dispatched"), ("status", "exploded")], message="status"),
    get("kind unknown", "/api/units/", {"kind": "army"}, message="kind"),
    metrics("metrics start before 2000", "start", start="1999-12-31"),
    metrics("metrics end in 2100", "end", end="2100-01-01"),
    metrics("metrics start a timestamp", "start", start="1700000000"),
    metrics("metrics group unknown", "group", group="street"),
    metrics("metrics start after end", "start", start="2026-03-01"),
    get("metrics without dates", "/api/metrics/", {"group": "unit"}, message="start"),
]

PLACES = [
    get("bbox of three numbers", "/api/hotspots/", {"bbox": "116.2,39.8,116.3"}, message="bbox"),
    get("bbox of NaN", "/api/hotspots/", {"bbox": "nan,nan,nan,nan"}, message="bbox"),
    get("bbox to infinity", "/api/units/", {"bbox": "-inf,-inf,inf,inf"}, message="bbox"),
    get("bbox turned around", "/api/jurisdictions/", {"bbox": "116.3,39.9,116.2,39.8"}, message="bbox"),
    get("bbox beyond the poles", "/api/hotspots/", {"bbox": "116,-100,117,100"}, message="bbox"),
    get("bbox of 1000 digits", "/api/hotspots/", {"bbox": "1" * 1000 + ",0,2,1"}, message="bbox"),
    get("near without a latitude", "/api/tasks/", {"near": "116.22"}, message="near"),
    get("near beyond 90", "/api/tasks/", {"near": "116.22,91"}, message="near"),
    get("route longitude text", "/api/route/", {"lon": "east", "lat": "39.85"}, message="lon"),
    get("route latitude NaN", "/api/route/", {"lon": "116.22", "lat": "NaN"}, message="lat"),
    get("route in Shanghai", "/api/route/", {"lon": "121.47", "lat": "31.23"}, status=403, message="outside your area"),
]

PEOPLE_AND_PAGES = [
    get("tasks asked by a volunteer", "/api/tasks/", {}, status=403, user="volunteer"),
    get("findings asked anonymously", "/api/findings/", {}, status=401, user=None),
    get("page that is text", "/api/findings/", {"page": "last; DROP TABLE"}, status=404, message="page"),
    get("page beyond 64 bits", "/api/inspections/", {"page": "9" * 25}, status=404, message="page"),
    get("notifications of a task id that is SQL", "/api/notifications/", {"task": "' OR 1=1 --"}, message="task"),
]

CASES = IDS + CHOICES_AND_DATES + PLACES + PEOPLE_AND_PAGES


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_hostile_query(scene, case):
    run(case, scene)
