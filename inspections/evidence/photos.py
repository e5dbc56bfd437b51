"""Receiving an evidence photo: checked, fingerprinted, stored once, derived, flagged. Idempotent on its UUID."""

import uuid
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.errors import Conflict
from inspections.evidence.flags import Flag, Thresholds, photo_flags, taken_at
from inspections.models import Finding, FlagCode, Inspection, Photo, PhotoFile, PhotoFlag, PhotoRole
from inspections.permissions import can_add_after_photo, can_add_before_photo
from inspections.photos import (
    NEAR_DUPLICATE_DISTANCE,
    EvidenceStamp,
    Limits,
    ProcessedPhoto,
    process_photo,
    read_exif,
    sha256_of,
    to_signed64,
)
from inspections.rectification.tasks import task_hold_if_flagged

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic", "image/heif": "heif"}


@dataclass(frozen=True)
class Upload:
    id: uuid.UUID
    inspection: Inspection
    finding: Finding | None  # None: a photo of the inspection itself (a checklist's photo question)
    role: str
    file: File
    position: Point | None = None  # the device's position when the photo was taken, if it gave one
    accuracy_m: float | None = None

    @property
    def location(self) -> Point:
        """Where the photo should have been taken: the finding, else the inspected place."""
        return self.finding.location if self.finding is not None else self.inspection.location


def photo_limits() -> Limits:
    return Limits(max_bytes=settings.PHOTO_MAX_BYTES, max_pixels=settings.PHOTO_MAX_PIXELS)


def photo_thresholds() -> Thresholds:
    return Thresholds(
        max_distance_m=settings.PHOTO_MAX_DISTANCE_M,
        max_age_hours=settings.PHOTO_MAX_AGE_HOURS,
        max_accuracy_m=settings.POSITION_MAX_ACCURACY_M,
    )


def _replay(upload: Upload) -> Photo | None:
    existing = Photo.objects.select_related("file").filter(pk=upload.id).first()
    if existing is None:
        return None
    upload.file.seek(0)
    same = (
        existing.inspection_id == upload.inspection.pk
        and existing.finding_id == (upload.finding.pk if upload.finding else None)
        and existing.role == upload.role
        and existing.file.sha256 == sha256_of(upload.file)
    )
    if not same:
        raise Conflict(_("Photo id %(id)s is already stored with another file, finding or role.") % {"id": upload.id})
    return existing


def check_photo_permission(user, *, inspection: Inspection, finding: Finding | None, role: str) -> None:
    """Before-photos come from the inspector (or a manager); after-photos, of a finding, from its unit."""
    if role == PhotoRole.AFTER:
        allowed = finding is not None and can_add_after_photo(user, finding)
    else:
        allowed = can_add_before_photo(user, inspection)
    if not allowed:
        raise PermissionDenied(_("You cannot add this kind of photo here."))


def evidence_stamp(user, upload: Upload, now: datetime) -> EvidenceStamp:
    """What the photo's stamp prints. Its place is where the photo says it was taken (EXIF GPS), else where the
    device said it was, else none: never the finding's own place, which would pass for evidence of being there."""
    upload.file.seek(0)
    exif = read_exif(upload.file)
    lat, lon = None, None
    if exif.latitude is not None and exif.longitude is not None:
        lat, lon = exif.latitude, exif.longitude
    elif upload.position is not None:
        lat, lon = upload.position.y, upload.position.x
    hotspot = upload.inspection.hotspot
    return EvidenceStamp(
        taken_at=timezone.localtime(taken_at(exif) or now),
        latitude=lat,
        longitude=lon,
        hotspot=hotspot.name if hotspot else None,
        inspector=_photographer(user, upload.role),
        taken_by="整改人" if upload.role == PhotoRole.AFTER else "巡查员",
    )


def _photographer(user, role: str) -> str:
    name = user.get_full_name() or user.username
    if role == PhotoRole.AFTER and user.unit_id is not None:
        return f"{name}（{user.unit.name}）"
    return name


def _reuse_flag(phash: int, sha256: str, upload: Upload) -> tuple[Flag | None, Photo | None]:
    """A photo identical or nearly identical to one attached to a different finding (or inspection) is reused
    evidence."""
    same_place = {"finding": upload.finding} if upload.finding else {"inspection": upload.inspection, "finding": None}
    others = list(Photo.objects.exclude(**same_place).values_list("pk", "file__phash", "file__sha256"))
    if not others:
        return None, None
    hashes = np.array([row[1] for row in others], dtype=np.int64).view(np.uint64)
    distances = np.bitwise_count(hashes ^ np.uint64(phash & 0xFFFFFFFFFFFFFFFF))
    exact = [i for i, row in enumerate(others) if row[2] == sha256]
    best = exact[0] if exact else int(np.argmin(distances))
    distance = 0 if exact else int(distances[best])
    if distance > NEAR_DUPLICATE_DISTANCE:
        return None, None
    other = Photo.objects.get(pk=others[best][0])
    return Flag(FlagCode.REUSED_EVIDENCE, distance, NEAR_DUPLICATE_DISTANCE, "bits"), other


