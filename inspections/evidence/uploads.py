"""Resumable photo uploads: a photo sent in chunks (`Content-Range`) so a dropped connection never restarts it.

The bytes received so far are staged as parts in the default storage (local files or S3 alike), one part per
accepted chunk, listed on a `PhotoUploadSession` row. Rules, per photo id:

- every chunk is checked like a whole upload would be, before anything is written: the declared total against
  the photo size limit, the person against the finding and role;
- a chunk must start at the current offset; a chunk (or the part of one) already received is compared with the
  staged bytes and acknowledged again, never appended twice; a chunk starting past the offset is a gap (409 with
  the offset); the total may not change;
- the session row is locked (`select_for_update`) while a chunk is appended, so two requests carrying the same
  chunk at once cannot both append it;
- with the last byte the parts are joined and handed to `photo_upload`, exactly as a multipart upload; a refusal
  removes the staged parts and the session, so a person who may not add the photo leaves nothing behind;
- once the photo is stored, any chunk of the same file answers with the stored photo (a replay); other bytes,
  another finding or role or total under the same id are a conflict.
"""

import re
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import IO

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.errors import Conflict
from inspections.evidence.photos import Upload, check_photo_permission, photo_limits, photo_upload
from inspections.models import Finding, Inspection, Photo, PhotoUploadSession
from inspections.photos import PhotoRejected, RejectionCode

STAGING_ROOT = "photo_uploads"
DEFAULT_CHUNK_MAX_BYTES = 8 * 1024 * 1024
DEFAULT_PURGE_AGE = timedelta(hours=24)

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+)\s*$", re.IGNORECASE)
# What ends an upload for good: the staged bytes are removed. Anything else (a database or storage outage) keeps
# them, so the client can send the last chunk again.
_REFUSALS = (PhotoRejected, Conflict, PermissionDenied, ValidationError)


@dataclass(frozen=True)
class ContentRange:
    start: int  # first byte, from 0
    end: int  # last byte, inclusive
    total: int  # size of the whole file

    @property
    def length(self) -> int:
        return self.end - self.start + 1


@dataclass(frozen=True)
class Chunk:
    photo_id: uuid.UUID
    inspection: Inspection
    finding: Finding | None
    role: str
    range: ContentRange
    data: bytes
    position: Point | None = None
    accuracy_m: float | None = None


@dataclass(frozen=True)
class ChunkResult:
    """`photo` is set once the photo is stored: `created` tells whether this request stored it."""

    received: int
    total: int
    photo: Photo | None = None
    created: bool = False

    @property
    def complete(self) -> bool:
        return self.photo is not None


class UploadOffsetMismatch(Conflict):
    """A chunk starting past the bytes received so far (HTTP 409 with the offset to resume from)."""

    def __init__(self, message: str, *, offset: int, total: int | None):
        super().__init__(message)
        self.offset = offset
        self.total = total


@dataclass(frozen=True)
class PurgeResult:
    sessions: int
    files: int


def chunk_max_bytes() -> int:
    return int(getattr(settings, "PHOTO_CHUNK_MAX_BYTES", DEFAULT_CHUNK_MAX_BYTES))


def chunk_too_large(size: int) -> PhotoRejected:
    limit = chunk_max_bytes()
    return PhotoRejected(
        RejectionCode.TOO_LARGE,
        _("This chunk is %(size)s; the largest chunk accepted is %(limit)s. Send the file in smaller chunks.")
        % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
        params={"chunk_size": size, "chunk_limit": limit},
    )


def read_chunk(stream: IO[bytes], declared_length: str | int | None) -> bytes:
    """The body of a chunk request, refused (without reading it) past the chunk limit."""
    limit = chunk_max_bytes()
    try:
        declared = int(declared_length or 0)
    except (TypeError, ValueError):
        declared = 0
    if declared > limit:
        raise chunk_too_large(declared)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise chunk_too_large(len(data))
    return data


def parse_content_range(header: str | None) -> ContentRange:
    """`bytes <start>-<end>/<total>` (end inclusive), or a ValidationError that says what is wrong."""
    if not header:
        raise ValidationError(
            {"Content-Range": [_("A resumable upload needs a Content-Range header: bytes <start>-<end>/<total>.")]}
        )
    found = _CONTENT_RANGE.match(header)
    if found is None:
        raise ValidationError(
            {
                "Content-Range": [
                    _("Content-Range %(value)s cannot be read; expected bytes <start>-<end>/<total>.")
                    % {"value": header[:100]}
                ]
            }
        )
    start, end, total = (int(group) for group in found.groups())
    if start > end or end >= total:
        raise ValidationError(
            {
                "Content-Range": [
                    _(
                        "Content-Range %(value)s is inconsistent: the first byte must not come after the last, "
                        "and the last byte must be below the total."
                    )
                    % {"value": header[:100]}
                ]
            }
        )
    return ContentRange(start=start, end=end, total=total)


