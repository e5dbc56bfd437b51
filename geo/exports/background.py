"""The Celery tasks of layer exports: one export written, and the expired ones removed (hourly with a broker).

Without a broker (``CELERY_BROKER_URL`` empty) Celery runs them at once, in the calling process.
"""

from celery import shared_task

from geo.exports.build import export_build
from geo.exports.expiry import exports_expire


@shared_task(name="geo.build_export", ignore_result=True)
def build_export(export_id: int) -> str:
    return export_build(export_id).status


@shared_task(name="geo.expire_exports", ignore_result=True)
def expire_exports() -> int:
    return exports_expire()
