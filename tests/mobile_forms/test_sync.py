"""Reading sync items: the quick reading agrees with the REST serializers; reasons and digests."""

import copy
import dataclasses
import uuid

import pytest
from django.contrib.admin import AdminSite
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import path
from django.utils import timezone

from inspections.errors import Conflict
from inspections.models import Inspection
from mobile_forms.admin_sync import SyncConflictAdmin, SyncRefusalAdmin
from mobile_forms.models import SyncConflict, SyncRefusal
from mobile_forms.sync import (
    FINDING,
    INSPECTION,
    SyncFindingSerializer,
    SyncInspectionSerializer,
    _Parser,
    _Unusual,
    describe,
    digest,
    sync_batch,
)
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
    parser = _Parser(items, {INSPECTION: list(range(len(items))), FINDING: []})
    for item in items:
        assert parser._quick_inspection(item) == through_serializer(item), item


def test_a_finding_item_reads_the_same_both_ways(world, inspection_payload):
    item = {"type": FINDING, "inspection": str(uuid.uuid4()), **inspection_payload()["findings"][0]}
    parser = _Parser([item], {INSPECTION: [], FINDING: [0]})
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
    parser = _Parser([item], {INSPECTION: [0], FINDING: []})
    with pytest.raises(_Unusual):
        parser._quick_inspection(item)
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


def test_reasons_name_the_fields():
    assert describe(ValidationError({"location": ["Outside."], "__all__": ["Whole."]})) == "location: Outside.; Whole."
    assert describe(ValidationError("Plain.")) == "Plain."
    assert describe(Conflict("Taken.")) == "Taken."
    errors = {"findings": {"1": {"location": {"lon": ["Too big."]}}}, "non_field_errors": ["Bad."]}
    assert describe(errors) == "findings[1].location.lon: Too big.; Bad."
    assert describe({"findings": [{}, {"id": ["Required."]}]}) == "findings[1].id: Required."


def test_the_digest_ignores_key_order_only():
    a = {"type": "finding", "id": "x", "location": {"lon": 1, "lat": 2}}
    b = {"location": {"lat": 2, "lon": 1}, "id": "x", "type": "finding"}
    assert digest(a) == digest(b)
    assert digest(a) != digest({**a, "id": "y"})


# The sync's admin pages on a site of their own, so the test does not depend on how mobile_forms/admin.py loads them.
sync_admin_site = AdminSite(name="admin")
sync_admin_site.register(SyncRefusal, SyncRefusalAdmin)
sync_admin_site.register(SyncConflict, SyncConflictAdmin)
urlpatterns = [path("admin/", sync_admin_site.urls)]


@override_settings(ROOT_URLCONF=__name__)
def test_managers_see_refused_items_and_conflicts_in_the_admin(client, world, inspection_payload):
    from tests.factories import UserFactory

    item = {"type": INSPECTION, **inspection_payload()}
    edited = {**item, "answers": {"clean": "yes"}}
    sync_batch(user=world.users.inspector, device="t-1", items=[item, {"type": "task_move", "id": "m-1"}])
    sync_batch(user=world.users.inspector, device="t-2", items=[edited])
    refusal, conflict = SyncRefusal.objects.get(), SyncConflict.objects.get()

    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    page = client.get("/admin/mobile_forms/syncrefusal/?accepted=no")
    assert page.status_code == 200 and "id: Must be a valid UUID." in page.content.decode()
    page = client.get(f"/admin/mobile_forms/syncrefusal/{refusal.pk}/change/")
    assert page.status_code == 200 and "m-1" in page.content.decode()
    page = client.get("/admin/mobile_forms/syncconflict/")
    assert page.status_code == 200 and "answers" in page.content.decode()
    page = client.get(f"/admin/mobile_forms/syncconflict/{conflict.pk}/change/")
    assert page.status_code == 200 and "&quot;clean&quot;: &quot;yes&quot;" in page.content.decode()
    assert client.get("/admin/mobile_forms/syncconflict/add/").status_code == 403
