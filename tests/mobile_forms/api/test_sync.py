"""POST /api/sync/: per-item results, replays, reordering, partial failure, conflicts, roles and concurrency."""

import random
import uuid

import pytest

from inspections.api.contract import MAX_ITEMS
from inspections.models import Finding, Inspection, Task
from mobile_forms.models import SyncConflict, SyncRefusal
from tests.api_errors import field_errors
from tests.databases import at_once, file_database
from tests.inspections import conftest as inspection_fixtures
from tests.inspections.conftest import as_upload, photo_bytes

pytestmark = pytest.mark.django_db

# The inspections tests' fixtures: a phase in progress and a valid POST /api/inspections/ body.
phase = inspection_fixtures.phase
inspection_payload = inspection_fixtures.inspection_payload

URL = "/api/sync/"


@pytest.fixture
def sync(client_for, world):
    def post(items, user=None, device="tablet-7"):
        response = client_for(user or world.users.inspector).post(
            URL, {"device": device, "items": items}, format="json"
        )
        assert response.status_code == 200, response.content
        return response.json()["results"]

    return post


def inspection_item(payload, **overrides):
    return {"type": "inspection", **payload(**overrides)}


def finding_item(inspection_id, **overrides):
    return {
        "type": "finding",
        "id": str(uuid.uuid4()),
        "inspection": inspection_id,
        "problem_type": "illegal_ads",
        "severity": "minor",
        "description": "电线杆上的小广告",
        "location": {"lon": 116.2302, "lat": 39.8452},
        **overrides,
    }


def statuses(results):
    return [r["status"] for r in results]


