"""When a move made offline counts as made: the tablet's claimed time, bounded by what the server can check (the
after-photos' capture and receipt times), and the gap between the claimed and the received time."""

import datetime as dt

import pytest
from django.utils import timezone

from inspections.models import Task, TaskEvent
from inspections.reporting.metrics import Grouping, Period, task_metrics
from tests.inspections.task_builders import fixed_offline, make_task, move

pytestmark = pytest.mark.django_db


def long_ago_task(world, phase):
    return make_task(world, phase, now=timezone.now() - dt.timedelta(days=6))


def this_month_total(task):
    today = timezone.localdate()
    period = Period(today - dt.timedelta(days=40), today)
    return task_metrics(Task.objects.filter(pk=task.pk), group=Grouping.UNIT, period=period).total.counts


def test_an_overdue_fix_claimed_four_days_back_stays_overdue_and_the_gap_is_kept(world, phase):
    users = world.users
    # The deadline passed two days ago; the fix is photographed now and the tablet claims it was submitted 4 days ago.
    task = fixed_offline(
        users.rectifier, long_ago_task(world, phase), due_hours_ago=48, photo_hours_ago=0.1, claimed_hours_ago=96
    )
    assert task.submitted_at > task.due_at
    submit = TaskEvent.objects.get(task=task, action="submit")
    assert submit.claimed_at < task.due_at < submit.counted_at == task.submitted_at <= submit.at
    assert submit.at - submit.claimed_at > dt.timedelta(hours=95)
    move(users.inspector, task, "verify")
    counts = this_month_total(task)
    assert (counts.closed, counts.closed_on_time, counts.late_synced) == (1, 0, 1)


def test_a_genuine_offline_fix_photographed_before_the_deadline_stays_on_time(world, phase):
    users = world.users
    # Photographed and submitted offline 20 and 19 hours ago, before the deadline (10 hours ago); synced now.
    task = fixed_offline(
        users.rectifier, long_ago_task(world, phase), due_hours_ago=10, photo_hours_ago=20, claimed_hours_ago=19
    )
    submit = TaskEvent.objects.get(task=task, action="submit")
    assert task.submitted_at == submit.claimed_at == submit.counted_at < task.due_at
    move(users.inspector, task, "verify")
    counts = this_month_total(task)
    assert (counts.closed, counts.closed_on_time, counts.late_synced) == (1, 1, 1)


@pytest.mark.parametrize("photo_hours_ago", [30, -2], ids=["taken-long-before", "camera-clock-ahead"])
def test_a_photo_time_the_checks_flagged_does_not_vouch_for_the_claim(world, phase, photo_hours_ago):
    users = world.users
    task = fixed_offline(
        users.rectifier,
        long_ago_task(world, phase),
        due_hours_ago=10,
        photo_hours_ago=photo_hours_ago,
        claimed_hours_ago=29,
    )
    received = task.finding.photos.get(role="after").uploaded_at
    assert task.submitted_at == received > task.due_at


def test_a_move_synced_within_the_threshold_is_not_late(world, phase, settings):
    settings.MOVE_LATE_SYNC_HOURS = 1
    users = world.users
    task = fixed_offline(
        users.rectifier, long_ago_task(world, phase), due_hours_ago=0.2, photo_hours_ago=0.6, claimed_hours_ago=0.5
    )
    move(users.inspector, task, "verify")
    counts = this_month_total(task)
    assert (counts.closed, counts.closed_on_time, counts.late_synced) == (1, 1, 0)
