"""Hostile JSON bodies: not an object, not JSON, not UTF-8, NaN and Infinity, deep nesting, duplicate keys, the
wrong content type, the wrong type in every field, huge strings and NUL characters; on `POST /api/inspections/`,
a task's transition and the token endpoint. Each answers a 4xx naming what is wrong, and nothing is stored."""

import json
import uuid

import pytest

from tests.hostile.corpus import Case, ids, resolve, run

pytestmark = pytest.mark.django_db

INSPECTIONS = "/api/inspections/"


def raw(name, text, status, message=None, *, content_type="application/json", path=INSPECTIONS, user="inspector"):
    """A body sent byte for byte (text is encoded as UTF-8; a callable gets the scene)."""

    def body(scene):
        data = text(scene) if callable(text) else text
        return data.encode() if isinstance(data, str) else data

    return Case(name, "POST", path, status, user=user, body=body, format="raw", content_type=content_type,
                message=message)  # fmt: skip


def inspection(name, status, message=None, *, user="inspector", **overrides):
    """A valid inspection body with `overrides` (values or callables of the scene)."""

    def body(scene):
        return scene.inspection_payload(**resolve(overrides, scene))  # fmt: skip

    return Case(name, "POST", INSPECTIONS, status, user=user, body=body, message=message)


def finding(name, status, message=None, **overrides):
    """A valid inspection body whose one finding has `overrides`."""

    def findings(scene):
        changes = resolve(overrides, scene)
        return [{**scene.inspection_payload()["findings"][0], **changes}]

    return inspection(name, status, message, findings=findings)


def as_text(scene, **overrides) -> str:
    return json.dumps(scene.inspection_payload(**overrides), ensure_ascii=False)


NOT_OBJECTS = [
    raw("body is a list", "[]", 400),
    raw("body is a string", '"inspection"', 400),
    raw("body is a number", "42", 400),
    raw("body is null", "null", 400),
    raw("body is cut short", lambda s: as_text(s)[:-5], 400, "JSON parse error"),
    raw("body is not UTF-8", lambda s: as_text(s).encode().replace(b"\xe5\x8d\xa0", b"\xff\xfe\xfd"), 400),
    raw(
        "description with a lone surrogate",
        lambda s: as_text(s).replace("摊位侵占", "\\ud800"),
        400,
        "description",
    ),
    raw("body is UTF-16", lambda s: as_text(s).encode("utf-16"), 400),
    raw("NaN as a number", lambda s: as_text(s).replace('"accuracy": 8', '"accuracy": NaN'), 400),
    raw("Infinity as a number", lambda s: as_text(s).replace('"lon": 116.2301', '"lon": Infinity'), 400),
    raw("nested 5000 levels deep", '{"answers": ' + "[" * 5000 + "]" * 5000 + "}", 400, "levels deep"),
    raw(
        "duplicate keys: the later id is not a uuid",
        lambda s: as_text(s).replace('"hotspot":', '"id": "x", "hotspot":', 1),
        400,
        "id",
    ),
    raw("JSON sent as text/plain", lambda s: as_text(s), 415, "text/plain", content_type="text/plain"),
    raw("JSON sent as XML", lambda s: as_text(s), 415, content_type="application/xml"),
    raw("form-encoded body", "id=1&hotspot=1", 400, content_type="application/x-www-form-urlencoded"),
]