def test_anonymous_is_401(api_client):
    response = api_client.post(URL, {"device": "t", "items": []}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("device", [0, 1.5, True, ["t"]])
def test_the_device_is_text_not_a_number(client_for, world, device):
    response = client_for(world.users.inspector).post(URL, {"device": device, "items": []}, format="json")
    assert response.status_code == 400
    assert list(field_errors(response.json())) == ["device"]


def test_an_item_of_no_known_shape_is_refused_alone_as_the_schema_says(client_for, world, api_client):
    response = client_for(world.users.inspector).post(URL, {"device": "t", "items": [7, {"id": "x"}]}, format="json")
    assert response.status_code == 200
    assert statuses(response.json()["results"]) == ["refused", "refused"]
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    items = schema["components"]["schemas"]["SyncRequestRequest"]["properties"]["items"]["items"]
    assert items["anyOf"][0] == {"$ref": "#/components/schemas/SyncItemRequest"}


def test_a_batch_is_stored_and_every_replay_answers_existing_with_the_same_ids(sync, inspection_payload):
    first = inspection_item(inspection_payload)
    second = inspection_item(inspection_payload, hotspot=None, location={"lon": 116.207, "lat": 39.847})
    second["findings"][0]["problem_type"] = "exposed_garbage"
    extra = finding_item(first["id"])
    items = [first, second, extra]

    results = sync(items)
    assert results == [
        {"id": first["id"], "type": "inspection", "status": "created", "reason": None},
        {"id": second["id"], "type": "inspection", "status": "created", "reason": None},
        {"id": extra["id"], "type": "finding", "status": "created", "reason": None},
    ]
    stored = Finding.objects.get(pk=extra["id"])
    assert str(stored.inspection_id) == first["id"] and stored.routed_unit_id is not None

    for _ in range(3):
        again = sync(items)
        assert [r["id"] for r in again] == [item["id"] for item in items]
        assert statuses(again) == ["existing"] * 3
        assert all(r["reason"] is None for r in again)
    assert Inspection.objects.count() == 2 and Finding.objects.count() == 3
    assert not SyncRefusal.objects.exists() and not SyncConflict.objects.exists()


def test_replays_in_any_order_and_split_differently_create_nothing_new(sync, inspection_payload):
    items = [inspection_item(inspection_payload) for _ in range(4)]
    items += [finding_item(items[i]["id"]) for i in (0, 2)]
    assert statuses(sync(items)) == ["created"] * 6
    rng = random.Random(4)
    for _ in range(3):
        shuffled = rng.sample(items, len(items))
        results = sync(shuffled[:3]) + sync(shuffled[3:])
        assert [r["id"] for r in results] == [item["id"] for item in shuffled]
        assert statuses(results) == ["existing"] * 6
    assert Inspection.objects.count() == 4 and Finding.objects.count() == 6


def test_a_finding_before_its_inspection_is_refused_then_accepted_on_retry(sync, inspection_payload, world):
    inspection = inspection_item(inspection_payload)
    finding = finding_item(inspection["id"])

    (refused,) = sync([finding])
    assert refused["status"] == "refused"
    assert "not on the server yet" in refused["reason"]
    row = SyncRefusal.objects.get()
    assert (row.item_type, row.item_id, row.device, row.user) == (
        "finding",
        finding["id"],
        "tablet-7",
        world.users.inspector,
    )
    assert row.reason == refused["reason"] and row.payload == finding and row.resolved_at is None

    assert statuses(sync([inspection])) == ["created"]
    assert statuses(sync([finding])) == ["created"]
    row.refresh_from_db()
    assert row.resolved_at is not None
    assert statuses(sync([finding, inspection])) == ["existing", "existing"]
    assert Finding.objects.filter(inspection_id=inspection["id"]).count() == 2


def test_within_one_batch_inspections_are_stored_before_findings(sync, inspection_payload):
    inspection = inspection_item(inspection_payload)
    finding = finding_item(inspection["id"])
    assert statuses(sync([finding, inspection])) == ["created", "created"]


def test_one_bad_item_never_fails_the_rest_and_is_kept_for_managers(sync, inspection_payload):
    good = inspection_item(inspection_payload)
    outside = inspection_item(inspection_payload, hotspot=None, location={"lon": 116.5, "lat": 39.9})
    unknown_type = inspection_item(inspection_payload)
    unknown_type["findings"][0]["problem_type"] = "no_such_problem"
    late = inspection_item(inspection_payload)
    items = [good, outside, unknown_type, "not an object", {"type": "photo", "id": "x"}, late]

    results = sync(items)
    assert statuses(results) == ["created", "refused", "refused", "refused", "refused", "created"]
    assert "outside every jurisdiction" in results[1]["reason"]
    assert results[1]["reason"].startswith("location: ")
    assert results[2]["reason"].startswith("findings[0].problem_type: ")
    assert results[3] == {"id": None, "type": None, "status": "refused", "reason": results[3]["reason"]}
    assert "Unknown item type" in results[4]["reason"]
    assert set(Inspection.objects.values_list("pk", flat=True)) == {uuid.UUID(good["id"]), uuid.UUID(late["id"])}
    assert SyncRefusal.objects.count() == 4

    again = sync(items)
    assert statuses(again) == ["existing", "refused", "refused", "refused", "refused", "existing"]
    assert [r["reason"] for r in again] == [r["reason"] for r in results]
    assert SyncRefusal.objects.count() == 4
    assert set(SyncRefusal.objects.values_list("attempts", flat=True)) == {2}


def test_the_same_inspection_edited_on_two_devices_keeps_the_first_and_records_the_other(sync, inspection_payload):
    original = inspection_item(inspection_payload)
    edited = {**original, "answers": {"clean": "yes"}, "ended_at": None}
    edited["findings"] = [{**original["findings"][0], "description": "已改"}]

    assert statuses(sync([original], device="tablet-1")) == ["created"]
    for _ in range(2):
        (result,) = sync([edited], device="tablet-2")
        assert result == {
            "id": original["id"],
            "type": "inspection",
            "status": "existing",
            "reason": "conflict recorded; the stored version was kept",
        }
    stored = Inspection.objects.get()
    assert stored.answers == {"clean": "no"} and stored.ended_at is not None
    assert stored.findings.get().description == original["findings"][0]["description"]
    conflict = SyncConflict.objects.get()
    assert (conflict.item_type, str(conflict.item_id), conflict.device) == ("inspection", original["id"], "tablet-2")
    assert conflict.differences == ["ended_at", "answers", "findings[0].description"]
    assert conflict.payload == edited and conflict.attempts == 2
    # The first version replayed is no conflict.
    assert sync([original]) == [{"id": original["id"], "type": "inspection", "status": "existing", "reason": None}]


def test_findings_only_the_other_version_has_are_added_and_their_photos_arrive(
    sync, inspection_payload, client_for, world
):
    original = inspection_item(inspection_payload)
    second_finding = {**original["findings"][0], "id": str(uuid.uuid4()), "description": "另一台平板上补记的问题"}
    edited = {**original, "answers": {"clean": "yes"}, "findings": [*original["findings"], second_finding]}
    assert statuses(sync([original], device="tablet-1")) == ["created"]

    (result,) = sync([edited], device="tablet-2")
    assert result["status"] == "existing"
    assert (
        result["reason"] == "conflict recorded; the stored version was kept, with the 1 new finding of this one added"
    )
    stored = Inspection.objects.get()
    assert stored.answers == {"clean": "no"}
    added = stored.findings.get(pk=second_finding["id"])
    assert added.description == second_finding["description"] and added.routed_unit_id is not None
    assert Task.objects.filter(finding=added).count() == 1
    conflict = SyncConflict.objects.get()
    assert conflict.differences == ["answers"] and conflict.payload == edited

    photo = {"file": as_upload(photo_bytes()), "finding": second_finding["id"], "role": "before"}
    response = client_for(world.users.inspector).put(f"/api/photos/{uuid.uuid4()}/", photo, format="multipart")
    assert response.status_code == 201, response.content

    # Replays add nothing more and now differ only in the answers.
    (again,) = sync([edited], device="tablet-2")
    assert again["reason"] == "conflict recorded; the stored version was kept"
    assert Finding.objects.count() == 2 and Task.objects.count() == 2
    assert SyncConflict.objects.get().attempts == 2


def test_a_version_that_only_adds_findings_is_no_conflict(sync, inspection_payload):
    original = inspection_item(inspection_payload)
    more = [{**original["findings"][0], "id": str(uuid.uuid4())} for _ in range(2)]
    assert statuses(sync([original])) == ["created"]
    (result,) = sync([{**original, "findings": [*original["findings"], *more]}], device="tablet-2")
    assert result["reason"] == "2 new findings added to the stored inspection"
    assert Inspection.objects.get().findings.count() == 3 and not SyncConflict.objects.exists()


def test_a_finding_of_the_other_version_that_cannot_be_added_stays_a_recorded_difference(sync, inspection_payload):
    original = inspection_item(inspection_payload)
    elsewhere = inspection_item(inspection_payload)
    assert statuses(sync([original, elsewhere])) == ["created", "created"]
    taken = elsewhere["findings"][0]  # its id is another inspection's finding
    outside = {**original["findings"][0], "id": str(uuid.uuid4()), "location": {"lon": 116.5, "lat": 39.9}}
    (result,) = sync([{**original, "findings": [*original["findings"], taken, outside]}], device="tablet-2")
    assert result["reason"] == "conflict recorded; the stored version was kept"
    assert SyncConflict.objects.get().differences == ["findings[1]", "findings[2]"]
    assert Inspection.objects.get(pk=original["id"]).findings.count() == 1


def test_a_rectifier_gets_each_item_refused_not_the_whole_batch(sync, inspection_payload, world):
    inspection = inspection_item(inspection_payload)
    move = {"type": "task_move", "id": str(uuid.uuid4()), "task": str(uuid.uuid4()), "action": "accept"}
    items = [inspection, finding_item(inspection["id"]), move]
    results = sync(items, user=world.users.east_rectifier)
    assert statuses(results) == ["refused"] * 3
    assert (
        results[0]["reason"] == results[1]["reason"] == "Only inspectors, volunteers and managers record inspections."
    )
    assert results[2]["reason"] == "No such task for you."
    assert not Inspection.objects.exists()
    assert SyncRefusal.objects.filter(user=world.users.east_rectifier).count() == 3


def test_outside_the_persons_area_is_refused(sync, inspection_payload, world):
    at_stall = inspection_item(inspection_payload)
    free_east = inspection_item(inspection_payload, hotspot=None, location={"lon": 116.232, "lat": 39.8435})
    free_west = inspection_item(inspection_payload, hotspot=None, location={"lon": 116.207, "lat": 39.847})
    free_west["findings"][0]["problem_type"] = "exposed_garbage"
    results = sync([at_stall, free_east, free_west], user=world.users.west_manager)
    assert statuses(results) == ["refused", "refused", "created"]
    assert results[0]["reason"] == "hotspot: This hotspot is not active or not in your area."
    assert results[1]["reason"] == "location: This place is outside the area you are assigned to."


def test_an_id_used_by_another_person_is_refused(sync, inspection_payload, world):
    item = inspection_item(inspection_payload)
    assert statuses(sync([item])) == ["created"]
    (result,) = sync([item], user=world.users.volunteer)
    assert result["status"] == "refused" and "another person" in result["reason"]
    (result,) = sync([finding_item(item["id"])], user=world.users.volunteer)
    assert result["status"] == "refused" and "another person" in result["reason"]


@pytest.mark.parametrize(
    "body",
    [
        {"items": []},
        {"device": "t", "items": {"type": "inspection"}},
        {"device": "x" * 65, "items": []},
        {"device": "t", "items": [{}] * (MAX_ITEMS + 1)},
        ["not", "an", "object"],
    ],
)
def test_a_malformed_envelope_is_400(client_for, world, body):
    response = client_for(world.users.inspector).post(URL, body, format="json")
    assert response.status_code == 400


def test_too_many_items_says_how_many_fit(client_for, world):
    body = {"device": "t", "items": [{}] * (MAX_ITEMS + 1)}
    response = client_for(world.users.inspector).post(URL, body, format="json")
    assert field_errors(response.json()) == {"items": [f"Send at most {MAX_ITEMS} items per batch; split the outbox."]}


def test_an_empty_batch_answers_no_results(sync):
    assert sync([]) == []


# ---------------------------------------------------------------- checklist versions


@pytest.fixture
def checklist_version(world):
    from geo.models import HotspotCategory
    from mobile_forms.services import checklist_get_or_create, version_create

    checklist, _ = checklist_get_or_create(category=HotspotCategory.objects.get(code="street_stall"))
    version, _ = version_create(
        checklist=checklist,
        title="摊点检查表",
        questions=[
            {"name": "clean", "type": "yes_no", "label": "无暴露垃圾", "required": True, "deduction": 2},
            {"name": "note", "type": "text", "label": "备注"},
        ],
    )
    return version


def test_answers_to_a_checklist_version_are_stored_as_its_snapshot(sync, inspection_payload, checklist_version):
    item = inspection_item(inspection_payload, checklist_version=str(checklist_version.pk), answers={"clean": False})
    assert statuses(sync([item])) == ["created"]
    stored = Inspection.objects.get()
    assert stored.checklist_version == checklist_version.pk
    assert stored.deduction == 2.0
    (answer,) = stored.answers
    assert (answer["name"], answer["value"], answer["deduction"], answer["label"]) == (
        "clean",
        False,
        2.0,
        "无暴露垃圾",
    )
    assert sync([item]) == [{"id": item["id"], "type": "inspection", "status": "existing", "reason": None}]


def test_unknown_checklist_versions_and_bad_answers_are_refused(sync, inspection_payload, checklist_version):
    unknown = inspection_item(inspection_payload, checklist_version=str(uuid.uuid4()), answers={"clean": True})
    missing = inspection_item(inspection_payload, checklist_version=str(checklist_version.pk), answers={"note": "x"})
    results = sync([unknown, missing])
    assert statuses(results) == ["refused", "refused"]
    assert results[0]["reason"] == f"unknown checklist version {unknown['checklist_version']}"
    assert results[1]["reason"] == "answers.clean: This question is required."
    assert not Inspection.objects.exists()


# ---------------------------------------------------------------- concurrent duplicate submissions


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_batches_store_each_item_once(client_for, world, inspection_payload):
    """On PostGIS, and on SpatiaLite as `make run` opens it (a file, writers waiting their turn)."""
    from inspections.evidence.problem_types import ensure_default_problem_types

    ensure_default_problem_types()
    items = [inspection_item(inspection_payload) for _ in range(12)]
    items += [finding_item(items[i]["id"]) for i in range(0, 12, 3)]
    clients = [client_for(world.users.inspector) for _ in range(4)]

    def post(client):
        def call():
            response = client.post(URL, {"device": "tablet", "items": items}, format="json")
            return response.status_code, response.json()

        return call

    with file_database():
        answers, errors = at_once([post(client) for client in clients])
        assert not errors
        assert [code for code, _ in answers] == [200] * 4
        for _, body in answers:
            assert [r["id"] for r in body["results"]] == [item["id"] for item in items]
            assert set(statuses(body["results"])) <= {"created", "existing"}
        created = [sum(body["results"][i]["status"] == "created" for _, body in answers) for i in range(len(items))]
        assert created == [1] * len(items)
        assert Inspection.objects.filter(pk__in=[i["id"] for i in items[:12]]).count() == 12
        assert Finding.objects.count() == 16
        assert not SyncRefusal.objects.exists() and not SyncConflict.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_many_tablets_syncing_at_once_are_all_answered_and_all_stored(client_for, world, inspection_payload):
    """Ten tablets, each with its own batch and a replay of another's: every answer 200 (none "database is locked"),
    every item stored once."""
    from inspections.evidence.problem_types import ensure_default_problem_types

    ensure_default_problem_types()
    batches = []
    for _ in range(10):
        inspections = [inspection_item(inspection_payload) for _ in range(3)]
        batches.append(inspections + [finding_item(inspections[0]["id"])])
    clients = [client_for(world.users.inspector) for _ in batches]

    def post(client, items, device):
        def call():
            response = client.post(URL, {"device": device, "items": items}, format="json")
            return response.status_code, statuses(response.json()["results"])

        return call

    calls = [post(client, batch, f"tablet-{n}") for n, (client, batch) in enumerate(zip(clients, batches, strict=True))]
    calls += [post(clients[n], batches[(n + 1) % 10], f"tablet-{n}") for n in range(0, 10, 2)]
    with file_database():
        answers, errors = at_once(calls)
        assert not errors
        assert {code for code, _ in answers} == {200}
        assert all(set(result) <= {"created", "existing"} for _, result in answers)
        assert sum(result.count("created") for _, result in answers) == 40
        assert Inspection.objects.count() == 30
        assert Finding.objects.count() == 10 + 30  # one finding in each inspection, one more per batch
