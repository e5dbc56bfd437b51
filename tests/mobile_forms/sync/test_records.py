"""What a batch keeps for managers: digests, refused items and conflicts, and their admin pages."""

import pytest
from django.contrib.admin import AdminSite
from django.test import override_settings
from django.urls import path

from inspections.api.contract import INSPECTION
from mobile_forms.admin_sync import SyncConflictAdmin, SyncRefusalAdmin
from mobile_forms.models import SyncConflict, SyncRefusal
from mobile_forms.sync import sync_batch
from mobile_forms.sync.records import digest
from tests.inspections import conftest as inspection_fixtures

pytestmark = pytest.mark.django_db

phase = inspection_fixtures.phase
inspection_payload = inspection_fixtures.inspection_payload


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


@override_settings(ROOT_URLCONF=__name__)
def test_a_manager_sees_only_the_refused_items_of_the_people_of_their_area(client, world, inspection_payload):
    from django.contrib.auth.models import Permission

    for person in (world.users.rectifier, world.users.east_inspector):
        sync_batch(user=person, device=f"t-{person.username}", items=[{"type": "task_move", "id": "m-1"}])
    manager = world.users.west_manager
    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(Permission.objects.get(codename="view_syncrefusal"))
    client.force_login(manager)
    page = client.get("/admin/mobile_forms/syncrefusal/").content.decode()
    assert "t-rectifier_u" in page and "t-east_inspector" not in page


def test_a_refused_item_with_a_lone_surrogate_or_nul_is_kept_with_replacement_characters(world, inspection_payload):
    # JSON may carry "\ud800" and "\u0000"; UTF-8 and PostgreSQL's jsonb cannot hold them: storing the refusal failed.
    item = {**inspection_payload(), "type": INSPECTION, "hotspot": 10**6, "note": "摊位\ud800\x00"}
    results = sync_batch(user=world.users.inspector, device="tablet-1", items=[item])
    assert results[0].status == "refused"
    refusal = SyncRefusal.objects.get()
    assert refusal.payload["note"] == "摊位\ufffd\ufffd"
    assert refusal.digest == digest({**item, "note": "摊位\ufffd\ufffd"})


def unknown(number: int, size: int = 0) -> dict:
    return {"type": "parcel", "id": f"p-{number}", "blob": "包" * size}


def test_a_large_refused_item_is_kept_truncated_with_a_marker(world, settings):
    settings.SYNC_REFUSAL_PAYLOAD_MAX_BYTES = 4096
    item = unknown(1, size=100_000)  # 300 kB of JSON
    results = sync_batch(user=world.users.inspector, device="tablet-1", items=[item])
    assert results[0].status == "refused" and "Unknown item type" in results[0].reason
    refusal = SyncRefusal.objects.get()
    payload = refusal.payload
    assert payload["truncated"] is True and payload["bytes"] > 300_000
    assert (payload["type"], payload["id"]) == ("parcel", "p-1")
    assert len(payload["head"].encode()) <= 4096 and payload["head"].startswith('{"type":"parcel","id":"p-1"')
    assert (refusal.item_type, refusal.item_id, refusal.digest) == ("parcel", "p-1", digest(item))
    # The same item again is the same row, one attempt more.
    sync_batch(user=world.users.inspector, device="tablet-1", items=[item])
    assert SyncRefusal.objects.get().attempts == 2


def test_a_small_refused_item_is_kept_whole(world):
    sync_batch(user=world.users.inspector, device="tablet-1", items=[unknown(1, size=10)])
    assert SyncRefusal.objects.get().payload == unknown(1, size=10)


def test_each_device_keeps_its_most_recent_refusals_only(world, settings):
    settings.SYNC_REFUSALS_PER_DEVICE = 3
    inspector = world.users.inspector
    for number in range(5):
        [result] = sync_batch(user=inspector, device="tablet-1", items=[unknown(number)])
        assert result.status == "refused"
    sync_batch(user=inspector, device="tablet-2", items=[unknown(9)])
    kept = SyncRefusal.objects.filter(user=inspector, device="tablet-1")
    assert sorted(kept.values_list("item_id", flat=True)) == ["p-2", "p-3", "p-4"]
    assert SyncRefusal.objects.filter(device="tablet-2").count() == 1
    # An item refused again is recent again, and stays.
    sync_batch(user=inspector, device="tablet-1", items=[unknown(2)])
    sync_batch(user=inspector, device="tablet-1", items=[unknown(5)])
    assert sorted(kept.values_list("item_id", flat=True)) == ["p-2", "p-4", "p-5"]


def test_a_batch_with_more_refusals_than_a_device_keeps_still_answers_every_item(world, settings):
    settings.SYNC_REFUSALS_PER_DEVICE = 3
    results = sync_batch(user=world.users.inspector, device="tablet-1", items=[unknown(n) for n in range(6)])
    assert [(r.id, r.status) for r in results] == [(f"p-{n}", "refused") for n in range(6)]
    assert sorted(SyncRefusal.objects.values_list("item_id", flat=True)) == ["p-3", "p-4", "p-5"]
