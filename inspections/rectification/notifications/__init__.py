"""Telling people about rectification tasks: in-app notifications, e-mail and the units' group robots.

Events (``NotificationEvent``): a new task for a unit and a rejected fix come from the task's moves
(``notify_move``, called after each move's commit); "deadline approaching" and "overdue" (超期, escalated: 督办) come
from the periodic job (``task_reminders_send``: ``manage.py send_task_reminders`` or Celery beat). Each occurrence of
an event has a key, so it is recorded once per person and once per unit and sent at most once.
"""

from inspections.rectification.notifications.moves import notify_move, notify_moves

__all__ = ["notify_move", "notify_moves"]
