"""The states of a layer export and the moves between them: queued → running → ready or failed, and ready or failed
→ expired when its file is removed. A move re-reads the row under ``select_for_update``; the same state is a no-op;
any other move raises ExportMoveRefused. The row's own times (created, started, finished, expires) are its record."""

from django.db import transaction

from geo.models import ExportStatus, LayerExport

TRANSITIONS: dict[str, frozenset[str]] = {
    ExportStatus.QUEUED: frozenset({ExportStatus.RUNNING, ExportStatus.FAILED}),
    ExportStatus.RUNNING: frozenset({ExportStatus.READY, ExportStatus.FAILED}),
    ExportStatus.READY: frozenset({ExportStatus.EXPIRED}),
    ExportStatus.FAILED: frozenset({ExportStatus.EXPIRED}),
    ExportStatus.EXPIRED: frozenset(),
}
FINISHED = frozenset({ExportStatus.READY, ExportStatus.FAILED, ExportStatus.EXPIRED})


class ExportMoveRefused(Exception):
    def __init__(self, current: str, wanted: str):
        super().__init__(f"An export cannot go from {current} to {wanted}.")
        self.current, self.wanted = current, wanted


def export_move(export_id: int, to: str, *, only_from: str | None = None, **fields) -> LayerExport:
    """Move the export to ``to`` and set ``fields`` with it. ``only_from``: refuse unless it is in that state now
    (a worker claiming a queued export, so that two never run it)."""
    with transaction.atomic():
        export = LayerExport.objects.select_for_update().get(pk=export_id)
        if only_from is not None and export.status != only_from:
            raise ExportMoveRefused(export.status, to)
        if export.status == to:
            return export
        if to not in TRANSITIONS[export.status]:
            raise ExportMoveRefused(export.status, to)
        export.status = to
        for name, value in fields.items():
            setattr(export, name, value)
        export.save(update_fields=["status", *fields])
    return export
