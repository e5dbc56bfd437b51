"""The events of a task's moves: a new task for the unit it is dispatched to, and a rejected fix."""

import pytest

from inspections.models import Notification, NotificationEvent, TaskEvent, TaskStatus, WebhookDelivery
from inspections.rectification.notifications import notify_move

pytestmark = pytest.mark.django_db


def told(event: str) -> set[str]:
    return set(Notification.objects.filter(event=event).values_list("recipient__username", flat=True))


def test_a_task_registered_straight_to_a_unit_tells_its_active_members_and_its_robot(people, register, with_robot):
    with_robot("generic")
    task = register()
    assert (task.status, task.unit.name) == (TaskStatus.DISPATCHED, "东社区居委会")
    assert told(NotificationEvent.NEW_TASK) == {"east_rectifier", "east_colleague", "east_head"}
    event = TaskEvent.objects.get(task=task, action="register")
    notification = Notification.objects.filter(recipient=people.member).get()
    assert (notification.task, notification.key) == (task, f"new_task:{task.pk}:{event.pk}")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.unit, delivery.key, delivery.event) == (task.unit, notification.key, NotificationEvent.NEW_TASK)
    assert delivery.sent_at is not None


def test_nothing_is_told_while_a_task_waits_for_triage_and_the_unit_is_told_when_it_is_dispatched(
    world, people, register, move
):
    task = register(user=world.users.volunteer)
    assert task.status == TaskStatus.TRIAGE
    assert not Notification.objects.exists()

    move(people.area_manager, task, "dispatch")
    assert task.status == TaskStatus.DISPATCHED
    assert told(NotificationEvent.NEW_TASK) == {"east_rectifier", "east_colleague", "east_head"}


def test_a_resumed_task_is_a_new_task_again_and_other_moves_tell_nobody(people, register, move):
    task = register()
    move(people.member, task, "accept")
    move(people.area_manager, task, "defer", note="道路施工，暂缓")
    assert Notification.objects.filter(recipient=people.member).count() == 1

    move(people.area_manager, task, "resume")
    keys = list(Notification.objects.filter(recipient=people.member).values_list("key", flat=True))
    assert len(keys) == 2 and len(set(keys)) == 2
    assert all(key.startswith(f"new_task:{task.pk}:") for key in keys)


def test_a_rejected_fix_tells_the_units_members_and_robot_with_the_reason(
    people, register, move, submitted, with_robot
):
    with_robot("generic")
    task = submitted(register(), people.member)
    assert not Notification.objects.filter(event=NotificationEvent.FIX_REJECTED).exists()

    move(people.inspector, task, "reject", note="摊位仍在人行道上")
    assert task.status == TaskStatus.REJECTED
    assert told(NotificationEvent.FIX_REJECTED) == {"east_rectifier", "east_colleague", "east_head"}
    delivery = WebhookDelivery.objects.get(event=NotificationEvent.FIX_REJECTED)
    assert delivery.payload["note"] == "摊位仍在人行道上"
    assert delivery.sent_at is not None


def test_a_move_told_twice_is_recorded_once(people, register, with_robot, robot):
    with_robot("wecom")
    task = register()
    event = TaskEvent.objects.get(task=task, action="register")
    notify_move(event.pk)
    notify_move(event.pk)
    assert Notification.objects.filter(recipient=people.member).count() == 1
    assert WebhookDelivery.objects.count() == 1
    assert len(robot.posts) == 1


def test_a_unit_without_members_or_robot_is_not_an_error(world, register, move):
    task = register(location=world.school.service_area.point_on_surface)
    assert task.unit == world.school
    assert not Notification.objects.exists() and not WebhookDelivery.objects.exists()
