"""POST /api/sync/ with task moves: the rectification workflow from a tablet's outbox, replays and refusals."""

import datetime as dt
import uuid

import pytest

from inspections.models import Photo, PhotoRole, Task, TaskEvent, TaskStatus
from mobile_forms.models import SyncRefusal
from tests.inspections import conftest as inspection_fixtures
from tests.inspections.conftest import as_upload, photo_bytes

pytestmark = pytest.mark.django_db

phase = inspection_fixtures.phase
inspection_payload = inspection_fixtures.inspection_payload

URL = "/api/sync/"
# Inside the east plot (a polygon hotspot routed to the east committee), and 600 m east of it.
ON_SITE = {"lon": 116.2265, "lat": 39.849, "accuracy": 6}
FAR_AWAY = {"lon": 116.2335, "lat": 39.849, "accuracy": 6}


@pytest.fixture
def task(client_for, world, inspection_payload) -> Task:
    """A finding at the east plot, logged by the inspector: registered as a task dispatched to the east committee."""
    body = inspection_payload(hotspot=world.plot.pk)
    response = client_for(world.users.inspector).post("/api/inspections/", body, format="json")
    assert response.status_code == 201, response.content
    task = Task.objects.get(finding_id=body["findings"][0]["id"])
    assert (task.status, task.unit) == (TaskStatus.DISPATCHED, world.east_committee)
    return task


@pytest.fixture
def sync(client_for, world):
    def post(items, user=None, device="tablet-9"):
        response = client_for(user or world.users.east_rectifier).post(
            URL, {"device": device, "items": items}, format="json"
        )
        assert response.status_code == 200, response.content
        return response.json()["results"]

    return post


def move(task, action, **fields):
    return {"type": "task_move", "id": str(uuid.uuid4()), "task": str(task.pk), "action": action, **fields}


def statuses(results):
    return [r["status"] for r in results]


def after_photo(client_for, world, task, *, lon=ON_SITE["lon"], lat=ON_SITE["lat"], user=None) -> str:
    photo_id = str(uuid.uuid4())
    payload = {
        "file": as_upload(photo_bytes(lat=lat, lon=lon, hours_ago=0.1, seed=7)),
        "finding": str(task.finding_id),
        "role": "after",
        "lon": lon,
        "lat": lat,
        "accuracy": 5,
    }
    client = client_for(user or world.users.east_rectifier)
    response = client.put(f"/api/photos/{photo_id}/", payload, format="multipart")
    assert response.status_code == 201, response.content
    return photo_id


def test_a_move_is_recorded_once_and_every_replay_answers_existing(sync, task, world):
    accept = move(task, "accept", note="收到", at="2026-11-25T09:30:00+08:00")
    assert sync([accept]) == [{"id": accept["id"], "type": "task_move", "status": "created", "reason": None}]
    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED
    event = TaskEvent.objects.get(client_id=accept["id"])
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "accept",
        TaskStatus.DISPATCHED,
        TaskStatus.ACCEPTED,
        world.users.east_rectifier,
        "收到",
    )

    for _ in range(3):
        assert sync([accept]) == [{"id": accept["id"], "type": "task_move", "status": "existing", "reason": None}]
    assert TaskEvent.objects.filter(client_id=accept["id"]).count() == 1
    assert TaskEvent.objects.filter(task=task, action="accept").count() == 1
    assert not SyncRefusal.objects.exists()


def test_a_move_the_task_already_made_is_a_no_op(sync, task):
    assert statuses(sync([move(task, "accept")])) == ["created"]
    assert statuses(sync([move(task, "accept")])) == ["existing"]
    assert TaskEvent.objects.filter(task=task, action="accept").count() == 1


def test_the_wrong_state_is_refused_with_the_current_status_and_kept(sync, task, world):
    submit = move(task, "submit", photos=[])
    (result,) = sync([submit])
    assert result["status"] == "refused"
    assert result["reason"] == "The task is “Dispatched”: it cannot be moved with “Submit the fix” now."
    refusal = SyncRefusal.objects.get()
    assert (refusal.user, refusal.device, refusal.item_type, refusal.item_id) == (
        world.users.east_rectifier,
        "tablet-9",
        "task_move",
        submit["id"],
    )
    assert refusal.reason == result["reason"] and refusal.payload == submit and refusal.resolved_at is None
    # The same item again: the same answer, one record with one more attempt.
    assert sync([submit]) == [result]
    refusal.refresh_from_db()
    assert refusal.attempts == 2
    task.refresh_from_db()
    assert task.status == TaskStatus.DISPATCHED and not TaskEvent.objects.filter(task=task, actor__isnull=False)


