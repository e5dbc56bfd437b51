"""Reading sync items: the quick reading agrees with the REST serializers."""

import copy
import dataclasses
import uuid

import pytest
from django.utils import timezone

from inspections.api.contract import FINDING, INSPECTION
from inspections.models import Inspection
from mobile_forms.api.sync_serializers import SyncFindingSerializer, SyncInspectionSerializer
from mobile_forms.sync import sync_batch
from mobile_forms.sync.parsing import Parser, Unusual
from tests.inspections import conftest as inspection_fixtures

pytestmark = pytest.mark.django_db

phase = inspection_fixtures.phase
inspection_payload = inspection_fixtures.inspection_payload


def variants(payload, world):
    base = payload()
    finding = base["findings"][0]
    yield base
    yield {**base, "hotspot": None, "location": {"lon": 116.207, "lat": 39.847}}
    yield {**base, "position": {"lon": 116.2301, "lat": 39.8451}, "ended_at": None, "answers": {}}
    yield {**base, "position": {"lon": 116, "lat": 39, "accuracy": None}, "checklist_version": str(uuid.uuid4())}
    yield {**base, "started_at": "2026-03-01T01:02:03Z", "id": base["id"].upper()}
    yield {**base, "ended_at": "2026-03-01 10:00:00+08:00", "id": "{" + base["id"] + "}"}
    yield {**base, "started_at": "2026-03-01T09:02:03.123456+08:00", "hotspot": world.plot.pk}
    without = {k: v for k, v in base.items() if k not in ("ended_at", "position", "answers", "findings", "hotspot")}
    yield without
    yield {**base, "findings": [{"id": finding["id"], "problem_type": "illegal_ads"}]}
    yield {
        **base,
        "findings": [
            {**finding, "severity": "", "description": "  占道  ", "location": None},
            {**finding, "id": str(uuid.uuid4()), "location": {"lon": 116.23, "lat": 39.845}, "extra": 1},
        ],
    }


def through_serializer(item):
    payload = SyncInspectionSerializer(data=copy.deepcopy(item))
    assert payload.is_valid(), payload.errors
    return dataclasses.replace(payload.to_input(), checklist_version=payload.validated_data.get("checklist_version"))


def test_the_quick_reading_gives_what_the_rest_serializers_give(world, inspection_payload):
    items = [{"type": INSPECTION, **item} for item in variants(inspection_payload, world)]
    parser = Parser(items, {INSPECTION: list(range(len(items))), FINDING: []})
    for item in items:
        assert parser.quick_inspection(item) == through_serializer(item), item


def test_a_finding_item_reads_the_same_both_ways(world, inspection_payload):
    item = {"type": FINDING, "inspection": str(uuid.uuid4()), **inspection_payload()["findings"][0]}
    parser = Parser([item], {INSPECTION: [], FINDING: [0]})
    payload = SyncFindingSerializer(data=item)
    assert payload.is_valid(), payload.errors
    read = parser.values[0]
    assert str(read.inspection_id) == item["inspection"]
    assert (read.finding.id, read.finding.problem_type, read.finding.severity, read.finding.description) == (
        payload.validated_data["id"],
        payload.validated_data["problem_type"],
        payload.validated_data["severity"],
        payload.validated_data["description"],
    )


@pytest.mark.parametrize(
    "unusual",
    [
        lambda phase: {"position": {"lon": "116.2301", "lat": "39.8451", "accuracy": "8"}},
        lambda phase: {"started_at": timezone.localtime().replace(tzinfo=None).isoformat()},
        lambda phase: {"phase": str(phase.pk)},
    ],
)
def test_unusual_but_valid_items_are_read_by_the_rest_serializers(world, inspection_payload, phase, unusual):
    item = {"type": INSPECTION, **inspection_payload(**unusual(phase))}
    parser = Parser([item], {INSPECTION: [0], FINDING: []})
    with pytest.raises(Unusual):
        parser.quick_inspection(item)
    assert parser.values[0] == through_serializer(item)


def test_unusual_items_are_stored_all_the_same(world, inspection_payload):
    item = {"type": INSPECTION, **inspection_payload(position={"lon": "116.2301", "lat": "39.8451"})}
    item["findings"][0]["description"] = 42
    (result,) = sync_batch(user=world.users.inspector, device="t", items=[item])
    assert result.status == "created"
    assert Inspection.objects.get().findings.get().description == "42"


def test_items_the_rest_serializers_refuse_are_refused_with_their_words(world, inspection_payload):
    items = [
        {"type": INSPECTION, **inspection_payload(id="nope")},
        {"type": INSPECTION, **inspection_payload(hotspot=999999)},
        {"type": INSPECTION, **inspection_payload(answers=None)},
        {"type": FINDING, "id": str(uuid.uuid4()), "problem_type": "illegal_ads"},
    ]
    items[2]["findings"][0]["severity"] = "catastrophic"
    results = sync_batch(user=world.users.inspector, device="t", items=items)
    assert [r.status for r in results] == ["refused"] * 4
    assert results[0].reason == "id: Must be a valid UUID."
    assert results[1].reason == 'hotspot: Invalid pk "999999" - object does not exist.'
    assert results[2].reason == (
        'answers: This field may not be null.; findings[0].severity: "catastrophic" is not a valid choice.'
    )
    assert results[3].reason == "inspection: This field is required."
