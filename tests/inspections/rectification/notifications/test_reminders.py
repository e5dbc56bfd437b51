"""The periodic job: deadline approaching, overdue escalated (督办), exactly once however often and however
concurrently it runs, and a calendar that cannot answer for one task does not stop the others."""

import datetime as dt
import logging
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from inspections.models import CalendarDay, Notification, NotificationEvent, Task, TaskStatus, WebhookDelivery
from inspections.rectification.jobs import reminder_job_run
from inspections.rectification.notifications.reminders import task_reminders_send
from inspections.rectification.notifications.webhooks import webhook_claim
from inspections.rectification.workdays import subtract_working_hours
from tests.databases import file_database
from tests.inspections.rectification.notifications.conftest import WEST
from tests.inspections.task_builders import as_dispatched_in_an_undescribed_year

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)


def told(event: str, task=None) -> list[str]:
    rows = Notification.objects.filter(event=event)
    if task is not None:
        rows = rows.filter(task=task)
    return sorted(rows.values_list("recipient__username", flat=True))


def reminder_time(task: Task, hours: float = 4) -> dt.datetime:
    return subtract_working_hours(task.due_at, hours)


def test_deadline_approaching_tells_the_unit_once_within_the_working_hours_before_the_deadline(
    people, register, with_robot, robot
):
    with_robot("dingtalk")
    task = register()
    robot.posts.clear()
    before = reminder_time(task)

    run = task_reminders_send(now=before - MINUTE)
    assert run.deadline_approaching == 0 and not told(NotificationEvent.DEADLINE_APPROACHING)

    run = task_reminders_send(now=before + MINUTE)
    assert run.deadline_approaching == 1
    assert told(NotificationEvent.DEADLINE_APPROACHING) == ["east_colleague", "east_head", "east_rectifier"]
    key = f"deadline_approaching:{task.pk}:{task.due_at.astimezone(dt.UTC).isoformat()}"
    assert set(Notification.objects.filter(event="deadline_approaching").values_list("key", flat=True)) == {key}
    assert len(robot.posts) == 1 and robot.posts[0]["body"]["msgtype"] == "markdown"

    again = task_reminders_send(now=before + 2 * MINUTE)
    assert again.deadline_approaching == 0
    assert len(told(NotificationEvent.DEADLINE_APPROACHING)) == 3 and len(robot.posts) == 1


@override_settings(TASK_REMINDER_WORKING_HOURS=9)
def test_the_reminder_lead_time_is_a_setting(people, register):
    task = register()
    task_reminders_send(now=reminder_time(task, 9) - MINUTE)
    assert told(NotificationEvent.DEADLINE_APPROACHING) == []
    assert reminder_time(task, 9) < reminder_time(task, 4)
    task_reminders_send(now=reminder_time(task, 9) + MINUTE)
    assert len(told(NotificationEvent.DEADLINE_APPROACHING)) == 3


def test_overdue_is_escalated_to_the_unit_head_and_the_managers_of_the_area_only(people, register, with_robot, robot):
    with_robot("wecom")
    task = register()
    west_task = register(location=WEST)
    robot.posts.clear()

    run = task_reminders_send(now=max(task.due_at, west_task.due_at) + MINUTE)
    assert run.overdue == 2
    # The east task: its unit's head, the east community's manager and the area's manager; not the west's manager.
    assert told(NotificationEvent.OVERDUE, task) == ["east_head", "east_manager", "manager_u"]
    # The west task (no head in the west committee): the west's manager and the area's, not the east's.
    assert told(NotificationEvent.OVERDUE, west_task) == ["manager_u", "west_manager"]
    # Only the east committee has a robot; once past the deadline, "approaching" is not sent any more.
    assert [post["body"]["msgtype"] for post in robot.posts] == ["markdown"]
    assert "### " in robot.posts[0]["body"]["markdown"]["content"]
    assert not told(NotificationEvent.DEADLINE_APPROACHING)

    again = task_reminders_send(now=max(task.due_at, west_task.due_at) + 30 * MINUTE)
    assert again.overdue == 0 and Notification.objects.filter(event="overdue").count() == 5
    assert len(robot.posts) == 1


def test_tasks_not_with_their_unit_are_neither_reminded_nor_escalated(people, register, submitted, move):
    fixed = submitted(register(), people.member)
    deferred = register()
    move(people.area_manager, deferred, "defer", note="道路施工，暂缓")
    assert (fixed.status, deferred.status) == (TaskStatus.SUBMITTED, TaskStatus.DEFERRED)

    run = task_reminders_send(now=max(fixed.due_at, deferred.due_at) + dt.timedelta(days=3))
    assert (run.overdue, run.deadline_approaching) == (0, 0)
    assert not Notification.objects.exclude(event=NotificationEvent.NEW_TASK).exists()


