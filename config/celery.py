import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("wenming")
app.config_from_object("django.conf:settings", namespace="CELERY")
# "task" means a rectification task in this project; Celery's tasks live in modules named for what they hold.
app.conf.imports = (
    "inspections.rectification.jobs",
    "inspections.rectification.notifications.background",
    "inspections.reporting.briefings.background",
    "geo.exports.background",
)

# Periodic work, run by `celery -A config worker -B` (or `celery -A config beat`) when a broker is configured.
# Without one, tasks run eagerly and cron runs `manage.py send_task_reminders`, `send_weekly_briefing` and
# `expire_exports` instead.
if os.environ.get("CELERY_BROKER_URL"):
    app.conf.beat_schedule = {
        "send-task-reminders": {"task": "inspections.send_task_reminders", "schedule": 10 * 60},
        "expire-exports": {"task": "geo.expire_exports", "schedule": 60 * 60},
        # Mondays at 07:30 (CELERY_TIMEZONE): last week's briefing of each manager's area, e-mailed.
        "send-weekly-briefings": {
            "task": "inspections.send_weekly_briefings",
            "schedule": crontab(minute=30, hour=7, day_of_week="mon"),
        },
    }
