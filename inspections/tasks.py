"""Celery's entry point for this app (``app.autodiscover_tasks()`` imports ``<app>.tasks``)."""

from inspections.notifications.jobs import deliver_notifications, send_task_reminders

__all__ = ["deliver_notifications", "send_task_reminders"]
