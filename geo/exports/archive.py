"""An export with its photos, as one zip: the layer's file, ``photos/<feature>/<role>-<photo>.<ext>`` for each photo
the requester may see, and ``manifest.csv`` (UTF-8 with a BOM, for Excel) describing each photo. Photos are copied
from storage into the zip a block at a time, JPEGs stored as they are (compressing them again gains nothing), and
the manifest is written to a temporary file as they go: memory stays flat however many photos."""

import csv
import hashlib
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from django.utils import timezone

from geo.layers import LayerPhoto

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ["feature_id", "photo_id", "role", "taken_at", "longitude", "latitude", "sha256", "size", "path"]
PHOTOS = "photos"
BLOCK_BYTES = 1 << 16
# Formats already compressed: stored in the zip as they are.
COMPRESSED = {".jpg", ".jpeg", ".heic", ".heif", ".png", ".webp"}


def photo_path(photo: LayerPhoto) -> str:
    return f"{PHOTOS}/{photo.feature_id}/{photo.role}-{photo.photo_id}{photo.extension}"


def _taken(photo: LayerPhoto) -> str:
    return timezone.localtime(photo.taken_at).isoformat(timespec="seconds") if photo.taken_at else ""


def _coordinate(value: float | None) -> str:
    return "" if value is None else f"{value:.7f}"


def write_archive(
    path: Path, layer_file: Path, photos: Iterable[LayerPhoto], progress: Callable[[int], None] | None = None
) -> int:
    """The zip at ``path``; the number of photos in it."""
    stamp = timezone.localtime().timetuple()[:6]
    written = 0
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
        tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as manifest,
    ):
        archive.write(layer_file, layer_file.name)
        manifest.write("\ufeff")
        rows = csv.writer(manifest)
        rows.writerow(MANIFEST_COLUMNS)
        for photo in photos:
            inner = photo_path(photo)
            info = zipfile.ZipInfo(inner, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if photo.extension.lower() in COMPRESSED else zipfile.ZIP_DEFLATED
            digest = hashlib.sha256()
            size = 0
            with photo.open() as source, archive.open(info, "w", force_zip64=True) as out:
                while block := source.read(BLOCK_BYTES):
                    digest.update(block)
                    out.write(block)
                    size += len(block)
            rows.writerow(
                [
                    photo.feature_id,
                    photo.photo_id,
                    photo.role,
                    _taken(photo),
                    _coordinate(photo.longitude),
                    _coordinate(photo.latitude),
                    digest.hexdigest(),
                    size,
                    inner,
                ]
            )
            written += 1
            if progress:
                progress(written)
        manifest.flush()
        manifest.seek(0)
        info = zipfile.ZipInfo(MANIFEST, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as out:
            while text := manifest.read(BLOCK_BYTES):
                out.write(text.encode())
    return written
