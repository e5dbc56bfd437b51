"""`/api/tasks/<id>/`: the allowed moves with the forms the move table declares; a required field left out of a
transition answers 400 with the message."""

import pytest

from inspections.rectification.workflow import MOVES, move_form
from tests.inspections.task_builders import make_task

pytestmark = pytest.mark.django_db


def transition(client, task, **body):
    return client.post(f"/api/tasks/{task.pk}/transition/", body, format="json")


def test_allowed_moves_are_the_allowed_transitions_with_their_forms(world, client_for, phase):
    task = make_task(world, phase)
    rectifier = client_for(world.users.rectifier)
    body = transition(rectifier, task, action="accept").json()
    assert [move["action"] for move in body["allowed_moves"]] == body["allowed_transitions"]
    assert body["allowed_moves"] == [move_form(MOVES[action]) for action in body["allowed_transitions"]]
    check_in = next(move for move in body["allowed_moves"] if move["action"] == "check_in")
    assert check_in["fields"][0]["name"] == "position" and check_in["fields"][0]["limits"] == {"on_site": True}


def test_the_schema_documents_allowed_moves(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    detail = schema["components"]["schemas"]["TaskDetail"]["properties"]
    assert detail["allowed_moves"]["items"]["$ref"] == "#/components/schemas/MoveForm"
    assert "KindEnum" in schema["components"]["schemas"]  # the phases' enum keeps its name


@pytest.mark.parametrize(
    ("action", "body", "field", "message"),
    [
        ("request_extension", {"note": "需采购材料"}, "due_at", "Give the new deadline."),
        ("request_extension", {}, "note", "Say why (a note is required for “Ask for an extension”)."),
        ("submit", {}, "photos", "Add at least one after-photo of the fix, taken on site."),
    ],
)
def test_a_required_field_missing_is_a_400_with_its_message(world, client_for, phase, action, body, field, message):
    task = make_task(world, phase)
    rectifier = client_for(world.users.rectifier)
    transition(rectifier, task, action="accept")
    response = transition(rectifier, task, action=action, **body)
    assert response.status_code == 400
    assert response.json()[field] == [message]


def test_a_move_with_the_devices_clock_is_read_on_the_servers_clock(world, client_for, phase):
    import datetime as dt

    from django.utils import timezone

    from inspections.models import TaskEvent

    task = make_task(world, phase, now=timezone.now() - dt.timedelta(days=6))
    behind = dt.timedelta(days=4)
    made = timezone.now() - dt.timedelta(hours=3)
    body = {"action": "accept", "at": (made - behind).isoformat(), "device_time": (timezone.now() - behind).isoformat()}
    response = transition(client_for(world.users.rectifier), task, **body)
    assert response.status_code == 200, response.content
    event = TaskEvent.objects.get(task=task, action="accept")
    assert abs(event.counted_at - made) < dt.timedelta(seconds=30)
    shown = next(row for row in response.json()["events"] if row["action"] == "accept")
    assert (shown["clock_offset_hours"], shown["sync_delay_hours"]) == (96.0, 3.0)


def test_a_bad_device_time_is_a_400_and_no_move(world, client_for, phase):
    task = make_task(world, phase)
    response = transition(client_for(world.users.rectifier), task, action="accept", device_time="now")
    assert response.status_code == 400 and "device_time" in response.json()
    task.refresh_from_db()
    assert task.status == "dispatched"