def _store_original(processed: ProcessedPhoto, upload: Upload, written: list[str], now: datetime) -> PhotoFile:
    """The stored original with this sha256, saving it (byte for byte) the first time."""
    existing = PhotoFile.objects.filter(sha256=processed.sha256).first()
    if existing is not None:
        return existing
    upload.file.seek(0)
    extension = EXTENSIONS.get(processed.mime, "bin")
    name = default_storage.save(f"photos/original/{processed.sha256[:2]}/{processed.sha256}.{extension}", upload.file)
    exif = processed.exif
    point = None
    if exif.latitude is not None and exif.longitude is not None:
        point = Point(exif.longitude, exif.latitude, srid=4326)
    photo_file = PhotoFile(
        sha256=processed.sha256,
        original=name,
        mime_type=processed.mime,
        size=processed.size,
        width=processed.width,
        height=processed.height,
        phash=to_signed64(processed.phash),
        exif_point=point,
        exif_altitude=exif.altitude,
        exif_taken_at=taken_at(exif),
        exif_make=exif.make or "",
        exif_model=exif.model or "",
        exif_orientation=exif.orientation,
        created_at=now,
    )
    photo_file.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            photo_file.save()
    except IntegrityError:
        default_storage.delete(name)  # a parallel upload stored the same file first
        return PhotoFile.objects.get(sha256=processed.sha256)
    written.append(name)
    return photo_file


def photo_upload(*, user, upload: Upload, now: datetime | None = None) -> tuple[Photo, bool]:
    """Store a photo for a finding or an inspection, as uploaded at ``now`` (default: the current time); replaying
    the same id with the same file returns the stored photo.

    Returns (photo, created). Raises PhotoRejected for a file that is not an acceptable photo, Conflict for an id
    reused with other content, PermissionDenied for the wrong person. A failure leaves no file and no row behind.
    """
    existing = _replay(upload)
    if existing is not None:
        return existing, False
    check_photo_permission(user, inspection=upload.inspection, finding=upload.finding, role=upload.role)
    now = now or timezone.now()
    stamp = evidence_stamp(user, upload, now)
    upload.file.seek(0)
    processed = process_photo(upload.file, limits=photo_limits(), watermark=stamp)
    flags = photo_flags(
        exif=processed.exif,
        place_lon=upload.location.x,
        place_lat=upload.location.y,
        uploaded_at=now,
        accuracy_m=upload.inspection.position_accuracy_m,
        thresholds=photo_thresholds(),
    )
    reuse, reused_from = _reuse_flag(processed.phash, processed.sha256, upload)

    written: list[str] = []
    try:
        with transaction.atomic():
            photo_file = _store_original(processed, upload, written, now)
            base = f"{processed.sha256[:2]}/{upload.id}"
            display = default_storage.save(f"photos/display/{base}.jpg", ContentFile(processed.display_jpeg))
            written.append(display)
            thumbnail = default_storage.save(f"photos/thumbnail/{base}.jpg", ContentFile(processed.thumbnail_jpeg))
            written.append(thumbnail)
            photo = Photo(
                id=upload.id,
                inspection=upload.inspection,
                finding=upload.finding,
                role=upload.role,
                file=photo_file,
                display=display,
                thumbnail=thumbnail,
                device_position=upload.position,
                device_accuracy_m=upload.accuracy_m,
                uploaded_by=user,
                uploaded_at=now,
            )
            photo.full_clean(exclude=["id"])  # the insert checks the id: the same photo at once is a replay below
            photo.save(force_insert=True)
            rows = [PhotoFlag(photo=photo, **vars(flag)) for flag in flags]
            if reuse is not None:
                rows.append(PhotoFlag(photo=photo, other_photo=reused_from, **vars(reuse)))
            PhotoFlag.objects.bulk_create(rows)
            task_hold_if_flagged(photo, now=now)
    except IntegrityError:
        _delete(written)
        existing = _replay(upload)  # the same photo id arrived twice at once
        if existing is None:
            raise
        return existing, False
    except BaseException:
        _delete(written)
        raise
    return photo, True


def _delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
