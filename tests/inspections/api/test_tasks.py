"""/api/tasks/: the caller's tasks, one task with its trail and allowed moves, and the transition endpoint."""

import uuid

import pytest

from accounts.models import Role
from inspections.models import Task, TaskEvent, TaskStatus
from inspections.permissions import can_view_tasks
from inspections.selectors import tasks_for_user
from tests.api_errors import field_errors
from tests.factories import UserFactory
from tests.inspections.conftest import as_upload, photo_bytes
from tests.inspections.task_builders import after_photo, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def west_task(world, phase):
    return make_task(world, phase)


@pytest.fixture
def east_task(world, phase):
    return make_task(world, phase, lon=116.231, lat=39.846)


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def transition(client, task, **body):
    return client.post(f"/api/tasks/{task.pk}/transition/", body, format="json")


def test_each_role_lists_only_the_tasks_it_may_see(world, client_for, west_task, east_task):
    users = world.users
    expectations = {
        users.rectifier: {str(west_task.pk)},
        users.east_rectifier: {str(east_task.pk)},
        users.manager: {str(west_task.pk), str(east_task.pk)},
        users.west_manager: {str(west_task.pk)},
        users.east_inspector: {str(east_task.pk)},
        users.nobody: set(),
        users.admin: {str(west_task.pk), str(east_task.pk)},
    }
    for user, expected in expectations.items():
        assert ids(client_for(user).get("/api/tasks/")) == expected, user.username


def test_volunteers_are_refused_the_tasks_even_of_their_own_findings(world, client_for, phase):
    """A volunteer's finding opens a task in the volunteer's area: neither the list, the task nor a move is theirs."""
    task = make_task(world, phase, user=world.users.volunteer)
    client = client_for(world.users.volunteer)
    for response in (
        client.get("/api/tasks/"),
        client.get(f"/api/tasks/{task.pk}/"),
        transition(client, task, action="verify"),
    ):
        assert response.status_code == 403
        assert "managers, inspectors" in response.json()["detail"]
    assert not tasks_for_user(world.users.volunteer).exists()
    assert TaskEvent.objects.filter(task=task).count() == 1  # only the registration
    chinese = client_for(world.users.volunteer, language="zh-hans").get("/api/tasks/").json()["detail"]
    assert "志愿者" in chinese or "巡查员" in chinese


def test_the_api_and_the_pages_let_in_the_same_people(world, client_for, west_task):
    from django.test import Client

    for user in vars(world.users).values():
        page = Client()
        page.force_login(user)
        assert (client_for(user).get("/api/tasks/").status_code == 403) == (page.get("/tasks/").status_code == 403)
        assert (client_for(user).get("/api/tasks/").status_code == 403) == (not can_view_tasks(user)), user.username


def test_anonymous_callers_are_asked_to_sign_in(api_client, west_task):
    assert api_client.get("/api/tasks/").status_code == 401
    assert api_client.post(f"/api/tasks/{west_task.pk}/transition/", {"action": "accept"}).status_code == 401


def test_filters_by_status_unit_and_overdue(world, client_for, west_task, east_task):
    manager = client_for(world.users.manager)
    Task.objects.filter(pk=east_task.pk).update(status=TaskStatus.ACCEPTED)
    assert ids(manager.get("/api/tasks/?status=accepted")) == {str(east_task.pk)}
    assert ids(manager.get("/api/tasks/?status=accepted&status=dispatched")) == {str(east_task.pk), str(west_task.pk)}
    assert ids(manager.get(f"/api/tasks/?unit={world.west_committee.pk}")) == {str(west_task.pk)}
    Task.objects.filter(pk=west_task.pk).update(due_at=west_task.registered_at.replace(year=2025))
    assert ids(manager.get("/api/tasks/?overdue=true")) == {str(west_task.pk)}
    assert ids(manager.get("/api/tasks/?overdue=false")) == {str(east_task.pk)}
    listed = manager.get("/api/tasks/?overdue=true").json()["results"][0]
    assert listed["overdue"] is True


@pytest.mark.parametrize("value", ["null", "1", "yes"])
def test_overdue_takes_true_or_false_only(world, client_for, west_task, value):
    response = client_for(world.users.manager).get("/api/tasks/", {"overdue": value})
    assert response.status_code == 400
    assert field_errors(response.json()) == {"overdue": [f"Give true or false, not “{value}”."]}


