"""The resumable upload service: offsets, staging, completion through photo_upload, refusals and the purge."""

import datetime as dt
import hashlib
import os
import uuid
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from inspections.errors import Conflict
from inspections.evidence import uploads
from inspections.evidence.inspections import FindingInput, InspectionInput, inspection_submit
from inspections.evidence.uploads import (
    Chunk,
    ContentRange,
    UploadOffsetMismatch,
    parse_content_range,
    photo_chunk_append,
    photo_uploads_purge,
    read_chunk,
    upload_offset,
)
from inspections.models import Photo, PhotoRole, PhotoUploadSession, ProblemType
from inspections.photos import PhotoRejected
from tests.inspections.conftest import photo_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def finding(world, phase):
    inspection, _ = inspection_submit(
        user=world.users.inspector,
        data=InspectionInput(
            id=uuid.uuid4(),
            phase=phase,
            started_at=timezone.now() - dt.timedelta(minutes=20),
            hotspot=world.stall,
            accuracy_m=8,
            findings=[
                FindingInput(
                    id=uuid.uuid4(), problem_type=ProblemType.objects.get(code="street_vending"), severity="major"
                )
            ],
        ),
    )
    return inspection.findings.get()


@pytest.fixture
def send(world, finding):
    def append(photo_id, start, data, total, *, user=None, role=PhotoRole.BEFORE, target=None):
        chunk = Chunk(
            photo_id=photo_id,
            inspection=(target or finding).inspection,
            finding=target or finding,
            role=role,
            range=ContentRange(start=start, end=start + len(data) - 1, total=total),
            data=data,
        )
        return photo_chunk_append(user=user or world.users.inspector, chunk=chunk)

    return append


def staged(media) -> list[Path]:
    root = Path(media) / "photo_uploads"
    return sorted(root.iterdir()) if root.exists() else []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes 0-9/10", ContentRange(0, 9, 10)),
        ("bytes 100-199/1000", ContentRange(100, 199, 1000)),
        (" Bytes 5-5/6 ", ContentRange(5, 5, 6)),
    ],
)
def test_content_range_is_read(header, expected):
    assert parse_content_range(header) == expected
    assert expected.length == expected.end - expected.start + 1


@pytest.mark.parametrize(
    "header", [None, "", "bytes */100", "bytes=0-9/10", "bytes 0-9/*", "bytes -1-9/10", "bytes 5-4/10", "bytes 0-10/10"]
)
def test_content_range_that_cannot_be_used_says_why(header):
    with pytest.raises(ValidationError) as refused:
        parse_content_range(header)
    assert "Content-Range" in refused.value.message_dict


def test_a_chunk_is_read_up_to_the_limit(settings):
    settings.PHOTO_CHUNK_MAX_BYTES = 100
    assert read_chunk(BytesIO(b"x" * 100), "100") == b"x" * 100
    with pytest.raises(PhotoRejected) as declared:
        read_chunk(BytesIO(b""), "101")  # refused on the declared length, before reading
    assert declared.value.params == {"chunk_size": 101, "chunk_limit": 100}
    with pytest.raises(PhotoRejected):
        read_chunk(BytesIO(b"x" * 500), None)


def test_chunks_are_staged_then_stored_through_photo_upload(world, finding, send, media):
    data = photo_bytes()
    photo_id = uuid.uuid4()
    first = send(photo_id, 0, data[:50_000], len(data))
    assert (first.received, first.total, first.complete) == (50_000, len(data), False)
    session = PhotoUploadSession.objects.get(pk=photo_id)
    assert (session.finding, session.role, session.uploaded_by) == (finding, "before", world.users.inspector)
    assert len(staged(media)) == 1 and staged(media)[0].read_bytes() == data[:50_000]
    assert upload_offset(user=world.users.inspector, photo_id=photo_id) == (50_000, len(data))
    assert upload_offset(user=world.users.manager, photo_id=photo_id) is None

    done = send(photo_id, 50_000, data[50_000:], len(data))
    assert done.complete and done.created and done.received == len(data)
    assert done.photo.file.sha256 == hashlib.sha256(data).hexdigest()
    assert Path(done.photo.file.original.path).read_bytes() == data
    assert staged(media) == [] and not PhotoUploadSession.objects.exists()

    again = send(photo_id, 0, data[:50_000], len(data))
    assert again.complete and not again.created and again.photo == done.photo


def test_a_whole_file_in_one_chunk_is_never_staged(finding, send, media):
    data = photo_bytes(seed=2)
    result = send(uuid.uuid4(), 0, data, len(data))
    assert result.created and staged(media) == [] and not PhotoUploadSession.objects.exists()


def test_offsets_duplicates_overlaps_and_gaps(finding, send):
    data = photo_bytes(seed=3)
    photo_id = uuid.uuid4()
    total = len(data)
    with pytest.raises(UploadOffsetMismatch) as ahead:
        send(photo_id, 1000, data[1000:2000], total)
    assert (ahead.value.offset, ahead.value.total) == (0, None)
    assert send(photo_id, 0, data[:20_000], total).received == 20_000
    assert send(photo_id, 0, data[:20_000], total).received == 20_000  # the same chunk again
    assert send(photo_id, 5_000, data[5_000:10_000], total).received == 20_000  # a piece of it
    assert send(photo_id, 15_000, data[15_000:30_000], total).received == 30_000  # only the new tail appended
    assert [part[:2] for part in PhotoUploadSession.objects.get(pk=photo_id).parts] == [[0, 19_999], [20_000, 29_999]]
    with pytest.raises(UploadOffsetMismatch) as gap:
        send(photo_id, 40_000, data[40_000:50_000], total)
    assert (gap.value.offset, gap.value.total) == (30_000, total)
    with pytest.raises(Conflict):
        send(photo_id, 10_000, b"\xff" * 10_000, total)  # bytes already received, other content
    with pytest.raises(Conflict):
        send(photo_id, 30_000, data[30_000:40_000], total + 5)  # another total
    assert PhotoUploadSession.objects.get(pk=photo_id).received == 30_000
    assert send(photo_id, 30_000, data[30_000:], total).photo.file.sha256 == hashlib.sha256(data).hexdigest()


