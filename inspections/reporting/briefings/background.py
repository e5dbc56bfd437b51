"""The Celery tasks of briefings: one briefing built in the background, and the weekly briefings.

Without a broker (``CELERY_BROKER_URL`` empty) Celery runs them at once, in the calling process.
"""

from dataclasses import asdict

from celery import shared_task

from inspections.reporting.briefings.build import briefing_build
from inspections.reporting.briefings.weekly import weekly_briefings_send


@shared_task(name="inspections.build_briefing", ignore_result=True)
def build_briefing(briefing_id: int) -> str:
    return briefing_build(briefing_id).status


@shared_task(name="inspections.send_weekly_briefings", ignore_result=True)
def send_weekly_briefings() -> dict:
    return asdict(weekly_briefings_send())
