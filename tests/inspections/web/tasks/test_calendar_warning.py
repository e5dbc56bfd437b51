"""The task list warns managers when the working-day calendar does not reach the coming deadlines."""

import re

import pytest

from tests.inspections.web.tasks.pages import get

pytestmark = pytest.mark.django_db


def test_managers_are_warned_when_the_calendar_does_not_reach_the_coming_deadlines(
    client, world, west_task, monkeypatch
):
    from inspections.models import CalendarDay
    from inspections.web.tasks import views as task_views

    assert 'data-testid="calendar-warning"' not in get(client, world.users.manager)
    # Two years of working days ahead, with the office's days removed, certainly reach a year nobody described.
    CalendarDay.objects.all().delete()
    monkeypatch.setattr(task_views, "CALENDAR_LOOKAHEAD_DAYS", 500)
    page = get(client, world.users.manager)
    warning = re.search(r'data-testid="calendar-warning">(.*?)</p>', page, flags=re.S).group(1)
    assert "does not know" in warning and "Calendar days" in warning
    assert 'data-testid="calendar-warning"' not in get(client, world.users.rectifier)
    # A staff manager who may enter calendar days is sent straight to entering the year.
    from django.contrib.auth.models import Permission

    manager = world.users.manager
    manager.is_staff = True
    manager.save()
    assert '/admin/inspections/calendarday/"' in get(client, manager)
    manager.user_permissions.add(*Permission.objects.filter(codename__in=["add_calendarday", "change_calendarday"]))
    assert "/admin/inspections/calendarday/year/" in get(client, manager)