def test_another_units_task_is_refused_as_not_theirs(sync, task, world):
    (result,) = sync([move(task, "accept")], user=world.users.rectifier)
    assert result["status"] == "refused" and result["reason"] == "No such task for you."
    (result,) = sync([move(task, "accept")], user=world.users.inspector)
    assert result["status"] == "refused"
    assert result["reason"] == "The move “Accept” is not yours to make on this task."
    assert SyncRefusal.objects.filter(item_type="task_move").count() == 2
    task.refresh_from_db()
    assert task.status == TaskStatus.DISPATCHED


def test_arriving_outside_the_geofence_is_refused_with_the_distance(sync, task):
    assert statuses(sync([move(task, "accept")])) == ["created"]
    far = move(task, "check_in", position=FAR_AWAY)
    (result,) = sync([far])
    assert result["status"] == "refused"
    assert result["reason"].startswith("position: You are ")
    assert result["reason"].endswith(" m outside the task's site: go there first.")
    metres = int(result["reason"].split("You are ")[1].split(" m")[0])
    assert 450 < metres < 650
    assert SyncRefusal.objects.get().reason == result["reason"]

    near = move(task, "check_in", position=ON_SITE)
    assert statuses(sync([near])) == ["created"]
    event = TaskEvent.objects.get(client_id=near["id"])
    assert (event.position.x, event.position.y, event.accuracy_m) == (116.2265, 39.849, 6)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.checked_in_at is not None


def test_a_batch_mixing_good_and_bad_moves_applies_the_good_ones_in_order(sync, task, client_for, world):
    photo = after_photo(client_for, world, task)
    items = [
        move(task, "accept"),
        move(task, "check_in", position=FAR_AWAY),
        move(task, "check_in", position=ON_SITE),
        move(task, "return"),  # a return needs a reason
        move(task, "submit", note="已清理", photos=[photo]),
        move(task, "start"),  # too late: the fix is submitted
    ]
    results = sync(items)
    assert [r["id"] for r in results] == [item["id"] for item in items]
    assert statuses(results) == ["created", "refused", "created", "refused", "created", "refused"]
    assert results[3]["reason"] == "note: Say why (a note is required for “Return: not ours”)."
    assert "Fix submitted" in results[5]["reason"]
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    trail = list(TaskEvent.objects.filter(task=task, actor__isnull=False).values_list("action", flat=True))
    assert trail == ["accept", "check_in", "submit"]
    submit = TaskEvent.objects.get(task=task, action="submit")
    assert [str(p.pk) for p in submit.photos.all()] == [photo]
    assert SyncRefusal.objects.count() == 3

    # The whole batch again: nothing new; the refused moves are judged against the task as it now is.
    again = sync(items)
    assert statuses(again) == ["existing", "refused", "existing", "refused", "existing", "refused"]
    assert "Fix submitted" in again[1]["reason"]
    assert TaskEvent.objects.filter(task=task, actor__isnull=False).count() == 3


def test_moves_of_one_task_apply_in_the_order_sent(sync, task):
    start, accept = move(task, "start"), move(task, "accept")
    results = sync([start, accept])
    assert statuses(results) == ["refused", "created"]
    assert "Dispatched" in results[0]["reason"]
    # Sent again after the accept, the start goes through, and its refusal is marked as accepted later.
    assert statuses(sync([start])) == ["created"]
    assert SyncRefusal.objects.get(item_id=start["id"]).resolved_at is not None


def test_a_submit_naming_a_photo_not_uploaded_yet_is_refused_until_it_is(sync, task, client_for, world):
    photo_id = str(uuid.uuid4())
    sync([move(task, "accept")])
    submit = move(task, "submit", photos=[photo_id])
    (result,) = sync([submit])
    assert result["status"] == "refused"
    assert result["reason"] == (
        f"photos: Photo {photo_id} is not a photo of this task's finding (or not uploaded yet)."
    )
    payload = {
        "file": as_upload(photo_bytes(lat=ON_SITE["lat"], lon=ON_SITE["lon"], hours_ago=0.1, seed=8)),
        "finding": str(task.finding_id),
        "role": "after",
    }
    response = client_for(world.users.east_rectifier).put(f"/api/photos/{photo_id}/", payload, format="multipart")
    assert response.status_code == 201
    assert statuses(sync([submit])) == ["created"]
    assert Photo.objects.get(pk=photo_id).role == PhotoRole.AFTER
    assert SyncRefusal.objects.get().resolved_at is not None