WRONG_TYPES = [
    inspection("id a number", 400, "id", id=12345),
    inspection("id true", 400, "id", id=True),
    inspection("id 10000 characters", 400, "id", id="a" * 10_000),
    inspection("hotspot text", 400, "hotspot", hotspot="东街摊点"),
    inspection("hotspot true", 400, "hotspot", hotspot=True),
    inspection("hotspot beyond 64 bits", 400, "hotspot", hotspot=2**70),
    inspection("phase a list", 400, "phase", phase=[1]),
    inspection("phase that does not exist", 400, "phase", phase=2**31),
    inspection("started_at a number", 400, "started_at", started_at=1_700_000_000),
    inspection("started_at the 30th of February", 400, "started_at", started_at="2026-02-30T10:00:00+08:00"),
    inspection("started_at in the year 10000", 400, "started_at", started_at="10000-01-01T00:00:00Z"),
    inspection("position a string", 400, "position", position="here"),
    inspection("position longitude text", 400, "lon", position={"lon": "east", "lat": 39.845}),
    inspection("position latitude beyond 90", 400, "lat", position={"lon": 116.23, "lat": 90.5}),
    inspection("position longitude 1e400", 400, "lon", position={"lon": "1e400", "lat": 39.845}),
    inspection("answers a list", 400, "answers", answers=[["clean", "no"]]),
    inspection("answers of 100000 characters", 400, "answers", answers={"note": "垃" * 100_000}),
    inspection("findings an object", 400, "findings", findings={"id": str(uuid.uuid4())}),
    inspection("findings of numbers", 400, "findings", findings=[1, 2]),
    inspection(
        "findings 500 of them",
        400,
        "findings",
        findings=lambda s: [{**s.inspection_payload()["findings"][0], "id": str(uuid.uuid4())} for _ in range(500)],
    ),
    finding("finding id a number", 400, "id", id=42),
    finding("problem type a number", 400, "problem_type", problem_type=5),
    finding("problem type unknown", 400, "problem_type", problem_type="alien_landing"),
    finding("severity unknown", 400, "severity", severity="apocalyptic"),
    finding("description an object", 400, "description", description={"text": "x"}),
    finding("description of 5000 characters", 400, "description", description="脏" * 5000),
    finding("description with a NUL", 400, "description", description="占道\x00经营"),
    finding("finding id of someone else's finding", 409, None, id=lambda s: str(s.east_task.finding_id)),
]


def transition(name, status, message=None, *, user="rectifier", task="task", **body):
    def path(scene):
        return f"/api/tasks/{getattr(scene, task).pk}/transition/"

    def payload(scene):
        return resolve(body, scene)

    return Case(name, "POST", path, status, user=user, body=payload, message=message)


MOVES = [
    Case(
        "move body a list",
        "POST",
        lambda s: f"/api/tasks/{s.task.pk}/transition/",
        400,
        user="rectifier",
        body=[{"action": "accept"}],
    ),
    transition("move action unknown", 400, "action", action="explode"),
    transition("move photos as numbers", 400, "photos", action="accept", photos=[1, 2]),
    transition("move id a number", 400, "id", action="accept", id=7),
    transition("move note of 10000 characters", 400, "note", action="return", note="退" * 10_000),
    transition("move photos not a list", 400, "photos", action="accept", photos="all"),
    transition("move photos 1000 ids", 400, "photos", action="accept", photos=[str(uuid.uuid4()) for _ in range(1000)]),
    transition("move due_at 'tomorrow'", 400, "due_at", action="request_extension", note="x", due_at="tomorrow"),
    transition("move unit beyond 64 bits", 400, "unit", user="manager", action="dispatch", unit=2**64),
    transition("move id not a uuid", 400, "id", action="accept", id="'; DROP TABLE tasks; --"),
]

TOKEN = [
    Case(
        "token with a list as password",
        "POST",
        "/api/auth/token/",
        400,
        user=None,
        body={"username": "inspector_u", "password": ["pw"]},
    ),
    Case(
        "token with wrong credentials",
        "POST",
        "/api/auth/token/",
        400,
        user=None,
        body={"username": "inspector_u", "password": "guess"},
        message="credentials",
    ),
    raw(
        "token body nested 100 levels",
        '{"username": ' + "[" * 100 + "]" * 100 + "}",
        400,
        "levels deep",
        path="/api/auth/token/",
        user=None,
    ),
]

CASES = NOT_OBJECTS + WRONG_TYPES + MOVES + TOKEN


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_hostile_json_body(scene, case):
    run(case, scene)
