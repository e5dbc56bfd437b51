"""When a move made offline counts as made: the tablet's claimed time, bounded by what the server can check (the
after-photos' capture and receipt times), and the gap between the claimed and the received time."""

import datetime as dt

import pytest
from django.utils import timezone

from inspections.models import Task, TaskEvent
from inspections.rectification.timing import DeviceClock, clock_offset, counted
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


# ---------------------------------------------------------------- the device's clock offset and last drained sync

BEHIND = dt.timedelta(days=4)


def test_a_tablet_four_days_behind_is_read_on_the_servers_clock_and_its_fix_stays_on_time(world, phase):
    users = world.users
    # Photographed 5 h and submitted 4.9 h ago by the real clock, before the deadline (2 h ago); the tablet's clock
    # (and its camera's) reads 4 days earlier, which the server measured at the sync: offset +4 days.
    task = fixed_offline(
        users.rectifier,
        long_ago_task(world, phase),
        due_hours_ago=2,
        photo_hours_ago=5 + 96,
        claimed_hours_ago=4.9 + 96,
        clock=DeviceClock(offset=BEHIND),
    )
    submit = TaskEvent.objects.get(task=task, action="submit")
    assert submit.clock_offset == BEHIND
    assert submit.counted_at == task.submitted_at == submit.claimed_at + BEHIND < task.due_at
    assert dt.timedelta(hours=4.8) < submit.at - submit.counted_at < dt.timedelta(hours=5)
    move(users.inspector, task, "verify")
    counts = this_month_total(task)
    assert (counts.closed, counts.closed_on_time, counts.late_synced) == (1, 1, 1)


def test_without_the_device_clock_the_same_fix_counts_when_its_photo_arrived(world, phase):
    users = world.users
    task = fixed_offline(
        users.rectifier,
        long_ago_task(world, phase),
        due_hours_ago=2,
        photo_hours_ago=5 + 96,
        claimed_hours_ago=4.9 + 96,
    )
    submit = TaskEvent.objects.get(task=task, action="submit")
    assert submit.clock_offset is None
    assert task.submitted_at == task.finding.photos.get(role="after").uploaded_at > task.due_at


def test_a_tablet_ahead_is_read_back_on_the_servers_clock(world, phase):
    users = world.users
    ahead = -dt.timedelta(hours=30)
    task = fixed_offline(
        users.rectifier,
        long_ago_task(world, phase),
        due_hours_ago=2,
        photo_hours_ago=5 - 30,
        claimed_hours_ago=4.9 - 30,
        clock=DeviceClock(offset=ahead),
    )
    submit = TaskEvent.objects.get(task=task, action="submit")
    assert task.submitted_at == submit.claimed_at + ahead < task.due_at


def test_a_forged_offset_cannot_take_a_photo_back_beyond_its_camera_time(world, phase):
    users = world.users
    # The camera's clock is right (photo 1 h ago); the tablet claims the submit 20 h back and a clock 20 h ahead.
    task = fixed_offline(
        users.rectifier,
        long_ago_task(world, phase),
        due_hours_ago=2,
        photo_hours_ago=1,
        claimed_hours_ago=1,
        clock=DeviceClock(offset=-dt.timedelta(hours=20)),
    )
    photo = task.finding.photos.get(role="after")
    assert task.submitted_at == photo.file.exif_taken_at > task.due_at


def test_a_clock_changed_since_the_previous_sync_is_read_the_later_way(world, phase):
    users = world.users
    # At its previous sync the clock was right; now it reads 20 h ahead: the claim is not taken back.
    task = fixed_offline(
        users.rectifier,
        long_ago_task(world, phase),
        due_hours_ago=2,
        photo_hours_ago=3,
        claimed_hours_ago=1,
        clock=DeviceClock(offset=-dt.timedelta(hours=20), previous_offset=dt.timedelta(0)),
    )
    submit = TaskEvent.objects.get(task=task, action="submit")
    assert submit.clock_offset == dt.timedelta(0)
    assert task.submitted_at == submit.claimed_at > task.due_at


def test_a_claim_before_the_devices_last_drained_sync_counts_from_that_sync(world, phase):
    users = world.users
    drained = timezone.now() - dt.timedelta(hours=1)
    # The photo is plausible (3 h old), the claim forged 4 days back with the clock right; the tablet said, at a sync
    # an hour ago, that it held no older move.
    task = fixed_offline(
        users.rectifier,
        long_ago_task(world, phase),
        due_hours_ago=2,
        photo_hours_ago=3,
        claimed_hours_ago=96,
        clock=DeviceClock(offset=dt.timedelta(0), drained_at=drained),
    )
    submit = TaskEvent.objects.get(task=task, action="submit")
    assert task.submitted_at == drained > task.due_at
    assert submit.data["bound"] == "last_sync" and submit.data["last_sync"] == drained.isoformat()


def test_an_absurd_device_clock_corrects_nothing(settings):
    received = timezone.now()
    settings.DEVICE_CLOCK_MAX_OFFSET_HOURS = 720
    assert clock_offset(received - dt.timedelta(days=4), received) == BEHIND
    assert clock_offset(received + dt.timedelta(days=4), received) == -BEHIND
    assert clock_offset(received - dt.timedelta(days=31), received) is None
    assert clock_offset(dt.datetime(1970, 1, 1, tzinfo=dt.UTC), received) is None
    assert clock_offset(None, received) is None
    far = dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC)
    assert counted(claimed=far, received=received, previous=received - BEHIND, clock=DeviceClock(offset=BEHIND)).at == (
        received
    )
