"""Evaluation metrics (综合评价) from the service (``inspections.reporting.metrics``) on the hand-computed February
scenario (``tests.inspections.reporting.scenario``, the ``february`` fixture), and the period's checks."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from inspections.models import Task, TaskStatus
from inspections.rectification.workdays import WorkCalendar
from inspections.reporting.metrics import FIRST_DAY, LAST_DAY, Grouping, Period, checked_period, task_metrics
from inspections.selectors import tasks_for_user
from tests.inspections.reporting.scenario import (
    EAST,
    EAST_COMMITTEE,
    PROPERTY_MANAGER,
    SCHOOL,
    SQUAD,
    TOTAL,
    WEST,
    WEST_COMMITTEE,
    as_dict,
    local,
)

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- the fixture is what the comments say


def test_the_fixture_went_through_the_workflow(world, february):
    t = february
    statuses = {key: task.status for key, task in t.items()}
    assert statuses == {
        "T1": TaskStatus.CLOSED,
        "T2": TaskStatus.VERIFIED,
        "T3": TaskStatus.CLOSED,
        "T4": TaskStatus.IN_PROGRESS,
        "T5": TaskStatus.CLOSED,
        "T6": TaskStatus.RETURNED,
        "T7": TaskStatus.CLOSED,
        "T8": TaskStatus.SUBMITTED,
        "T9": TaskStatus.REJECTED,
        "T13": TaskStatus.ACCEPTED,
        "T10": TaskStatus.CLOSED,
        "T11": TaskStatus.DISPATCHED,
        "T12": TaskStatus.DEFERRED,
        "X1": TaskStatus.VOID,
        "X2": TaskStatus.DISPATCHED,
        "X3": TaskStatus.DISPATCHED,
        "X4": TaskStatus.TRIAGE,
    }
    assert (t["T2"].rework_count, t["T9"].rework_count, t["T5"].extension_count) == (1, 1, 1)
    assert t["T12"].was_deferred and not any(task.was_deferred for key, task in t.items() if key != "T12")
    assert t["X4"].due_at is None
    assert t["T2"].jurisdiction == world.cell and t["T12"].jurisdiction == world.area
    # The make-up Saturdays are working days on the calendar the metrics use.
    calendar = WorkCalendar()
    assert calendar.is_working_day(dt.date(2026, 2, 14)) and calendar.is_working_day(dt.date(2026, 2, 28))
    assert not calendar.is_working_day(dt.date(2026, 2, 16))
    assert calendar.working_days_between(local("2026-02-13 09:00"), local("2026-02-24 12:00")) == 21 / 9


# ---------------------------------------------------------------- the selector


def test_per_unit_matches_the_hand_computed_table(world, february, django_assert_num_queries):
    period = checked_period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    calendar = WorkCalendar()
    # One query for the tasks, one for the units' names, one for the calendar's overrides of 2026.
    with django_assert_num_queries(3):
        metrics = task_metrics(Task.objects.all(), group=Grouping.UNIT, period=period, calendar=calendar)
    rows = {row.id: as_dict(row) for row in metrics.rows}
    assert rows == {
        world.west_committee.pk: WEST_COMMITTEE,
        world.property_manager.pk: PROPERTY_MANAGER,
        world.east_committee.pk: EAST_COMMITTEE,
        world.school.pk: SCHOOL,
        world.squad.pk: SQUAD,
    }
    assert as_dict(metrics.total) == TOTAL
    names = [row.name for row in metrics.rows]
    assert names == sorted(names) and "西苑物业" in names


def test_per_community_matches_the_hand_computed_table(world, february, django_assert_num_queries):
    period = checked_period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    with django_assert_num_queries(3):
        metrics = task_metrics(Task.objects.all(), group=Grouping.COMMUNITY, period=period, calendar=WorkCalendar())
    assert [(row.id, row.name, as_dict(row)) for row in metrics.rows] == [
        (world.west.pk, "West", WEST),  # the English names: the tests run in English
        (world.east.pk, "East", EAST),
        (None, "Outside any community", SQUAD),
    ]
    assert as_dict(metrics.total) == TOTAL


def test_tasks_count_in_the_period_of_their_local_deadline(world, february):
    def due(start, end):
        period = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        return task_metrics(Task.objects.all(), group=Grouping.UNIT, period=period).total.counts.due

    assert due("2026-02-01", "2026-02-01") == 1  # T13 at 00:30 local (still 31 Jan in UTC)
    assert due("2026-01-31", "2026-01-31") == 1  # X3 at 23:30 local
    assert due("2026-03-01", "2026-03-01") == 1  # X2 at 00:30 local (still 28 Feb in UTC)
    assert due("2026-02-28", "2026-02-28") == 2  # T7 at 18:00 and T11 at 23:30
    assert due("2026-01-01", "2026-03-31") == 15  # all but the void X1 and X4 without a deadline


def test_the_period_is_checked():
    assert checked_period(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).days == 366
    with pytest.raises(ValidationError, match="at most 366 days"):
        checked_period(dt.date(2025, 1, 1), dt.date(2026, 1, 2))
    with pytest.raises(ValidationError, match="before it starts"):
        checked_period(dt.date(2026, 2, 2), dt.date(2026, 2, 1))


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (dt.date(1999, 12, 31), dt.date(2000, 1, 31), "start"),
        (dt.date(2099, 12, 1), dt.date(2100, 1, 1), "end"),
        (dt.date(1, 1, 1), dt.date(1, 12, 31), "start"),
        (dt.date(9999, 1, 1), dt.date(9999, 12, 31), "start"),
    ],
)
def test_days_outside_the_supported_range_are_refused_naming_the_field(start, end, field):
    with pytest.raises(ValidationError) as refused:
        checked_period(start, end)
    assert list(refused.value.message_dict) == [field]
    assert checked_period(FIRST_DAY, FIRST_DAY).days == checked_period(LAST_DAY, LAST_DAY).days == 1


def test_only_visible_tasks_are_counted(world, february):
    period = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    mine = task_metrics(tasks_for_user(world.users.west_manager), group=Grouping.UNIT, period=period)
    assert as_dict(mine.total) == WEST


def test_a_deferred_task_closed_on_time_leaves_the_on_time_rate_within_one(world, february):
    task = february["T12"]
    due = dt.datetime(2026, 2, 20, 10, tzinfo=dt.UTC)
    Task.objects.filter(pk=task.pk).update(
        status=TaskStatus.CLOSED, due_at=due, submitted_at=due, verified_at=due, was_deferred=True
    )
    period = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    counts = task_metrics(Task.objects.filter(pk=task.pk), group=Grouping.UNIT, period=period).total.counts
    assert (counts.due, counts.deferred, counts.closed, counts.closed_on_time) == (1, 1, 1, 0)
    assert counts.on_time_closure_rate is None  # 0 / (1 − 1)
