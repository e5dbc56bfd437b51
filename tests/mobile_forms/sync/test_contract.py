"""The quick reading and the serializers agree on the limits of the wire contract, item by item.

For every item: what the serializers refuse, the quick reading does not accept (it leaves it to them, so the
refusal and its words are theirs); what the serializers accept, the sync reads to the same service input, quickly
when the item is usual.
"""

import copy
import dataclasses
import uuid

import pytest
from rest_framework.test import APIClient

from inspections.api.contract import (
    FINDING,
    INSPECTION,
    MAX_DESCRIPTION,
    MAX_ITEMS,
    MAX_MOVE_PHOTOS,
    MAX_NOTE,
    SEVERITIES,
    TASK_MOVE,
)
from inspections.evidence.batch import FindingItem
from mobile_forms.api.sync_serializers import SyncFindingSerializer, SyncInspectionSerializer, SyncRequestSerializer
from mobile_forms.sync import sync_batch
from mobile_forms.sync.parsing import Parser, Unusual
from mobile_forms.sync.reasons import describe
from tests.inspections import conftest as inspection_fixtures

pytestmark = pytest.mark.django_db

phase = inspection_fixtures.phase
inspection_payload = inspection_fixtures.inspection_payload

QUICK, SLOW, REFUSED = "quick", "slow", "refused"
NAN, INF = float("nan"), float("inf")

FINDING_CASES = [
    ({}, QUICK),
    ({"description": "x" * MAX_DESCRIPTION}, QUICK),
    ({"description": "  " + "x" * MAX_DESCRIPTION + "\u3000"}, QUICK),
    ({"description": "x" * (MAX_DESCRIPTION + 1)}, REFUSED),
    ({"description": "占道\x00经营"}, REFUSED),
    ({"description": "占道\ud800经营"}, REFUSED),
    ({"description": "占道\udfff"}, REFUSED),
    ({"description": 42}, SLOW),
    ({"description": None}, REFUSED),
    ({"description": ["a"]}, REFUSED),
    *[({"severity": severity}, QUICK) for severity in sorted(SEVERITIES)],
    ({"severity": ""}, QUICK),
    ({"severity": "catastrophic"}, REFUSED),
    ({"severity": None}, REFUSED),
    ({"problem_type": "no_such_problem"}, REFUSED),
    ({"problem_type": 42}, REFUSED),
    ({"problem_type": ""}, REFUSED),
    ({"id": "nope"}, REFUSED),
    ({"id": 12345}, REFUSED),  # an id is text (DRF's UUIDField alone would read an integer as its 128 bits)
    ({"id": None}, REFUSED),
    ({"id": "00000000-0000-0000-0000-00000000000g"}, REFUSED),
    ({"id": "6F9619FF-8B86-D011-B42D-00C04FC964FF"}, QUICK),
    ({"location": {"lon": 180, "lat": -90}}, QUICK),
    ({"location": {"lon": -180.0, "lat": 90.0}}, QUICK),
    ({"location": {"lon": 180.000001, "lat": 39.8}}, REFUSED),
    ({"location": {"lon": 116.2, "lat": -90.5}}, REFUSED),
    ({"location": {"lon": NAN, "lat": 39.8}}, REFUSED),
    ({"location": {"lon": 116.2, "lat": INF}}, REFUSED),
    ({"location": {"lon": "116.2", "lat": "39.8"}}, SLOW),
    ({"location": {"lon": "NaN", "lat": "39.8"}}, REFUSED),
    ({"location": {"lon": True, "lat": 39.8}}, SLOW),
    ({"location": {"lon": 116.2}}, REFUSED),
    ({"location": [116.2, 39.8]}, REFUSED),
    ({"location": None}, QUICK),
]

INSPECTION_CASES = [
    ({}, QUICK),
    ({"position": {"lon": 116.23, "lat": 39.845, "accuracy": 0}}, QUICK),
    ({"position": {"lon": 116.23, "lat": 39.845, "accuracy": -0.1}}, REFUSED),
    ({"position": {"lon": 116.23, "lat": 39.845, "accuracy": NAN}}, REFUSED),
    ({"position": {"lon": 116.23, "lat": 39.845, "accuracy": INF}}, REFUSED),
    ({"position": {"lon": 116.23, "lat": 39.845, "accuracy": "8"}}, SLOW),
    ({"position": {"lon": 181, "lat": 39.845}}, REFUSED),
    ({"position": {"lon": NAN, "lat": 39.845}}, REFUSED),
    ({"position": "116.23,39.845"}, REFUSED),
    ({"hotspot": "abc"}, REFUSED),
    ({"hotspot": 10**9}, REFUSED),
    ({"hotspot": True}, REFUSED),
    ({"phase": None}, REFUSED),
    ({"started_at": "yesterday"}, REFUSED),
    ({"started_at": 1767225600}, REFUSED),
    ({"started_at": "2026-03-01T09:00:00+08:00"}, QUICK),
    ({"ended_at": "2026-02-30T09:00:00+08:00"}, REFUSED),
    ({"answers": ["clean"]}, REFUSED),
    ({"answers": None}, REFUSED),
    ({"findings": {"0": {}}}, REFUSED),
    ({"findings": ["not an object"]}, REFUSED),
    ({"findings": []}, QUICK),
    ({"id": "not-a-uuid"}, REFUSED),
]