def test_an_after_photo_taken_outside_refuses_the_submit_with_the_distance(sync, task, client_for, world):
    sync([move(task, "accept")])
    photo = after_photo(client_for, world, task, lon=FAR_AWAY["lon"], lat=FAR_AWAY["lat"])
    (result,) = sync([move(task, "submit", photos=[photo])])
    assert result["status"] == "refused"
    assert result["reason"].startswith("photos: No after-photo was taken inside the task's site: the nearest is ")
    assert Photo.objects.filter(pk=photo).exists()  # kept


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"id": "move-1"}, "id: Must be a valid UUID."),
        ({"task": None}, "task: This field may not be null."),
        ({"action": "fly"}, 'action: "fly" is not a valid choice.'),
        ({"action": "request_extension", "note": "雨天", "due_at": "next week"}, "due_at: Datetime has wrong format."),
        ({"position": {"lon": 116.2}}, "position"),
    ],
)
def test_malformed_moves_are_refused_with_the_field_that_is_wrong(sync, task, fields, reason):
    (result,) = sync([move(task, "accept") | fields])
    assert result["status"] == "refused"
    assert result["reason"].startswith(reason)
    assert SyncRefusal.objects.get().item_type == "task_move"


def test_an_extension_request_carries_the_new_deadline(sync, task):
    sync([move(task, "accept")])
    wanted = task.due_at + dt.timedelta(days=3)
    item = move(task, "request_extension", note="需协调物业", due_at=wanted.isoformat())
    assert statuses(sync([item])) == ["created"]
    task.refresh_from_db()
    assert task.status == TaskStatus.EXTENSION_REQUESTED and task.requested_due_at == wanted


def test_a_move_id_reused_for_another_move_is_refused(sync, task):
    accept = move(task, "accept")
    sync([accept])
    (result,) = sync([{**accept, "action": "start"}])
    assert result["status"] == "refused"
    assert result["reason"] == f"Move id {accept['id']} is already used for another move."


def test_the_tablet_reads_the_units_tasks_its_details_and_service_area(client_for, task, world):
    """What the app reads for a rectifier: the list (open states), a task's details, the unit's outline."""
    client = client_for(world.users.east_rectifier)
    listing = client.get("/api/tasks/", {"status": ["dispatched", "accepted", "in_progress"]})
    assert listing.status_code == 200
    (row,) = listing.json()["results"]
    assert (row["id"], row["hotspot"]["name"], row["finding"]) == (str(task.pk), "东侧待建地块", str(task.finding_id))
    near = client.get("/api/tasks/", {"near": "116.2265,39.849"}).json()["results"]
    assert near[0]["id"] == str(task.pk) and near[0]["distance_m"] is not None
    detail = client.get(f"/api/tasks/{task.pk}/").json()
    assert detail["allowed_transitions"] == ["accept", "return"]
    unit = client.get(f"/api/units/{world.east_committee.pk}/").json()
    assert unit["geometry"]["type"] == "MultiPolygon"
    # Another unit's member sees neither.
    other = client_for(world.users.rectifier)
    assert other.get("/api/tasks/").json()["results"] == []
    assert other.get(f"/api/tasks/{task.pk}/").status_code == 404
    assert other.get(f"/api/units/{world.east_committee.pk}/").status_code == 404


def test_an_overdue_fix_synced_with_its_time_set_days_back_stays_overdue(sync, task, client_for, world):
    from django.utils import timezone

    now = timezone.now()
    Task.objects.filter(pk=task.pk).update(registered_at=now - dt.timedelta(days=6), due_at=now - dt.timedelta(days=2))
    TaskEvent.objects.filter(task=task).update(at=now - dt.timedelta(days=6))
    back = (now - dt.timedelta(days=4)).isoformat()
    accept, start = move(task, "accept", at=back), move(task, "start", at=back)
    assert statuses(sync([accept, start])) == ["created", "created"]
    photo = after_photo(client_for, world, task)  # photographed and received now
    submit = move(task, "submit", photos=[photo], position=ON_SITE, at=back)
    assert statuses(sync([submit])) == ["created"]
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED and task.submitted_at > task.due_at
    event = TaskEvent.objects.get(task=task, action="submit")
    assert event.claimed_at.isoformat() == dt.datetime.fromisoformat(back).isoformat()
    assert event.counted_at == task.submitted_at