def test_an_approved_extension_is_a_new_deadline_with_its_own_reminders(people, register, move):
    task = register()
    first_deadline = task.due_at
    task_reminders_send(now=reminder_time(task) + MINUTE)
    assert len(told(NotificationEvent.DEADLINE_APPROACHING)) == 3

    move(people.member, task, "accept")
    new_deadline = first_deadline + dt.timedelta(days=7)
    move(people.member, task, "request_extension", note="需协调城管", due_at=new_deadline)
    move(people.area_manager, task, "approve_extension")
    assert task.due_at == new_deadline

    task_reminders_send(now=reminder_time(task) + MINUTE)
    assert len(told(NotificationEvent.DEADLINE_APPROACHING)) == 6
    task_reminders_send(now=new_deadline + MINUTE)
    keys = set(Notification.objects.filter(event=NotificationEvent.OVERDUE).values_list("key", flat=True))
    assert keys == {f"overdue:{task.pk}:{new_deadline.astimezone(dt.UTC).isoformat()}"}


def test_a_deadline_in_a_year_the_calendar_does_not_know_is_logged_and_the_others_go_on(people, register, move, caplog):
    far = register()
    near = register(severity="severe")
    move(people.member, far, "accept")
    unknown_year = dt.datetime(2031, 3, 3, 18, 0, tzinfo=dt.UTC)
    move(people.member, far, "request_extension", note="等待拆迁", due_at=unknown_year)
    move(people.area_manager, far, "approve_extension")

    with caplog.at_level(logging.WARNING, logger="inspections.rectification.notifications.reminders"):
        run = task_reminders_send(now=reminder_time(near) + MINUTE)
    assert run.calendar_unknown == 1 and run.deadline_approaching == 1
    assert set(Notification.objects.filter(event="deadline_approaching").values_list("task", flat=True)) == {near.pk}
    assert str(far.pk) in caplog.text and "2031" in caplog.text


def test_a_task_left_without_deadline_gets_it_once_the_year_is_described_and_may_be_overdue_at_once(
    people, register, capsys
):
    dispatched = dt.datetime(2031, 3, 3, 10, tzinfo=dt.UTC)
    task = as_dispatched_in_an_undescribed_year(register(), dispatched)
    assert reminder_job_run(now=dispatched + dt.timedelta(days=9)).deadlines_set == 0

    CalendarDay.objects.create(date=dt.date(2031, 1, 1), name="元旦")
    run = reminder_job_run(now=dispatched + dt.timedelta(days=9))
    assert (run.deadlines_set, run.overdue) == (1, 1)
    assert Task.objects.get(pk=task.pk).due_at < dispatched + dt.timedelta(days=9)
    assert told("overdue", task)

    call_command("send_task_reminders")
    assert "got the deadline" not in capsys.readouterr().out  # given once


def test_the_command_escalates_reports_and_sends_nothing_new_the_second_time(people, register, capsys):
    task = register()
    # The deadline has passed (the service set it from the current time).
    Task.objects.filter(pk=task.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    mail.outbox.clear()

    call_command("send_task_reminders")
    out = capsys.readouterr().out
    assert "Overdue: 1" in out and "sent 2 e-mails" in out
    assert sorted(message.to[0] for message in mail.outbox) == ["head@example.org", "manager@example.org"]

    call_command("send_task_reminders")
    assert "Overdue: 0" in capsys.readouterr().out
    assert len(mail.outbox) == 2


def test_a_message_another_run_is_sending_is_not_sent_again(people, register, with_robot, robot):
    with_robot("generic")
    robot.answer(200, {"errcode": 1, "errmsg": "busy"})  # the new-task message fails and waits for the job
    task = register()
    delivery = WebhookDelivery.objects.get()
    assert delivery.sent_at is None and len(robot.posts) == 1

    assert webhook_claim(delivery)  # another run has taken it and is posting it now
    task_reminders_send(now=task.due_at - dt.timedelta(days=30))
    assert len(robot.posts) == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_record_and_send_each_occurrence_once(world, people, register, with_robot, robot):
    """On PostGIS, and on SpatiaLite as `make run` opens it (a file, writers waiting their turn)."""
    from inspections.evidence.problem_types import ensure_default_problem_types

    ensure_default_problem_types()  # an earlier transactional test may have emptied the tables
    with_robot("dingtalk")
    tasks = [register() for _ in range(4)]
    robot.posts.clear()
    mail.outbox.clear()
    now = max(task.due_at for task in tasks) + MINUTE
    with file_database():
        barrier = threading.Barrier(2)
        runs, errors = [], []

        def run():
            from django.db import connections

            try:
                barrier.wait()
                runs.append(task_reminders_send(now=now))
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert not errors
        assert Notification.objects.filter(event="overdue").count() == 4 * 3  # head, east manager, area manager
        assert WebhookDelivery.objects.filter(event="overdue").count() == 4
        assert len(robot.posts) == 4
        assert sorted(m.to[0] for m in mail.outbox) == sorted(["head@example.org", "manager@example.org"] * 4)
        assert sum(r.recorded.webhooks.sent + r.retried.webhooks.sent for r in runs) == 4
