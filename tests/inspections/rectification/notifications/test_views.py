"""The notification centre page and the navigation's unread badge, in both languages."""

import datetime as dt
import re

import pytest
from django.test import Client

from inspections.models import Notification
from inspections.rectification.notifications.reminders import task_reminders_send
from inspections.web.notifications.context_processors import unread_notifications

pytestmark = pytest.mark.django_db
PAGE = "/notifications/"


def browser(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def two_tasks(people, register, submitted, move):
    """A new task, then a rejected fix on another task: the member has three notifications, newest first."""
    first = register(problem="illegal_ads", severity="minor")
    second = submitted(register(), people.member)
    move(people.inspector, second, "reject", note="摊位仍在人行道上")
    return first, second


def test_the_page_lists_ones_notifications_newest_first_with_the_unread_ones_marked(people, two_tasks):
    first, second = two_tasks
    response = browser(people.member).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    titles = re.findall(r'<p class="notification-title">.*?<a href="[^"]+">([^<]+)</a>', html, re.S)
    assert titles == ["Fix rejected: Street vending", "New task: Street vending", "New task: Illegal small ads"]
    assert html.count('class="notification event-') == 3 and html.count(' unread"') == 3
    assert f'href="/tasks/{second.pk}/"' in html and f'href="/tasks/{first.pk}/"' in html
    assert "3 unread" in html


def test_the_page_renders_in_chinese(people, two_tasks):
    html = browser(people.member, "zh-hans").get(PAGE).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "非法小广告" in html and "占道经营" in html and "Street vending" not in html
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", html)


def test_opening_a_notification_marks_it_read_and_goes_to_the_task(people, two_tasks):
    first, _ = two_tasks
    notification = Notification.objects.get(recipient=people.member, task=first)
    response = browser(people.member).get(f"{PAGE}{notification.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/tasks/{first.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    html = browser(people.member).get(PAGE).content.decode()
    assert "2 unread" in html and html.count(' unread"') == 2


def test_marking_one_and_then_all_read(people, two_tasks):
    client = browser(people.member)
    newest = Notification.objects.filter(recipient=people.member).first()
    response = client.post(f"{PAGE}{newest.pk}/read/", {"next": PAGE})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert Notification.objects.filter(recipient=people.member, read_at__isnull=True).count() == 2

    response = client.post(f"{PAGE}read-all/", {"next": "https://evil.example.com/"}, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    assert "2 notifications marked read." in response.content.decode()
    assert not Notification.objects.filter(recipient=people.member, read_at__isnull=True).exists()
    assert "0 unread" in response.content.decode()


def test_someone_elses_notification_is_not_found_and_strangers_must_sign_in(people, two_tasks):
    theirs = Notification.objects.filter(recipient=people.colleague).first()
    client = browser(people.member)
    assert client.get(f"{PAGE}{theirs.pk}/").status_code == 404
    assert client.post(f"{PAGE}{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    anonymous = Client().get(PAGE)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_an_empty_centre_says_what_will_appear_there(people):
    html = browser(people.west_manager).get(PAGE).content.decode()
    assert "No notifications yet." in html and 'data-testid="read-all"' not in html


def test_the_navigation_shows_the_unread_count(people, register):
    task = register()
    task_reminders_send(now=task.due_at + dt.timedelta(minutes=1))
    assert Notification.objects.filter(recipient=people.head, read_at__isnull=True).count() == 2  # new, overdue
    html = browser(people.head, "zh-hans").get("/").content.decode()
    assert re.search(r'data-testid="nav-notifications">[^<]*<span class="nav-badge">.*?2</span>', html, re.S)
    nobody = browser(people.west_member).get("/").content.decode()
    assert 'data-testid="nav-notifications"' in nobody and "nav-badge" not in nobody


def test_the_badge_costs_one_query_and_only_when_shown(rf, people, two_tasks, django_assert_num_queries):
    request = rf.get("/")
    request.user = people.member
    with django_assert_num_queries(0):
        context = unread_notifications(request)
    with django_assert_num_queries(1):
        assert str(context["unread_notifications"]) == "3"
