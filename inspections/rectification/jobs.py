"""The periodic job of rectification, run every 10–15 minutes (``manage.py send_task_reminders`` from cron, or
Celery beat with the task named ``inspections.send_task_reminders``).

It coordinates the task services and the notifications, so that neither imports the other back: first the tasks
left without a deadline (the calendar did not know their year when they were dispatched) get it once the year is
described, then the reminders run, so that a deadline already past is escalated in the same run.
"""

from dataclasses import asdict
from datetime import datetime

from celery import shared_task

from inspections.rectification.notifications.reminders import ReminderRun, task_reminders_send
from inspections.rectification.tasks import tasks_deadlines_fill


def reminder_job_run(*, now: datetime | None = None) -> ReminderRun:
    deadlines_set = tasks_deadlines_fill()
    run = task_reminders_send(now=now)
    run.deadlines_set = deadlines_set
    return run


@shared_task(name="inspections.send_task_reminders", ignore_result=True)
def send_task_reminders() -> dict:
    return asdict(reminder_job_run())
