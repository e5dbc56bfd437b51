"""POST /api/sync/ with the tablet's clock (`device_time`) and what it still holds (`waiting_since`): task moves read
on the server's clock and bounded by the device's last drained sync."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from inspections.models import Task, TaskEvent, TaskStatus
from mobile_forms.models import DeviceSync
from tests.inspections import conftest as inspection_fixtures
from tests.inspections.conftest import as_upload, photo_bytes
from tests.mobile_forms.api.test_sync_tasks import ON_SITE, move, statuses

pytestmark = pytest.mark.django_db

phase = inspection_fixtures.phase
inspection_payload = inspection_fixtures.inspection_payload

BEHIND = dt.timedelta(days=4)


@pytest.fixture
def task(client_for, world, inspection_payload) -> Task:
    """A task at the east plot registered six days ago, due two hours ago."""
    body = inspection_payload(hotspot=world.plot.pk)
    assert client_for(world.users.inspector).post("/api/inspections/", body, format="json").status_code == 201
    task = Task.objects.get(finding_id=body["findings"][0]["id"])
    now = timezone.now()
    Task.objects.filter(pk=task.pk).update(registered_at=now - dt.timedelta(days=6), due_at=now - dt.timedelta(hours=2))
    TaskEvent.objects.filter(task=task).update(at=now - dt.timedelta(days=6))
    return Task.objects.get(pk=task.pk)


@pytest.fixture
def send(client_for, world):
    def post(items, *, device_time=None, **envelope):
        body = {"device": "tablet-9", "items": items, **envelope}
        if device_time is not None:
            body["device_time"] = device_time.isoformat()
        response = client_for(world.users.east_rectifier).post("/api/sync/", body, format="json")
        assert response.status_code == 200, response.content
        return response.json()["results"]

    return post


def after_photo(client_for, world, task, *, hours_ago, photo_id=None) -> str:
    photo_id = photo_id or str(uuid.uuid4())
    payload = {
        "file": as_upload(photo_bytes(lat=ON_SITE["lat"], lon=ON_SITE["lon"], hours_ago=hours_ago, seed=7)),
        "finding": str(task.finding_id),
        "role": "after",
        "lon": ON_SITE["lon"],
        "lat": ON_SITE["lat"],
        "accuracy": 5,
    }
    response = client_for(world.users.east_rectifier).put(f"/api/photos/{photo_id}/", payload, format="multipart")
    assert response.status_code == 201, response.content
    return photo_id


def ago(hours: float, clock: dt.timedelta = dt.timedelta(0)) -> str:
    """A time ``hours`` ago by the real clock, as a tablet whose clock is ``clock`` behind writes it."""
    return (timezone.now() - dt.timedelta(hours=hours) - clock).isoformat()


def test_a_tablet_four_days_behind_submits_an_offline_fix_counted_at_the_corrected_time(send, task, client_for, world):
    # Accepted and started 6 h ago, photographed 5 h ago and submitted 4.9 h ago (before the deadline, 2 h ago),
    # offline, on a tablet whose clock (and camera) reads four days earlier; all synced now.
    tablet_now = timezone.now() - BEHIND
    accept, start = move(task, "accept", at=ago(6, BEHIND)), move(task, "start", at=ago(6, BEHIND))
    assert statuses(send([accept, start], device_time=tablet_now, waiting_since=ago(4.9, BEHIND))) == ["created"] * 2
    photo = after_photo(client_for, world, task, hours_ago=5 + 96)
    submit = move(task, "submit", photos=[photo], position=ON_SITE, at=ago(4.9, BEHIND))
    assert statuses(send([submit], device_time=timezone.now() - BEHIND, waiting_since=None)) == ["created"]
    task.refresh_from_db()
    event = TaskEvent.objects.get(task=task, action="submit")
    assert BEHIND <= event.clock_offset < BEHIND + dt.timedelta(seconds=30)
    assert task.status == TaskStatus.SUBMITTED and task.submitted_at == event.counted_at < task.due_at
    assert dt.timedelta(hours=4.8) < event.at - event.counted_at < dt.timedelta(hours=4.95)
    detail = client_for(world.users.manager).get(f"/api/tasks/{task.pk}/").json()
    shown = next(row for row in detail["events"] if row["action"] == "submit")
    assert (shown["clock_offset_hours"], shown["sync_delay_hours"], shown["late_synced"]) == (96.0, 4.9, True)
    assert shown["bounded_by_sync_at"] is None
    device = DeviceSync.objects.get(user=world.users.east_rectifier, device="tablet-9")
    assert device.clock_offset == event.clock_offset or abs(device.clock_offset - BEHIND) < dt.timedelta(seconds=30)


def test_the_same_fix_without_device_time_counts_when_its_photo_arrived(send, task, client_for, world):
    accept, start = move(task, "accept", at=ago(6, BEHIND)), move(task, "start", at=ago(6, BEHIND))
    assert statuses(send([accept, start])) == ["created"] * 2
    photo = after_photo(client_for, world, task, hours_ago=5 + 96)
    assert statuses(send([move(task, "submit", photos=[photo], position=ON_SITE, at=ago(4.9, BEHIND))])) == ["created"]
    task.refresh_from_db()
    event = TaskEvent.objects.get(task=task, action="submit")
    assert event.clock_offset is None and task.submitted_at > task.due_at
    assert DeviceSync.objects.get(device="tablet-9").drained_at is None  # the tablet said nothing of its queue


def test_a_move_forged_days_back_with_a_right_clock_counts_from_the_last_drained_sync(send, task, world, client_for):
    now = timezone.now()
    accept, start = move(task, "accept", at=ago(120)), move(task, "start", at=ago(120))
    assert statuses(send([accept, start], device_time=now, waiting_since=None)) == ["created"] * 2
    drained = DeviceSync.objects.get(device="tablet-9").drained_at
    assert now <= drained <= timezone.now()
    check_in = move(task, "check_in", position=ON_SITE, at=ago(96))
    assert statuses(send([check_in], device_time=timezone.now(), waiting_since=None)) == ["created"]
    event = TaskEvent.objects.get(task=task, action="check_in")
    assert event.counted_at == drained and event.data == {"bound": "last_sync", "last_sync": drained.isoformat()}
    detail = client_for(world.users.manager).get(f"/api/tasks/{task.pk}/").json()
    shown = next(row for row in detail["events"] if row["action"] == "check_in")
    assert dt.datetime.fromisoformat(shown["bounded_by_sync_at"]) == drained


def test_a_move_the_tablet_said_it_still_held_keeps_its_time(send, task):
    # The tablet sends the accept and says the start (queued 5 h ago) still waits behind, say, a back-off.
    accept = move(task, "accept", at=ago(6))
    assert statuses(send([accept], device_time=timezone.now(), waiting_since=ago(5))) == ["created"]
    start = move(task, "start", at=ago(5))
    assert statuses(send([start], device_time=timezone.now(), waiting_since=None)) == ["created"]
    event = TaskEvent.objects.get(task=task, action="start")
    assert event.counted_at == event.claimed_at + event.clock_offset and "bound" not in event.data
    assert event.clock_offset < dt.timedelta(seconds=30)


def test_a_refused_move_sent_again_keeps_its_time(send, task, client_for, world):
    # The submit went before its photo had arrived and was refused; the tablet keeps it and sends it again.
    accept, start = move(task, "accept", at=ago(6)), move(task, "start", at=ago(6))
    photo_id = str(uuid.uuid4())
    submit = move(task, "submit", photos=[photo_id], position=ON_SITE, at=ago(5))
    results = send([accept, start, submit], device_time=timezone.now(), waiting_since=None)
    assert statuses(results) == ["created", "created", "refused"]
    after_photo(client_for, world, task, hours_ago=5.2, photo_id=photo_id)
    assert statuses(send([submit], device_time=timezone.now(), waiting_since=None)) == ["created"]
    event = TaskEvent.objects.get(task=task, action="submit")
    assert event.counted_at == event.claimed_at + event.clock_offset < Task.objects.get(pk=task.pk).due_at


def test_the_last_drained_sync_never_moves_back_and_is_kept_per_person_and_device(send, task, world, client_for):
    send([], device_time=timezone.now(), waiting_since=None)
    first = DeviceSync.objects.get(device="tablet-9").drained_at
    send([], device_time=timezone.now(), waiting_since=ago(48))
    row = DeviceSync.objects.get(device="tablet-9")
    assert row.drained_at == first and row.synced_at > first
    other = client_for(world.users.rectifier).post(
        "/api/sync/", {"device": "tablet-9", "items": [], "waiting_since": ago(1)}, format="json"
    )
    assert other.status_code == 200
    assert DeviceSync.objects.filter(device="tablet-9").count() == 2


@pytest.mark.parametrize(
    ("envelope", "field"),
    [({"device_time": "yesterday"}, "device_time"), ({"waiting_since": 12}, "waiting_since")],
)
def test_a_malformed_clock_or_queue_is_a_400_and_nothing_is_stored(client_for, world, task, envelope, field):
    body = {"device": "tablet-9", "items": [move(task, "accept")], **envelope}
    response = client_for(world.users.east_rectifier).post("/api/sync/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not TaskEvent.objects.filter(task=task, action="accept").exists()
    assert not DeviceSync.objects.exists()


def test_the_schema_documents_the_envelopes_clock_and_queue(api_client):
    schema = api_client.get("/api/schema/?format=json").json()["components"]["schemas"]
    envelope = schema["SyncRequestRequest"]["properties"]
    assert {"device_time", "waiting_since"} <= set(envelope)
    assert "device_time" not in schema["SyncTaskMoveRequest"]["properties"]
    assert "device_time" in schema["TransitionRequest"]["properties"]
    assert {"clock_offset_hours", "bounded_by_sync_at"} <= set(schema["TaskEvent"]["properties"])