def test_limits_are_checked_before_anything_is_written(world, finding, send, media, settings):
    settings.PHOTO_MAX_BYTES = 1_000
    with pytest.raises(PhotoRejected) as too_large:
        send(uuid.uuid4(), 0, b"x" * 500, 2_000)
    assert too_large.value.params == {"size": 2_000, "limit": 1_000}
    settings.PHOTO_MAX_BYTES = 10_000_000
    settings.PHOTO_CHUNK_MAX_BYTES = 400
    with pytest.raises(PhotoRejected) as chunk:
        send(uuid.uuid4(), 0, b"x" * 500, 2_000)
    assert chunk.value.params["chunk_limit"] == 400
    with pytest.raises(ValidationError):  # fewer bytes than the range announces
        photo_chunk_append(
            user=world.users.inspector,
            chunk=Chunk(uuid.uuid4(), finding.inspection, finding, "before", ContentRange(0, 99, 2_000), b"x" * 10),
        )
    assert staged(media) == [] and not PhotoUploadSession.objects.exists()


def test_the_wrong_person_is_refused_before_the_first_byte(world, finding, send, media):
    for user, role in [(world.users.volunteer, PhotoRole.BEFORE), (world.users.east_rectifier, PhotoRole.AFTER)]:
        with pytest.raises(PermissionDenied):
            send(uuid.uuid4(), 0, b"x" * 100, 1_000, user=user, role=role)
    assert staged(media) == [] and not PhotoUploadSession.objects.exists()


def test_someone_else_cannot_continue_an_upload(world, finding, send):
    photo_id = uuid.uuid4()
    data = photo_bytes(seed=4)
    send(photo_id, 0, data[:1000], len(data), user=world.users.manager)
    with pytest.raises(Conflict):  # another person, although allowed to add this photo
        send(photo_id, 1000, data[1000:2000], len(data))
    with pytest.raises(Conflict):  # the same person, another role
        send(photo_id, 1000, data[1000:2000], len(data), user=world.users.manager, role=PhotoRole.AFTER)
    assert PhotoUploadSession.objects.get(pk=photo_id).received == 1000


def test_a_refused_file_removes_its_staged_bytes(finding, send, media):
    data = photo_bytes(seed=5)[:30_000]  # a truncated JPEG
    photo_id = uuid.uuid4()
    send(photo_id, 0, data[:10_000], len(data))
    with pytest.raises(PhotoRejected) as refused:
        send(photo_id, 10_000, data[10_000:], len(data))
    assert refused.value.code == "corrupt"
    assert staged(media) == [] and not PhotoUploadSession.objects.exists() and not Photo.objects.exists()


def test_a_failure_that_is_no_refusal_keeps_the_bytes_for_a_retry(finding, send, media, monkeypatch):
    data = photo_bytes(seed=6)
    photo_id = uuid.uuid4()
    send(photo_id, 0, data[:10_000], len(data))
    real = uploads.photo_upload

    def outage(**kwargs):
        raise OSError("storage unavailable")

    monkeypatch.setattr(uploads, "photo_upload", outage)
    with pytest.raises(OSError):
        send(photo_id, 10_000, data[10_000:], len(data))
    assert PhotoUploadSession.objects.get(pk=photo_id).received == 10_000
    assert len(staged(media)) == 1  # the last part was not kept: the row does not list it
    monkeypatch.setattr(uploads, "photo_upload", real)
    assert send(photo_id, 10_000, data[10_000:], len(data)).created


def test_purge_removes_stale_uploads_and_stray_files(world, finding, send, media):
    data = photo_bytes(seed=7)
    stale, fresh = uuid.uuid4(), uuid.uuid4()
    send(stale, 0, data[:1000], len(data))
    send(stale, 1000, data[1000:2000], len(data))
    send(fresh, 0, data[:1000], len(data))
    long_ago = timezone.now() - dt.timedelta(hours=30)
    PhotoUploadSession.objects.filter(pk=stale).update(updated_at=long_ago)
    stray = default_storage.save(f"photo_uploads/{uuid.uuid4()}-000000000000.part", ContentFile(b"left by a crash"))
    recent_stray = default_storage.save(f"photo_uploads/{uuid.uuid4()}-000000000000.part", ContentFile(b"just now"))
    os.utime(default_storage.path(stray), (long_ago.timestamp(), long_ago.timestamp()))

    result = photo_uploads_purge()
    assert (result.sessions, result.files) == (1, 3)
    assert list(PhotoUploadSession.objects.values_list("pk", flat=True)) == [fresh]
    assert not default_storage.exists(stray) and default_storage.exists(recent_stray)
    assert [p.name.startswith(str(fresh)) for p in staged(media)].count(True) == 1

    out = StringIO()
    call_command("purge_photo_uploads", "--hours", "0", stdout=out)
    assert "Removed 1 unfinished photo upload. Removed 2 staged files." in out.getvalue()
    assert staged(media) == [] and not PhotoUploadSession.objects.exists()


def test_purge_with_nothing_staged(media):
    assert photo_uploads_purge().sessions == 0
    out = StringIO()
    call_command("purge_photo_uploads", stdout=out)
    assert "Removed 0 unfinished photo uploads. Removed 0 staged files." in out.getvalue()