def test_an_id_filter_naming_no_unit_gives_an_empty_page(world, client_for, west_task):
    response = client_for(world.users.manager).get("/api/tasks/", {"unit": 2**40})
    assert response.status_code == 200 and response.json()["results"] == []


def test_near_orders_by_distance_and_gives_it(world, client_for, west_task, east_task):
    response = client_for(world.users.manager).get("/api/tasks/?near=116.2305,39.8460")
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [str(east_task.pk), str(west_task.pk)]
    assert 40 < rows[0]["distance_m"] < 45  # 43 m west of the east task
    assert 1300 < rows[1]["distance_m"] < 1400


@pytest.mark.parametrize("near", ["116.2", "east,north", "200,39.8", "116.2,39.8,1"])
def test_a_bad_near_is_a_400_that_says_the_format(world, client_for, near):
    response = client_for(world.users.manager).get(f"/api/tasks/?near={near}")
    assert response.status_code == 400
    assert "<lon>,<lat>" in response.json()["near"][0]


def test_one_task_with_its_finding_photos_trail_and_the_callers_moves(world, client_for, west_task):
    body = client_for(world.users.rectifier).get(f"/api/tasks/{west_task.pk}/").json()
    assert body["status"] == "dispatched"
    assert body["allowed_transitions"] == ["accept", "return"]
    assert body["finding"]["id"] == str(west_task.finding_id)
    assert body["unit"] == {"id": world.west_committee.pk, "name": world.west_committee.display_name}
    assert [event["action"] for event in body["events"]] == ["register"]
    assert body["before_photos"] == body["after_photos"] == []
    assert body["geofence_radius_m"] == 50
    assert client_for(world.users.manager).get(f"/api/tasks/{west_task.pk}/").json()["allowed_transitions"] == [
        "defer",
        "void",
    ]


def test_another_units_task_is_not_found(world, client_for, west_task):
    other = client_for(world.users.east_rectifier)
    assert other.get(f"/api/tasks/{west_task.pk}/").status_code == 404
    response = transition(other, west_task, action="accept")
    assert response.status_code == 404
    assert client_for(world.users.rectifier).get(f"/api/tasks/{uuid.uuid4()}/").status_code == 404
    assert client_for(world.users.rectifier).get("/api/tasks/not-a-uuid/").status_code == 404


def test_a_move_answers_with_the_new_state_and_the_next_moves(world, client_for, west_task):
    response = transition(client_for(world.users.rectifier), west_task, action="accept", id=str(uuid.uuid4()))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "accepted"
    assert body["allowed_transitions"] == ["start", "check_in", "submit", "return", "request_extension"]
    assert body["events"][-1]["actor"] == world.users.rectifier.username


def test_a_move_the_state_does_not_allow_is_a_409_with_state_and_moves(world, client_for, west_task):
    response = transition(client_for(world.users.rectifier), west_task, action="submit")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "The task is “Dispatched”: it cannot be moved with “Submit the fix” now.",
        "code": "conflict",
        "status": "dispatched",
        "allowed_transitions": ["accept", "return"],
    }


def test_a_move_of_another_role_is_a_403_with_the_callers_moves(world, client_for, west_task):
    response = transition(client_for(world.users.rectifier), west_task, action="void", note="x")
    assert response.status_code == 403
    assert response.json()["allowed_transitions"] == ["accept", "return"]
    assert transition(client_for(world.users.inspector), west_task, action="accept").status_code == 403


def test_the_wrong_jurisdictions_manager_gets_404(world, client_for, east_task):
    assert transition(client_for(world.users.west_manager), east_task, action="void", note="x").status_code == 404


def test_bad_details_are_400s_that_name_the_field(world, client_for, west_task):
    rectifier = client_for(world.users.rectifier)
    assert "action" in transition(rectifier, west_task, action="fly").json()
    assert "note" in transition(rectifier, west_task, action="return", note="").json()
    transition(rectifier, west_task, action="accept")
    response = transition(rectifier, west_task, action="check_in", position={"lon": 116.2170, "lat": 39.8450})
    assert response.status_code == 400
    assert "121 m outside" in response.json()["position"][0]
    response = transition(rectifier, west_task, action="check_in", position={"lon": 39.845, "lat": 116.215})
    assert response.status_code == 400
    manager = client_for(world.users.manager)
    assert "unit" in transition(manager, west_task, action="dispatch", unit=99999).json()


