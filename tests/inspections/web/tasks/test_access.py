"""Who may open the task pages: signed-in staff of the task's area or unit; others are sent to sign in, refused
or told the task is not found."""

import pytest

from inspections.models import TaskStatus
from tests.inspections.web.tasks.pages import LIST, detail, get, shown, status_of

pytestmark = pytest.mark.django_db


def test_the_pages_need_a_sign_in(client, west_task):
    for url in (LIST, detail(west_task)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_volunteers_are_refused(client, world, west_task):
    client.force_login(world.users.volunteer)
    assert client.get(LIST).status_code == 403
    assert client.get(detail(west_task)).status_code == 403
    assert client.post(detail(west_task), {"action": "verify"}).status_code == 403


@pytest.mark.parametrize("role", ["east_inspector", "east_rectifier", "nobody"])
def test_a_task_outside_ones_area_or_unit_is_not_found(client, world, west_task, role):
    user = getattr(world.users, role)
    client.force_login(user)
    assert client.get(detail(west_task)).status_code == 404
    assert client.post(detail(west_task), {"action": "accept"}).status_code == 404
    assert str(west_task.pk) not in shown(get(client, user, queue="all"))


def test_a_manager_of_another_community_cannot_see_or_move_the_task(client, world, east_task):
    client.force_login(world.users.west_manager)
    assert client.get(detail(east_task)).status_code == 404
    assert client.post(detail(east_task), {"action": "void", "note": "x"}).status_code == 404
    assert status_of(east_task) == TaskStatus.DISPATCHED
