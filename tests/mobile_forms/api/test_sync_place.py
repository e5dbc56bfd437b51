"""`POST /api/sync/`: where a finding may lie, and how much one inspection may carry; a refused item is answered
with its reason and the others are stored."""

import uuid

import pytest

from inspections.api.contract import MAX_FINDINGS, MAX_FREE_ANSWERS
from inspections.models import Finding, Inspection, Notification, Task
from tests.inspections import conftest as inspection_fixtures
from tests.mobile_forms.api.test_sync import finding_item, inspection_item, statuses

pytestmark = pytest.mark.django_db

phase = inspection_fixtures.phase
inspection_payload = inspection_fixtures.inspection_payload


@pytest.fixture
def sync(client_for, world):
    def post(items, user=None):
        response = client_for(user or world.users.east_inspector).post(
            "/api/sync/", {"device": "tablet-9", "items": items}, format="json"
        )
        assert response.status_code == 200, response.content
        return response.json()["results"]

    return post


def at(payload, lon, lat):
    item = inspection_item(payload)
    item["findings"][0]["location"] = {"lon": lon, "lat": lat}
    return item


def test_findings_out_of_place_are_refused_with_the_reason_and_the_others_stored(sync, inspection_payload):
    good = at(inspection_payload, 116.2323, 39.845)  # about 197 m east of the stall
    west = at(inspection_payload, 116.2195, 39.845)
    outside = at(inspection_payload, 116.5, 39.9)
    far = at(inspection_payload, 116.2325, 39.845)  # about 214 m east of the stall
    results = sync([good, west, outside, far])
    assert statuses(results) == ["created", "refused", "refused", "refused"]
    assert results[1]["reason"].startswith("findings[0].location: The finding at (116.219500, 39.845000) lies outside")
    assert "outside every jurisdiction" in results[2]["reason"]
    assert "214 m from the hotspot" in results[3]["reason"]
    assert list(Inspection.objects.values_list("pk", flat=True)) == [uuid.UUID(good["id"])]
    assert Finding.objects.count() == Task.objects.count() == 1
    assert not Notification.objects.exclude(task__finding__inspection_id=good["id"]).exists()


def test_a_finding_item_out_of_place_is_refused(sync, inspection_payload):
    parent = inspection_item(inspection_payload, findings=[])
    items = [
        parent,
        finding_item(parent["id"], location={"lon": 116.2195, "lat": 39.845}),
        finding_item(parent["id"], location={"lon": 116.2330, "lat": 39.845}),
        finding_item(parent["id"]),
    ]
    results = sync(items)
    assert statuses(results) == ["created", "refused", "refused", "created"]
    assert results[1]["reason"].startswith("location: The finding at")
    assert "from the hotspot" in results[2]["reason"]
    assert Finding.objects.count() == Task.objects.count() == 1


def test_a_free_inspections_findings_lie_in_the_persons_area(sync, inspection_payload, world):
    free = inspection_item(inspection_payload, hotspot=None, location={"lon": 116.232, "lat": 39.8435})
    free["findings"][0]["location"] = {"lon": 116.239, "lat": 39.859}
    leaking = inspection_item(inspection_payload, hotspot=None, location={"lon": 116.232, "lat": 39.8435})
    leaking["findings"][0]["location"] = {"lon": 116.215, "lat": 39.845}
    assert statuses(sync([free, leaking])) == ["created", "refused"]


def test_too_many_findings_or_too_large_answers_are_refused_with_the_limit(sync, inspection_payload):
    finding = inspection_payload()["findings"][0]
    many = inspection_item(
        inspection_payload, findings=[{**finding, "id": str(uuid.uuid4())} for _ in range(MAX_FINDINGS + 1)]
    )
    big = inspection_item(inspection_payload, answers={"note": "x" * MAX_FREE_ANSWERS})
    ok = inspection_item(inspection_payload)
    results = sync([many, big, ok])
    assert statuses(results) == ["refused", "refused", "created"]
    assert results[0]["reason"] == (
        f"findings: An inspection may carry at most {MAX_FINDINGS} findings; record the others in another inspection."
    )
    assert f"at most {MAX_FREE_ANSWERS} characters" in results[1]["reason"]
    assert Inspection.objects.count() == 1
