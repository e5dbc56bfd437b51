"""POST /api/tasks/close/: several verified tasks closed (结案) at once, with a result per task."""

import uuid

import pytest

from inspections.models import Task, TaskEvent, TaskStatus
from tests.inspections.task_builders import make_task, verified

pytestmark = pytest.mark.django_db

URL = "/api/tasks/close/"


def status_of(task) -> str:
    return Task.objects.get(pk=task.pk).status


def test_a_manager_closes_two_and_hears_about_each(world, phase, client_for):
    first = verified(world, make_task(world, phase), seed=5)
    second = verified(world, make_task(world, phase, lon=116.2152, lat=39.8452), seed=6)
    waiting = make_task(world, phase, lon=116.2153, lat=39.8453)
    stranger = uuid.uuid4()

    response = client_for(world.users.manager).post(
        URL, {"tasks": [str(first.pk), str(second.pk), str(waiting.pk), str(stranger)]}, format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["closed"], body["unchanged"], body["refused"]) == (2, 0, 2)
    assert [(r["id"], r["outcome"], r["code"]) for r in body["results"]] == [
        (str(first.pk), "closed", 200),
        (str(second.pk), "closed", 200),
        (str(waiting.pk), "refused", 409),
        (str(stranger), "refused", 404),
    ]
    assert body["results"][2]["status"] == "dispatched" and body["results"][2]["detail"]
    assert status_of(first) == status_of(second) == TaskStatus.CLOSED
    assert TaskEvent.objects.filter(action="close").count() == 2


def test_the_wrong_jurisdictions_manager_gets_404_items(world, phase, client_for):
    east = verified(world, make_task(world, phase, lon=116.231, lat=39.846))

    response = client_for(world.users.west_manager).post(URL, {"tasks": [str(east.pk)]}, format="json")

    assert response.status_code == 200
    assert response.json()["results"][0]["code"] == 404 and status_of(east) == TaskStatus.VERIFIED


@pytest.mark.parametrize("who", ["inspector", "rectifier", "volunteer"])
def test_other_roles_are_refused_with_403(world, phase, client_for, who):
    task = verified(world, make_task(world, phase))

    response = client_for(getattr(world.users, who)).post(URL, {"tasks": [str(task.pk)]}, format="json")

    assert response.status_code == 403 and status_of(task) == TaskStatus.VERIFIED


@pytest.mark.parametrize("body", [{}, {"tasks": []}, {"tasks": ["nope"]}, {"tasks": "x"}])
def test_bad_bodies_are_400s(world, client_for, body):
    response = client_for(world.users.manager).post(URL, body, format="json")
    assert response.status_code == 400 and "tasks" in response.json()


def test_the_endpoint_is_in_the_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    assert "post" in schema["paths"]["/api/tasks/close/"]
