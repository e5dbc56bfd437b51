"""The photos of the findings and tasks layers' features, for exports that take them along (geo's ``LayerPhotos``):
the photos of the exported findings (or of the exported tasks' findings) that the requester may see, through the
same selector as the photo API (``photos_for_user``: a unit's member sees their tasks' photos only)."""

from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.db.models import F, QuerySet

from geo.layers import LayerPhoto, LayerPhotos
from inspections.selectors import photos_for_user

READ_CHUNK = 500
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/heic": ".heic", "image/heif": ".heif"}


def _photos(user, rows: QuerySet, feature: str) -> QuerySet:
    """``feature``: the path from a photo to the feature it belongs to (its finding, or its finding's task)."""
    return photos_for_user(user).filter(**{f"{feature}__in": rows.order_by().values("pk")})


def _opener(name: str):
    return lambda: default_storage.open(name, "rb")


def _read(user, rows: QuerySet, feature: str):
    values = (
        _photos(user, rows, feature)
        .annotate(feature_id=F(feature))
        .order_by("feature_id", "role", "uploaded_at", "pk")
        .values(
            "pk",
            "feature_id",
            "role",
            "device_position",
            "file__original",
            "file__sha256",
            "file__size",
            "file__mime_type",
            "file__exif_taken_at",
            "file__exif_point",
        )
    )
    for row in values.iterator(chunk_size=READ_CHUNK):
        point = row["file__exif_point"] or row["device_position"]
        name = row["file__original"]
        yield LayerPhoto(
            feature_id=str(row["feature_id"]),
            photo_id=str(row["pk"]),
            role=row["role"],
            taken_at=row["file__exif_taken_at"],
            longitude=point.x if point else None,
            latitude=point.y if point else None,
            sha256=row["file__sha256"],
            size=row["file__size"],
            extension=EXTENSIONS.get(row["file__mime_type"]) or PurePosixPath(name).suffix.lower() or ".jpg",
            open=_opener(name),
        )


def _source(feature: str) -> LayerPhotos:
    return LayerPhotos(
        count=lambda user, rows: _photos(user, rows, feature).count(),
        read=lambda user, rows: _read(user, rows, feature),
    )


FINDING_PHOTOS = _source("finding")
TASK_PHOTOS = _source("finding__task")
