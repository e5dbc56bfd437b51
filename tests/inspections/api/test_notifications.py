"""`/api/notifications/`: one's own notifications, rendered in the request's language, and marking them read."""

# ruff: noqa: F811 - the notification tests' fixtures, imported by name, are this module's test arguments

import pytest

from inspections.models import Notification
from tests.inspections.rectification.notifications.conftest import (  # noqa: F401 (fixtures)
    move,
    next_years_calendar,
    people,
    register,
    submitted,
)

pytestmark = pytest.mark.django_db
URL = "/api/notifications/"


@pytest.fixture
def notified(people, register, submitted, move):
    """The east member has three notifications (two new tasks and a rejected fix), newest first."""
    first = register(problem="illegal_ads", severity="minor")
    second = submitted(register(), people.member)
    move(people.inspector, second, "reject", note="摊位仍在人行道上")
    return first, second


def test_the_list_has_ones_own_notifications_newest_first_rendered_in_the_request_language(
    client_for, people, notified
):
    _, second = notified
    body = client_for(people.member).get(URL).json()
    assert body["count"] == 3
    newest = body["results"][0]
    assert newest["event"] == "fix_rejected" and newest["event_display"] == "Fix rejected"
    assert newest["title"] == "Fix rejected: Street vending"
    assert "Street vending" in newest["text"] and "did not pass verification" in newest["text"]
    assert newest["task"] == str(second.pk) and newest["task_url"] == f"http://testserver/tasks/{second.pk}/"
    assert (newest["unread"], newest["read_at"]) == (True, None)
    assert [item["title"] for item in body["results"][1:]] == [
        "New task: Street vending",
        "New task: Illegal small ads",
    ]
    own = set(Notification.objects.filter(recipient=people.member).values_list("pk", flat=True))
    assert {item["id"] for item in body["results"]} == own

    chinese = client_for(people.member, language="zh-hans").get(URL).json()["results"][0]
    assert "占道经营" in chinese["title"] and "Street vending" not in chinese["text"]


def test_the_unread_filter_and_marking_one_read(client_for, people, notified):
    client = client_for(people.member)
    newest = client.get(URL).json()["results"][0]
    response = client.post(f"{URL}{newest['id']}/read/")
    assert response.status_code == 200
    assert response.json()["unread"] is False and response.json()["read_at"] is not None
    again = client.post(f"{URL}{newest['id']}/read/")
    assert again.status_code == 200 and again.json()["read_at"] == response.json()["read_at"]

    unread = client.get(URL, {"unread": "true"}).json()
    assert unread["count"] == 2 and newest["id"] not in {item["id"] for item in unread["results"]}
    assert [item["id"] for item in client.get(URL, {"unread": "false"}).json()["results"]] == [newest["id"]]


def test_marking_all_read_answers_how_many_were_unread(client_for, people, notified):
    client = client_for(people.member)
    assert client.post(f"{URL}read-all/").json() == {"marked": 3}
    assert client.post(f"{URL}read-all/").json() == {"marked": 0}
    assert client.get(URL, {"unread": "true"}).json()["count"] == 0
    # The colleague's notifications are untouched.
    assert Notification.objects.filter(recipient=people.colleague, read_at__isnull=True).count() == 3


def test_anyone_elses_notification_is_not_found(client_for, people, notified):
    theirs = Notification.objects.filter(recipient=people.colleague).first()
    for user in (people.member, people.area_manager):
        assert client_for(user).post(f"{URL}{theirs.pk}/read/").status_code == 404
    assert client_for(people.area_manager).get(URL).json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_callers_are_asked_to_authenticate(api_client, people, notified):
    assert api_client.get(URL).status_code == 401
    some = Notification.objects.first()
    assert api_client.post(f"{URL}{some.pk}/read/").status_code == 401
    assert api_client.post(f"{URL}read-all/").status_code == 401
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_the_task_filter_tells_no_foreign_task_from_a_random_id(client_for, people, notified):
    """A member of the west unit and the west manager filter by an east task: the same empty page as a random id,
    so the filter does not tell which task ids exist."""
    import uuid

    _, east_task = notified
    for user in (people.west_member, people.west_manager):
        client = client_for(user)
        foreign = client.get(URL, {"task": str(east_task.pk)})
        random = client.get(URL, {"task": str(uuid.uuid4())})
        assert (foreign.status_code, random.status_code) == (200, 200), user.username
        assert foreign.json() == random.json() == {"count": 0, "next": None, "previous": None, "results": []}
    mine = client_for(people.member).get(URL, {"task": str(east_task.pk)}).json()
    assert mine["count"] == 2 and {item["task"] for item in mine["results"]} == {str(east_task.pk)}


def test_a_task_filter_that_is_no_task_id_says_the_format(client_for, people, notified):
    response = client_for(people.member).get(URL, {"task": "42"})
    assert response.status_code == 400
    assert "task" in response.json()
