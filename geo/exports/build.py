"""Writing a layer export: its requester's rows of the layer through the filters and bbox they gave, to a file in a
temporary folder with the layers' own writers (chunk by chunk: memory stays flat), zipped with the features' photos
when asked, then handed to the storage. The progress goes to the record after every chunk; a failure is recorded
with its message and leaves no file."""

import datetime as dt
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.core.files import File
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from geo.exports.archive import write_archive
from geo.exports.transitions import ExportMoveRefused, export_move
from geo.layers import Layer, LayerFilterError, LayerNotFound, get_layer
from geo.layers.export import FORMATS, export_file
from geo.models import ExportStatus, LayerExport

logger = logging.getLogger(__name__)
ERROR_MAX_CHARS = 2000


class ExportError(Exception):
    """An export cannot be written, for a reason its requester can act on."""


def keep_until(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(days=settings.EXPORT_KEEP_DAYS)


def export_extension(export: LayerExport) -> str:
    """The downloaded file's extension: a zip when it carries photos, else the format's."""
    return "zip" if export.with_photos else FORMATS[export.format].extension


def export_filename(export: LayerExport) -> str:
    return f"{export.layer}-{timezone.localtime(export.created_at):%Y%m%d-%H%M}-{export.pk}.{export_extension(export)}"


def bbox_polygon(value: str) -> Polygon | None:
    """The bbox as stored ("min_lon,min_lat,max_lon,max_lat", validated when asked for)."""
    if not value:
        return None
    polygon = Polygon.from_bbox(tuple(float(part) for part in value.split(",")))
    polygon.srid = 4326
    return polygon


def export_rows(export: LayerExport, layer: Layer):
    """The requester's rows of the layer as they are now, through the export's filters and bbox."""
    if not layer.visible(export.user):
        raise ExportError(_("Your role cannot open the map layer “%(layer)s”.") % {"layer": layer.label})
    try:
        rows = layer.queryset(export.user, MultiValueDict(export.filters))
    except LayerFilterError as error:
        messages = "; ".join(f"{name}: {' '.join(texts)}" for name, texts in error.errors.items())
        raise ExportError(messages) from None
    if box := bbox_polygon(export.bbox):
        rows = rows.filter(**{f"{layer.geometry}__intersects": box})
    return rows


def export_build(export_id: int) -> LayerExport:
    """Write the export if it is still queued (another worker may have taken it); record the outcome."""
    try:
        export = export_move(export_id, ExportStatus.RUNNING, only_from=ExportStatus.QUEUED, started_at=timezone.now())
    except ExportMoveRefused:
        return LayerExport.objects.get(pk=export_id)
    try:
        with translation.override(export.language):
            _write(export)
    except Exception as error:  # any failure is recorded on the export for the person who asked
        logger.exception("Export %s failed", export.pk)
        if export.file.name:
            export.file.storage.delete(export.file.name)
        message = str(error) if isinstance(error, ExportError) else f"{type(error).__name__}: {error}"
        now = timezone.now()
        export_move(
            export.pk,
            ExportStatus.FAILED,
            error=message[:ERROR_MAX_CHARS],
            file="",
            finished_at=now,
            expires_at=keep_until(now),
        )
    export.refresh_from_db()
    return export


def _write(export: LayerExport) -> None:
    try:
        layer = get_layer(export.layer)
    except LayerNotFound:
        raise ExportError(_("There is no map layer named “%(name)s”.") % {"name": export.layer}) from None
    rows = export_rows(export, layer)
    LayerExport.objects.filter(pk=export.pk).update(rows_total=rows.count())

    def rows_done(count: int) -> None:
        LayerExport.objects.filter(pk=export.pk).update(rows_written=count)

    def photos_done(count: int) -> None:
        LayerExport.objects.filter(pk=export.pk).update(photos_written=count)

    with tempfile.TemporaryDirectory(prefix="export-") as work:
        path = Path(work) / f"{layer.name}.{FORMATS[export.format].extension}"
        export_file(layer, rows, export.format, path, progress=rows_done)
        if export.with_photos:
            if layer.photos is None:
                raise ExportError(_("The features of this layer have no photos."))
            LayerExport.objects.filter(pk=export.pk).update(photos_total=layer.photos.count(export.user, rows))
            archive = Path(work) / "export.zip"
            write_archive(archive, path, layer.photos.read(export.user, rows), progress=photos_done)
            path = archive
        size = path.stat().st_size
        with open(path, "rb") as handle:
            export.file.save(export_filename(export), File(handle), save=False)
    now = timezone.now()
    export_move(
        export.pk, ExportStatus.READY, file=export.file.name, size=size, finished_at=now, expires_at=keep_until(now)
    )
