"""Hostile sync batches. A malformed envelope (not an object, no device, too many items) answers 400 and stores
nothing. A bad item inside a good envelope is the sync's contract: the batch answers 200 and that item alone is
"refused" with a reason, kept as a refused item for managers (`SyncRefusal`, the only row it may add), and nothing of
it is stored: unknown types, wrong types, places outside the district, someone else's inspection or task, a move the
task's status does not allow, a move id replayed with other content."""

import uuid

import pytest

from tests.hostile.corpus import Case, ids, run

pytestmark = pytest.mark.django_db

URL = "/api/sync/"
REFUSAL = ("mobile_forms.SyncRefusal",)
SHANGHAI = {"lon": 121.4737, "lat": 31.2304}


def envelope(name, body, status=400, message=None, user="inspector"):
    return Case(name, "POST", URL, status, user=user, body=body, message=message)


def refused(name, item, message, user="inspector"):
    """A batch of one hostile item: 200, the item refused with a reason naming `message`."""

    def body(scene):
        return {"device": "tablet-hostile", "items": [item(scene)]}

    return Case(name, "POST", URL, 200, user=user, body=body, message=message, kept=REFUSAL)


def inspection(scene, **changes):
    return {"type": "inspection", **scene.inspection_payload(**changes)}


def finding_of(scene, **changes):
    return {**scene.inspection_payload()["findings"][0], **changes}


def move(task="task", **fields):
    def item(scene):
        return {"type": "task_move", "id": str(uuid.uuid4()), "task": str(getattr(scene, task).pk), **fields}

    return item


ENVELOPES = [
    envelope("batch a list", [{"type": "inspection"}], message="dictionary"),
    envelope("batch without a device", {"items": []}, message="device"),
    envelope("device of 65 characters", {"device": "t" * 65, "items": []}, message="device"),
    envelope("device with a NUL", {"device": "tab\x00let", "items": []}, message="device"),
    envelope("items an object", {"device": "t", "items": {"type": "inspection"}}, message="items"),
    envelope("items null", {"device": "t", "items": None}, message="items"),
    envelope("1001 items", {"device": "t", "items": [{"type": "nothing"}] * 1001}, message="at most 1000"),
    envelope("anonymous batch", {"device": "t", "items": []}, status=401, user=None),
]

ITEMS = [
    refused("item of an unknown type", lambda s: {"type": "photo", "id": str(uuid.uuid4())}, "type"),
    refused("item without a type", lambda s: {"id": str(uuid.uuid4())}, "type"),
    refused("item a number", lambda s: 42, "object"),
    refused("item a string", lambda s: "inspection", "object"),
    refused("inspection id a number", lambda s: inspection(s, id=7), "id"),
    refused("inspection hotspot text", lambda s: inspection(s, hotspot="东街摊点"), "hotspot"),
    refused("inspection answers a list", lambda s: inspection(s, answers=["no"]), "answers"),
    refused(
        "inspection with a finding in Shanghai",
        lambda s: inspection(s, findings=[finding_of(s, location=SHANGHAI)]),
        "location",
    ),
    refused(
        "inspection with a finding beyond 180",
        lambda s: inspection(s, findings=[finding_of(s, location={"lon": 216.2, "lat": 39.8})]),
        "lon",
    ),
    refused(
        "inspection id of someone else's inspection",
        lambda s: inspection(s, id=str(s.finding.inspection_id)),
        "another person",
        user="east_inspector",
    ),
    refused("inspection sent by a rectifier", lambda s: inspection(s), "inspection", user="rectifier"),
    refused(
        "finding for an inspection not on the server",
        lambda s: {"type": "finding", "inspection": str(uuid.uuid4()), **finding_of(s)},
        "not on the server",
    ),
    refused(
        "finding for someone else's inspection",
        lambda s: {"type": "finding", "inspection": str(s.finding.inspection_id), **finding_of(s)},
        "inspection",
        user="east_inspector",
    ),
    refused("move of another unit's task", move(action="accept"), "task", user="east_rectifier"),
    refused("move the status does not allow", move(action="submit", note="好了"), "dispatched", user="rectifier"),
    refused("move of a manager made by a unit", move(action="void", note="作废"), "void", user="rectifier"),
    refused("move with an unknown action", move(action="explode"), "action", user="rectifier"),
    refused("move of a task that is not a uuid", move(task="phase", action="accept"), "task", user="rectifier"),
    refused(
        "move id replayed with another move",
        lambda s: {"type": "task_move", "id": str(s.east_accept_id), "task": str(s.east_task.pk), "action": "start"},
        "another move",
        user="east_rectifier",
    ),
]

CASES = ENVELOPES + ITEMS


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_hostile_sync(scene, case):
    response = run(case, scene)
    if case.status == 200:
        (result,) = response.json()["results"]
        assert result["status"] == "refused", result
