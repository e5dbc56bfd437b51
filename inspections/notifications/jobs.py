"""Celery tasks: sending a move's notifications in the background, and the periodic reminder job (beat).

Without a broker (``CELERY_BROKER_URL`` empty) Celery runs them at once, in the calling process.
"""

from dataclasses import asdict

from celery import shared_task

from inspections.notifications.delivery import deliveries_send
from inspections.notifications.reminders import task_reminders_send


@shared_task(name="inspections.deliver_notifications", ignore_result=True)
def deliver_notifications(keys: list[str]) -> dict:
    return asdict(deliveries_send(keys=keys))


@shared_task(name="inspections.send_task_reminders", ignore_result=True)
def send_task_reminders() -> dict:
    return asdict(task_reminders_send())
