"""Exports are kept EXPORT_KEEP_DAYS after they finish: then the file is removed and the record marked expired.
The hourly ``geo.expire_exports`` job (or ``manage.py expire_exports`` from cron without a broker) removes them
all; reading an export past its time (its record, its file, the list) expires it there and then too."""

import logging

from django.db.models import QuerySet
from django.utils import timezone

from geo.exports.transitions import ExportMoveRefused, export_move
from geo.models import ExportStatus, LayerExport

logger = logging.getLogger(__name__)


def due(exports: QuerySet[LayerExport] | None = None, now=None) -> QuerySet[LayerExport]:
    exports = LayerExport.objects.all() if exports is None else exports
    return exports.filter(status__in=[ExportStatus.READY, ExportStatus.FAILED], expires_at__lte=now or timezone.now())


def export_expire(export: LayerExport) -> LayerExport:
    """Remove the file and mark the export expired (a no-op for one already expired)."""
    name = export.file.name
    try:
        export = export_move(export.pk, ExportStatus.EXPIRED, file="")
    except ExportMoveRefused:
        return LayerExport.objects.get(pk=export.pk)
    if name:
        export.file.storage.delete(name)
    return export


def exports_expire(exports: QuerySet[LayerExport] | None = None, now=None) -> int:
    """Expire every export past its time (of ``exports`` when given); the number expired."""
    count = 0
    for export in due(exports, now).iterator():
        export_expire(export)
        count += 1
    if count:
        logger.info("Expired %d layer exports", count)
    return count


def expire_if_due(export: LayerExport) -> LayerExport:
    if export.expires_at is not None and export.expires_at <= timezone.now():
        return export_expire(export) if export.status != ExportStatus.EXPIRED else export
    return export
