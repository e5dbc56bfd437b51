"""The managers' bulk close (结案) on the task list: the "to close" queue with its boxes, and POST /tasks/close/."""

import pytest

from inspections.models import TaskEvent, TaskStatus
from tests.inspections.task_builders import make_task, verified
from tests.inspections.web.tasks.pages import EAST, LIST, get, shown, status_of, tab_count

pytestmark = pytest.mark.django_db

CLOSE = "/tasks/close/"


@pytest.fixture
def two_verified(world, phase):
    return [
        verified(world, make_task(world, phase), seed=5),
        verified(world, make_task(world, phase, lon=116.2152, lat=39.8452), seed=6),
    ]


def close(client, user, tasks, language="en", **extra):
    client.force_login(user)
    return client.post(CLOSE, {"task": [str(t.pk) for t in tasks], **extra}, HTTP_ACCEPT_LANGUAGE=language)


def test_the_to_close_queue_lists_verified_tasks_with_a_box_each(client, world, two_verified):
    page = get(client, world.users.manager, queue="to_close")

    assert tab_count(page, "to_close") == 2
    assert shown(page) == {str(t.pk) for t in two_verified}
    assert page.count('data-testid="close-choice"') == 2
    assert f'action="{CLOSE}"' in page and "Close the ticked tasks" in page


def test_zh_hans_the_button_reads_jiean(client, world, two_verified):
    page = get(client, world.users.manager, queue="to_close", language="zh-hans")
    assert "结案所选任务" in page and "待结案" in page


def test_others_see_no_boxes(client, world, two_verified):
    page = get(client, world.users.inspector, queue="all")
    assert "close-choice" not in page and CLOSE not in page


def test_a_manager_closes_the_ticked_tasks_and_returns_to_the_list(client, world, two_verified):
    response = close(client, world.users.manager, two_verified, next=f"{LIST}?queue=to_close")

    assert response.status_code == 302 and response["Location"] == f"{LIST}?queue=to_close"
    for task in two_verified:
        assert status_of(task) == TaskStatus.CLOSED
        assert TaskEvent.objects.filter(task=task, action="close", actor=world.users.manager).count() == 1
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 tasks closed." in page


def test_a_task_not_closed_is_said_with_its_reason(client, world, phase, two_verified):
    dispatched = make_task(world, phase, lon=116.2153, lat=39.8453)

    response = close(client, world.users.manager, [two_verified[0], dispatched])

    assert status_of(two_verified[0]) == TaskStatus.CLOSED and status_of(dispatched) == TaskStatus.DISPATCHED
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 task closed." in page and "not closed" in page


def test_a_manager_of_another_community_closes_nothing(client, world, phase):
    east = verified(world, make_task(world, phase, lon=EAST[0], lat=EAST[1]))

    response = close(client, world.users.west_manager, [east])

    assert response.status_code == 302 and status_of(east) == TaskStatus.VERIFIED


@pytest.mark.parametrize("who", ["inspector", "rectifier", "volunteer"])
def test_other_roles_are_refused(client, world, two_verified, who):
    response = close(client, getattr(world.users, who), two_verified)

    assert response.status_code == 403
    assert all(status_of(task) == TaskStatus.VERIFIED for task in two_verified)


def test_a_bad_id_or_none_is_said_and_closes_nothing(client, world, two_verified):
    client.force_login(world.users.manager)
    response = client.post(CLOSE, {"task": ["not-a-uuid", str(two_verified[0].pk)]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and status_of(two_verified[0]) == TaskStatus.VERIFIED
    response = client.post(CLOSE, {}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Choose at least one task to close." in response.content.decode()