def photo_chunk_append(*, user, chunk: Chunk) -> ChunkResult:
    """Take one chunk of a resumable photo upload; with the last byte, store the photo like `photo_upload`.

    Raises ValidationError (a chunk whose size does not match its range), PhotoRejected (total or chunk too
    large, or the finished file refused), PermissionDenied (the wrong person), UploadOffsetMismatch (a gap)
    and Conflict (another total, file, finding, role or person under this photo id).
    """
    rng = chunk.range
    if len(chunk.data) != rng.length:
        raise ValidationError(
            {
                "Content-Range": [
                    _("Content-Range announces %(expected)d bytes but the request carries %(got)d.")
                    % {"expected": rng.length, "got": len(chunk.data)}
                ]
            }
        )
    if rng.length > chunk_max_bytes():
        raise chunk_too_large(rng.length)
    stored = _stored_replay(chunk)
    if stored is not None:
        return stored
    photo_limits().check_size(rng.total)
    check_photo_permission(user, inspection=chunk.inspection, finding=chunk.finding, role=chunk.role)

    if rng.start == 0 and rng.length == rng.total and not PhotoUploadSession.objects.filter(pk=chunk.photo_id).exists():
        return _store(user, chunk, ContentFile(chunk.data, name=str(chunk.photo_id)))  # the whole file in one chunk

    written: list[str] = []
    obsolete: list[str] = []
    refusal: BaseException | None = None
    try:
        with transaction.atomic():
            session = _locked_session(chunk)
            if session is None:
                stored = _stored_replay(chunk)  # completed by a parallel request while we waited for the lock
                if stored is not None:
                    return stored
                if rng.start != 0:
                    raise _gap(chunk, 0, None)
                session = _start_session(user, chunk)
            if session is None:  # a parallel first chunk created the session and finished the photo at once
                stored = _stored_replay(chunk)
                if stored is not None:
                    return stored
                raise _busy(chunk)
            _check_session(user, chunk, session)
            _append(session, chunk, written)
            if session.received < session.total:
                return ChunkResult(received=session.received, total=session.total)
            try:
                with _joined(session) as whole:
                    result = _store(user, chunk, whole)
            except _REFUSALS as error:
                refusal = error
            obsolete = [name for _start, _end, name in session.parts]
            session.delete()
    except BaseException:
        _delete(written)
        raise
    _delete(obsolete)
    if refusal is not None:
        raise refusal
    return result


def upload_offset(*, user, photo_id: uuid.UUID) -> tuple[int, int] | None:
    """(bytes received, total) of this person's upload in progress under `photo_id`, or None."""
    row = PhotoUploadSession.objects.filter(pk=photo_id, uploaded_by=user.pk).values_list("received", "total").first()
    return tuple(row) if row is not None else None


def upload_id_taken(*, photo_id: uuid.UUID) -> bool:
    """Whether anyone stored a photo or started an upload under `photo_id`."""
    return Photo.objects.filter(pk=photo_id).exists() or PhotoUploadSession.objects.filter(pk=photo_id).exists()