def test_after_photo_with_the_device_position_then_submit_over_http(world, client_for, west_task):
    rectifier = client_for(world.users.rectifier)
    transition(rectifier, west_task, action="accept")
    photo_id = uuid.uuid4()
    response = rectifier.put(
        f"/api/photos/{photo_id}/",
        {
            "file": as_upload(photo_bytes(lat=None)),
            "finding": str(west_task.finding_id),
            "role": "after",
            "lon": 116.2151,
            "lat": 39.8451,
            "accuracy": 6,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    response = transition(rectifier, west_task, action="submit", photos=[str(photo_id)], note="已清理")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "submitted"
    assert [photo["id"] for photo in body["after_photos"]] == [str(photo_id)]
    assert body["events"][-1]["photos"] == [str(photo_id)]


def test_only_the_tasks_unit_adds_after_photos(world, client_for, west_task):
    response = client_for(world.users.east_rectifier).put(
        f"/api/photos/{uuid.uuid4()}/",
        {"file": as_upload(photo_bytes()), "finding": str(west_task.finding_id), "role": "after"},
        format="multipart",
    )
    assert response.status_code == 404
    response = client_for(world.users.inspector).put(
        f"/api/photos/{uuid.uuid4()}/",
        {"file": as_upload(photo_bytes()), "finding": str(west_task.finding_id), "role": "after"},
        format="multipart",
    )
    assert response.status_code == 403


def test_a_half_given_device_position_is_refused(world, client_for, west_task):
    response = client_for(world.users.rectifier).put(
        f"/api/photos/{uuid.uuid4()}/",
        {"file": as_upload(photo_bytes()), "finding": str(west_task.finding_id), "role": "after", "lon": 116.2},
        format="multipart",
    )
    assert response.status_code == 400
    assert "lat" in response.json()


def test_the_verifier_sees_the_fix_and_verifies_it(world, client_for, west_task):
    rectifier = world.users.rectifier
    client = client_for(rectifier)
    transition(client, west_task, action="accept")
    photo = after_photo(rectifier, west_task, lon=116.2151, lat=39.8451, seed=7)
    transition(client, west_task, action="submit", photos=[str(photo.pk)])
    inspector = client_for(world.users.inspector)
    body = inspector.get(f"/api/tasks/{west_task.pk}/").json()
    assert body["allowed_transitions"] == ["verify", "reject"]
    assert len(body["after_photos"]) == 1
    assert transition(inspector, west_task, action="verify").json()["status"] == "verified"
    assert TaskEvent.objects.filter(task=west_task).count() == 4


def test_a_unit_member_of_another_unit_in_the_area_cannot_verify(world, client_for, west_task):
    squad_member = UserFactory(username="squad_rect", role=Role.RECTIFIER, unit=world.squad)
    assert transition(client_for(squad_member), west_task, action="verify").status_code == 404


def test_the_trail_gives_a_late_synced_submit_its_claimed_received_and_counted_times(world, client_for, phase):
    import datetime as dt

    from django.utils import timezone

    from tests.inspections.task_builders import fixed_offline

    task = make_task(world, phase, now=timezone.now() - dt.timedelta(days=6))
    task = fixed_offline(world.users.rectifier, task, due_hours_ago=48, photo_hours_ago=0.1, claimed_hours_ago=96)
    events = client_for(world.users.manager).get(f"/api/tasks/{task.pk}/").json()["events"]
    submit = next(event for event in events if event["action"] == "submit")
    stored = TaskEvent.objects.get(task=task, action="submit")
    assert dt.datetime.fromisoformat(submit["claimed_at"]) == stored.claimed_at
    assert dt.datetime.fromisoformat(submit["counted_at"]) == task.submitted_at
    assert dt.datetime.fromisoformat(submit["at"]) == stored.at
    assert submit["late_synced"] is True and submit["sync_delay_hours"] == pytest.approx(96, abs=0.1)
    accept = next(event for event in events if event["action"] == "accept")
    assert (accept["claimed_at"], accept["late_synced"], accept["sync_delay_hours"]) == (None, False, None)
