"""The Celery task that sends a move's notifications in the background.

Without a broker (``CELERY_BROKER_URL`` empty) Celery runs it at once, in the calling process.
"""

from dataclasses import asdict

from celery import shared_task

from inspections.rectification.notifications.delivery import deliveries_send


@shared_task(name="inspections.deliver_notifications", ignore_result=True)
def deliver_notifications(keys: list[str]) -> dict:
    return asdict(deliveries_send(keys=keys))