def photo_uploads_purge(*, older_than: timedelta = DEFAULT_PURGE_AGE, now=None) -> PurgeResult:
    """Remove uploads in progress that received nothing for `older_than`, and staged files nobody refers to."""
    cutoff = (now or timezone.now()) - older_than
    sessions = files = 0
    for pk in PhotoUploadSession.objects.filter(updated_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            session = PhotoUploadSession.objects.select_for_update().filter(pk=pk, updated_at__lt=cutoff).first()
            if session is None:
                continue  # resumed in the meantime
            names = [name for _start, _end, name in session.parts]
            session.delete()
        files += _delete(names)
        sessions += 1
    files += _purge_orphans(cutoff)
    return PurgeResult(sessions=sessions, files=files)


# ---------------------------------------------------------------- helpers


def _stored_replay(chunk: Chunk) -> ChunkResult | None:
    """The stored photo when this chunk belongs to it (a replay), a Conflict when it does not, None when no photo
    is stored under this id."""
    photo = Photo.objects.select_related("file").filter(pk=chunk.photo_id).first()
    if photo is None:
        return None
    rng = chunk.range
    same = (
        photo.inspection_id == chunk.inspection.pk
        and photo.finding_id == _finding_id(chunk)
        and photo.role == chunk.role
        and photo.file.size == rng.total
        and _read_stored(photo, rng.start, rng.length) == chunk.data
    )
    if not same:
        raise Conflict(
            _("Photo id %(id)s is already stored with another file, finding or role.") % {"id": chunk.photo_id}
        )
    return ChunkResult(received=rng.total, total=rng.total, photo=photo, created=False)


def _finding_id(chunk: Chunk):
    return chunk.finding.pk if chunk.finding is not None else None


def _read_stored(photo: Photo, start: int, length: int) -> bytes:
    with photo.file.original.open("rb") as handle:
        handle.seek(start)
        return handle.read(length)


def _locked_session(chunk: Chunk) -> PhotoUploadSession | None:
    return PhotoUploadSession.objects.select_for_update().filter(pk=chunk.photo_id).first()


def _start_session(user, chunk: Chunk) -> PhotoUploadSession | None:
    """A new session, locked (an inserted row is ours until commit); or the one a parallel first chunk created."""
    try:
        with transaction.atomic():
            return PhotoUploadSession.objects.create(
                photo_id=chunk.photo_id,
                inspection=chunk.inspection,
                finding=chunk.finding,
                role=chunk.role,
                total=chunk.range.total,
                received=0,
                staging=f"{STAGING_ROOT}/{chunk.photo_id}",
                parts=[],
                uploaded_by=user,
            )
    except IntegrityError:
        return _locked_session(chunk)


def _busy(chunk: Chunk) -> Conflict:
    return Conflict(
        _("Photo id %(id)s is being uploaded by another request; ask for the offset and send again.")
        % {"id": chunk.photo_id}
    )


def _check_session(user, chunk: Chunk, session: PhotoUploadSession) -> None:
    if session.uploaded_by_id != user.pk:
        raise Conflict(_("Photo id %(id)s is being uploaded by another person.") % {"id": chunk.photo_id})
    same_target = session.inspection_id == chunk.inspection.pk and session.finding_id == _finding_id(chunk)
    if not same_target or session.role != chunk.role:
        raise Conflict(_("Photo id %(id)s is being uploaded for another finding or role.") % {"id": chunk.photo_id})
    if session.total != chunk.range.total:
        raise Conflict(
            _("This upload was started for a file of %(expected)d bytes; this chunk declares %(total)d.")
            % {"expected": session.total, "total": chunk.range.total}
        )
    if chunk.range.start > session.received:
        raise _gap(chunk, session.received, session.total)


def _gap(chunk: Chunk, offset: int, total: int | None) -> UploadOffsetMismatch:
    return UploadOffsetMismatch(
        _("This chunk starts at byte %(start)d but %(offset)d bytes have been received: send from byte %(offset)d.")
        % {"start": chunk.range.start, "offset": offset},
        offset=offset,
        total=total,
    )


def _append(session: PhotoUploadSession, chunk: Chunk, written: list[str]) -> None:
    """Append the bytes past the current offset; the bytes already received must be the same."""
    rng = chunk.range
    overlap = min(rng.end + 1, session.received) - rng.start
    if overlap > 0 and _read_staged(session, rng.start, overlap) != chunk.data[:overlap]:
        raise Conflict(
            _("Bytes %(start)d–%(end)d of photo %(id)s were already received with other content.")
            % {"start": rng.start, "end": rng.start + overlap - 1, "id": chunk.photo_id}
        )
    fresh = chunk.data[max(overlap, 0) :]
    if not fresh:
        return  # a chunk received before: acknowledged again, nothing appended
    first = session.received
    name = default_storage.save(f"{session.staging}-{first:012d}.part", ContentFile(fresh))
    written.append(name)
    session.parts = [*session.parts, [first, first + len(fresh) - 1, name]]
    session.received = first + len(fresh)
    session.save(update_fields=["parts", "received", "updated_at"])


def _read_staged(session: PhotoUploadSession, start: int, length: int) -> bytes:
    stop = start + length
    out = bytearray()
    for first, last, name in session.parts:
        low, high = max(start, first), min(stop, last + 1)
        if low >= high:
            continue
        with default_storage.open(name, "rb") as handle:
            handle.seek(low - first)
            out += handle.read(high - low)
    return bytes(out)


class _joined:
    """The staged parts joined in a temporary file, as a Django File; removed on exit."""

    def __init__(self, session: PhotoUploadSession):
        self.session = session

    def __enter__(self) -> File:
        self.handle = tempfile.TemporaryFile()
        for _first, _last, name in self.session.parts:
            with default_storage.open(name, "rb") as part:
                while block := part.read(1 << 20):
                    self.handle.write(block)
        self.handle.flush()
        self.handle.seek(0)
        return File(self.handle, name=str(self.session.photo_id))

    def __exit__(self, *exc) -> None:
        self.handle.close()


def _store(user, chunk: Chunk, file: File) -> ChunkResult:
    photo, created = photo_upload(
        user=user,
        upload=Upload(
            id=chunk.photo_id,
            inspection=chunk.inspection,
            finding=chunk.finding,
            role=chunk.role,
            file=file,
            position=chunk.position,
            accuracy_m=chunk.accuracy_m,
        ),
    )
    total = chunk.range.total
    return ChunkResult(received=total, total=total, photo=photo, created=created)


def _delete(names: Iterable[str]) -> int:
    count = 0
    for name in names:
        if default_storage.exists(name):
            default_storage.delete(name)
            count += 1
    return count


def _purge_orphans(cutoff) -> int:
    """Staged parts without a session (a crash between writing a part and committing it), older than `cutoff`."""
    try:
        _dirs, names = default_storage.listdir(STAGING_ROOT)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    live = {str(pk) for pk in PhotoUploadSession.objects.values_list("pk", flat=True)}
    stale = []
    for name in names:
        path = f"{STAGING_ROOT}/{name}"
        if name[:36] in live:
            continue
        if default_storage.get_modified_time(path) < cutoff:
            stale.append(path)
    return _delete(stale)
