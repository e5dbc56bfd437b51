"""The admin shows tasks with their trail, scoped like everything else, and never edits them; calendar days
saved there give waiting tasks their deadlines."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from inspections.models import CalendarDay, Task
from tests.inspections.task_builders import as_dispatched_in_an_undescribed_year, make_task

pytestmark = pytest.mark.django_db


def test_tasks_are_listed_and_shown_with_their_trail_read_only(world, phase, admin_client):
    task = make_task(world, phase)
    listing = admin_client.get("/admin/inspections/task/")
    assert listing.status_code == 200
    assert str(task.unit) in listing.content.decode()
    page = admin_client.get(f"/admin/inspections/task/{task.pk}/change/")
    assert page.status_code == 200
    assert "register" in page.content.decode()
    assert admin_client.get("/admin/inspections/task/add/").status_code == 403


def test_a_staff_manager_sees_only_the_tasks_of_their_area(world, phase, client):
    west = make_task(world, phase)
    east = make_task(world, phase, lon=116.231, lat=39.846)
    manager = world.users.west_manager
    manager.is_staff = True
    manager.save()
    from django.contrib.auth.models import Permission

    manager.user_permissions.add(Permission.objects.get(codename="view_task"))
    client.force_login(manager)
    listing = client.get("/admin/inspections/task/").content.decode()
    assert str(west.pk) in listing
    assert str(east.pk) not in listing


def test_problem_types_show_their_deadlines(admin_client):
    page = admin_client.get("/admin/inspections/problemtype/").content.decode()
    assert "deadline_days_severe" in page


def test_saving_calendar_days_gives_waiting_tasks_their_deadlines(world, phase, admin_client):
    when = dt.datetime(2031, 3, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    task = as_dispatched_in_an_undescribed_year(make_task(world, phase), when)
    response = admin_client.post(
        "/admin/inspections/calendarday/add/",
        {"date": "2031-01-01", "name": "元旦", "note": ""},
        follow=True,
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert "1 task waiting for this year&#x27;s calendar got its deadline." in response.content.decode()
    assert Task.objects.get(pk=task.pk).due_at is not None


YEAR = "/admin/inspections/calendarday/year/"


def test_a_years_holidays_are_entered_at_once_and_waiting_tasks_get_their_deadlines(world, phase, admin_client):
    when = dt.datetime(2031, 3, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    task = as_dispatched_in_an_undescribed_year(make_task(world, phase), when)
    listing = admin_client.get("/admin/inspections/calendarday/", headers={"accept-language": "en"}).content.decode()
    assert YEAR in listing and "Enter a year's holidays" in listing
    assert "Days off" in admin_client.get(YEAR, headers={"accept-language": "en"}).content.decode()

    response = admin_client.post(
        YEAR,
        {"days_off": "元旦 2031-01-01 ~ 2031-01-03\n春节 2031-01-22 ~ 2031-01-28", "working_days": "2031-01-19 调休"},
        follow=True,
        headers={"accept-language": "en"},
    )
    page = response.content.decode()
    assert "Saved 10 days off and 1 make-up working days (11 new)." in page
    assert "1 task waiting for this year&#x27;s calendar got its deadline." in page
    assert CalendarDay.objects.filter(date__year=2031).count() == 11
    assert Task.objects.get(pk=task.pk).due_at is not None


def test_a_year_with_a_line_that_cannot_be_read_is_not_saved_and_the_line_is_named(admin_client):
    response = admin_client.post(
        YEAR, {"days_off": "元旦 2031-01-01\n春节 二月", "working_days": ""}, headers={"accept-language": "zh-hans"}
    )
    assert response.status_code == 200
    assert "第 2 行" in response.content.decode()
    assert not CalendarDay.objects.filter(date__year=2031).exists()


def test_entering_a_year_needs_the_right_to_add_and_change_calendar_days(world, client):
    from django.contrib.auth.models import Permission

    manager = world.users.manager
    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(Permission.objects.get(codename="view_calendarday"))
    client.force_login(manager)
    assert YEAR not in client.get("/admin/inspections/calendarday/").content.decode()
    assert client.get(YEAR).status_code == 403
    # Adding alone is not enough: entering a year also replaces days already entered.
    manager.user_permissions.add(Permission.objects.get(codename="add_calendarday"))
    manager = type(manager).objects.get(pk=manager.pk)  # a fresh permission cache
    client.force_login(manager)
    assert YEAR not in client.get("/admin/inspections/calendarday/").content.decode()
    assert client.get(YEAR).status_code == 403
    assert client.post(YEAR, {"days_off": "元旦 2031-01-01"}).status_code == 403
    assert not CalendarDay.objects.filter(date__year=2031).exists()


def staff_with(user, *codenames):
    from django.contrib.auth.models import Permission

    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_a_staff_manager_sees_only_the_notifications_and_webhook_posts_of_their_area(world, phase, client):
    from inspections.models import Notification, WebhookDelivery

    west, east = make_task(world, phase), make_task(world, phase, lon=116.231, lat=39.846)
    for task, person in ((west, world.users.rectifier), (east, world.users.east_rectifier)):
        Notification.objects.create(recipient=person, task=task, event="dispatched", key=f"n-{task.pk}")
        WebhookDelivery.objects.create(unit=task.unit, task=task, event="dispatched", key=f"w-{task.pk}")
    client.force_login(staff_with(world.users.west_manager, "view_notification", "view_webhookdelivery"))
    notifications = client.get("/admin/inspections/notification/").content.decode()
    assert "rectifier_u" in notifications and "east_rectifier" not in notifications
    deliveries = client.get("/admin/inspections/webhookdelivery/").content.decode()
    assert str(west.unit) in deliveries and str(east.unit) not in deliveries


def test_zh_hans_the_task_page_shows_labels_a_readable_position_a_map_and_the_admins_own_close(
    world, phase, admin_client
):
    task = make_task(world, phase)
    page = admin_client.get(f"/admin/inspections/task/{task.pk}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert "SRID=4326" not in html and "register:" not in html and "→ dispatched" not in html
    assert "立案: – → 已派遣" in html  # the trail's row: the action and statuses by their labels
    assert "北纬 39.845000°，东经 116.215000°" in html
    assert 'id="id_location_display-map"' in html and "leaflet.js" in html  # the read-only map and its script
    assert 'class="closelink">关闭</a>' in html and "结案" not in html.split('class="submit-row"')[1]