def serializer_reading(serializer_class, item):
    """What the REST serializers make of an item: the service input, or the refusal reason in their words."""
    payload = serializer_class(data=copy.deepcopy(item))
    if not payload.is_valid():
        return describe(payload.errors)
    data = payload.validated_data
    if serializer_class is SyncInspectionSerializer:
        return dataclasses.replace(payload.to_input(), checklist_version=data.get("checklist_version"))
    return payload.to_item()


def assert_agree(expected_kind, expected, quick, read):
    if expected_kind == REFUSED:
        assert isinstance(expected, str) and quick is None and read == expected
    else:
        assert not isinstance(expected, str), expected
        assert read == expected
        assert (quick is not None) == (expected_kind == QUICK)
        assert quick is None or quick == expected


@pytest.mark.parametrize(("change", "kind"), FINDING_CASES)
def test_a_finding_item(world, inspection_payload, change, kind):
    finding = {**inspection_payload()["findings"][0], **change}
    item = {"type": FINDING, "inspection": str(uuid.uuid4()), **finding}
    parser = Parser([item], {INSPECTION: [], FINDING: [0]})
    try:
        quick = FindingItem(inspection_id=uuid.UUID(item["inspection"]), finding=parser.quick_finding(item))
    except Unusual:
        quick = None
    assert_agree(kind, serializer_reading(SyncFindingSerializer, item), quick, parser.values[0])


@pytest.mark.parametrize(("change", "kind"), FINDING_CASES)
def test_a_finding_inside_an_inspection(world, inspection_payload, change, kind):
    item = {"type": INSPECTION, **inspection_payload()}
    item["findings"][0].update(change)
    check_inspection(item, kind)


@pytest.mark.parametrize(("change", "kind"), INSPECTION_CASES)
def test_an_inspection_item(world, inspection_payload, change, kind):
    check_inspection({"type": INSPECTION, **inspection_payload(**change)}, kind)


def check_inspection(item, kind):
    parser = Parser([item], {INSPECTION: [0], FINDING: []})
    try:
        quick = parser.quick_inspection(item)
    except Unusual:
        quick = None
    assert_agree(kind, serializer_reading(SyncInspectionSerializer, item), quick, parser.values[0])


def test_a_batch_holds_at_most_max_items():
    assert SyncRequestSerializer(data={"device": "t", "items": [{}] * MAX_ITEMS}).is_valid()
    envelope = SyncRequestSerializer(data={"device": "t", "items": [{}] * (MAX_ITEMS + 1)})
    assert not envelope.is_valid() and "items" in envelope.errors


def test_a_task_move_is_refused_beyond_the_limits(world):
    move = {"type": TASK_MOVE, "id": str(uuid.uuid4()), "task": str(uuid.uuid4()), "action": "submit"}
    too_many = {**move, "photos": [str(uuid.uuid4()) for _ in range(MAX_MOVE_PHOTOS + 1)]}
    too_long = {**move, "id": str(uuid.uuid4()), "note": "x" * (MAX_NOTE + 1)}
    results = sync_batch(user=world.users.rectifier, device="t", items=[too_many, too_long])
    assert [r.status for r in results] == ["refused"] * 2
    assert results[0].reason == f"photos: Ensure this field has no more than {MAX_MOVE_PHOTOS} elements."
    assert results[1].reason == f"note: Ensure this field has no more than {MAX_NOTE} characters."


def test_the_schema_shows_the_limits():
    schema = APIClient().get("/api/schema/?format=json").json()["components"]["schemas"]
    for name in ("FindingInputRequest", "SyncFindingRequest"):
        assert schema[name]["properties"]["description"]["maxLength"] == MAX_DESCRIPTION
    assert schema["SyncRequestRequest"]["properties"]["items"]["maxItems"] == MAX_ITEMS
    # One of the item shapes, or anything else (refused on its own in the results, not a 400).
    assert schema["SyncRequestRequest"]["properties"]["items"]["items"]["anyOf"][0] == {
        "$ref": "#/components/schemas/SyncItemRequest"
    }
    mapping = schema["SyncItemRequest"]["discriminator"]["mapping"]
    assert sorted(mapping) == sorted([INSPECTION, FINDING, TASK_MOVE])
    move = schema["SyncTaskMoveRequest"]["properties"]
    assert move["photos"]["maxItems"] == MAX_MOVE_PHOTOS and move["note"]["maxLength"] == MAX_NOTE
    assert schema["LonLatRequest"]["properties"]["lon"]["maximum"] == 180
    assert schema["PositionRequest"]["properties"]["accuracy"]["minimum"] == 0
