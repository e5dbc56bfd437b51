"""Hostile moves posted on a task's page: an action that does not exist or is not the person's, a move the status
does not allow, a note too long, a day that does not exist, a unit id beyond 64 bits, a redirect to script. Each
answers its 4xx with the message shown on the page, and nothing is stored."""

import pytest
from django.test import Client

from tests.hostile.corpus import Case, Stored, assert_nothing_stored, ids, run

pytestmark = pytest.mark.django_db


def post(name, status, message, user="rectifier", task="task", **form):
    return Case(
        name,
        "POST",
        lambda s: f"/tasks/{getattr(s, task).pk}/",
        status,
        user=user,
        body=form,
        format="form",
        message=message,
    )


CASES = [
    post("page move that does not exist", 400, "valid choice", action="explode"),
    post("page move of a manager made by a unit", 403, None, action="void", note="作废"),
    post("page move the status does not allow", 409, "dispatched", action="start"),
    post("page note of 10000 characters", 400, "characters", action="return", note="退" * 10_000),
    post(
        "page extension to the 30th of February",
        400,
        None,
        action="request_extension",
        note="延期",
        due_on="2026-02-30",
    ),
    post(
        "page dispatch to a unit beyond 64 bits",
        400,
        None,
        user="manager",
        action="dispatch",
        unit="99999999999999999999999",
    ),
    post("page move redirecting to script, refused", 400, None, action="return", next="javascript:alert(1)"),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_hostile_page_move(scene, case):
    client = Client()
    client.force_login(getattr(scene.world.users, case.user))
    client.cookies["django_language"] = "en"
    response = run(case, scene, client)
    assert b'href="javascript:' not in response.content


def test_another_units_task_page_is_not_found(scene):
    """The move of another unit's task: 404, as if the task did not exist; nothing is stored."""
    client = Client()
    client.force_login(scene.world.users.east_rectifier)
    before = Stored.now()
    response = client.post(f"/tasks/{scene.task.pk}/", {"action": "accept"})
    assert response.status_code == 404
    assert_nothing_stored(before, Stored.now())
