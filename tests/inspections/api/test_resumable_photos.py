"""`PUT /api/photos/<uuid>/` in resumable mode (raw chunks with Content-Range) and `HEAD` for the offset."""

import hashlib
import threading
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from inspections.models import Photo, PhotoFile, PhotoUploadSession
from tests.databases import file_database
from tests.inspections.conftest import as_upload, photo_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """A media directory of this test's own, so that what it leaves behind can be counted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files() -> list[Path]:
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def staged_files() -> list[Path]:
    return [p for p in stored_files() if "photo_uploads" in p.parts]


def thirds(data: bytes) -> list[tuple[int, bytes]]:
    a, b = len(data) // 3, 2 * len(data) // 3
    return [(0, data[:a]), (a, data[a:b]), (b, data[b:])]


@pytest.fixture
def finding(client_for, world, inspection_payload):
    body = inspection_payload()
    client_for(world.users.inspector).post("/api/inspections/", body, format="json")
    return body["findings"][0]["id"]


@pytest.fixture
def plot_finding(client_for, world, inspection_payload):
    """A finding routed to the east committee (its rectifiers may add after-photos)."""
    body = inspection_payload(hotspot=world.plot.pk)
    client_for(world.users.inspector).post("/api/inspections/", body, format="json")
    return body["findings"][0]["id"]


@pytest.fixture
def put_chunk(client_for, world):
    def put(photo_id, finding, start, data, total, *, user=None, role="before", content_range=None, client=None):
        client = client or client_for(user or world.users.inspector)
        header = content_range if content_range is not None else f"bytes {start}-{start + len(data) - 1}/{total}"
        extra = {"HTTP_CONTENT_RANGE": header} if header else {}
        return client.put(
            f"/api/photos/{photo_id}/?finding={finding}&role={role}",
            data,
            content_type="application/octet-stream",
            **extra,
        )

    return put


@pytest.fixture
def head(client_for, world):
    def ask(photo_id, *, user=None):
        return client_for(user or world.users.inspector).head(f"/api/photos/{photo_id}/")

    return ask


def nothing_received(response) -> bool:
    """HEAD's answer when nothing was received under the id: 200 with offset 0 and no length (not an error)."""
    return response.status_code == 200 and response["Upload-Offset"] == "0" and "Upload-Length" not in response


def test_three_chunks_store_the_photo_byte_for_byte_and_replays_answer_200(client_for, world, finding, put_chunk, head):
    data = photo_bytes()
    photo_id = uuid.uuid4()
    responses = [put_chunk(photo_id, finding, start, part, len(data)) for start, part in thirds(data)]
    assert [r.status_code for r in responses] == [202, 202, 201], responses[-1].content
    (_, first), (second_start, second), _ = thirds(data)
    assert responses[0].json() == {"received": len(first), "total": len(data)}
    assert responses[0]["Upload-Offset"] == str(len(first))
    assert responses[1].json() == {"received": second_start + len(second), "total": len(data)}

    body = responses[2].json()
    assert responses[2]["Upload-Offset"] == str(len(data))
    assert body["id"] == str(photo_id) and body["role"] == "before"
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["exif"]["lat"] == pytest.approx(39.8451, abs=1e-6) and body["flags"] == []
    original = client_for(world.users.manager).get(body["urls"]["original"])
    assert b"".join(original.streaming_content) == data
    stored = Photo.objects.get(pk=photo_id).file
    assert stored.original.name.startswith(f"photos/original/{stored.sha256[:2]}/")
    assert Path(stored.original.path).read_bytes() == data

    assert PhotoUploadSession.objects.count() == 0 and staged_files() == []
    done = head(photo_id)
    assert done.status_code == 200 and done["Upload-Offset"] == str(len(data))
    for start, part in thirds(data):
        replay = put_chunk(photo_id, finding, start, part, len(data))
        assert replay.status_code == 200 and replay.json() == body
    assert Photo.objects.count() == 1 and PhotoFile.objects.count() == 1


def test_chunks_are_streamed_past_djangos_in_memory_body_limit(finding, put_chunk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000  # chunks up to PHOTO_CHUNK_MAX_BYTES are read from the stream
    data = photo_bytes(seed=2)
    photo_id = uuid.uuid4()
    codes = [put_chunk(photo_id, finding, start, part, len(data)).status_code for start, part in thirds(data)]
    assert codes == [202, 202, 201]


def test_an_interrupted_upload_resumes_from_the_offset_head_gives(finding, put_chunk, head):
    data = photo_bytes(seed=3)
    photo_id = uuid.uuid4()
    assert nothing_received(head(photo_id))  # nothing received yet

    assert put_chunk(photo_id, finding, 0, data[:40_000], len(data)).status_code == 202
    assert put_chunk(photo_id, finding, 40_000, data[40_000:60_000], len(data)).status_code == 202
    # The connection drops in the middle of the next chunk: the server gets fewer bytes than announced.
    broken = put_chunk(
        photo_id, finding, 60_000, data[60_000:70_000], len(data), content_range=f"bytes 60000-89999/{len(data)}"
    )
    assert broken.status_code == 400 and "Content-Range" in broken.json()

    offset = head(photo_id)
    assert offset.status_code == 200 and offset["Upload-Offset"] == "60000"
    assert offset["Upload-Length"] == str(len(data))
    resumed = put_chunk(photo_id, finding, 60_000, data[60_000:], len(data))
    assert resumed.status_code == 201
    assert resumed.json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert Photo.objects.count() == 1


def test_a_chunk_sent_again_is_acknowledged_but_never_appended_twice(finding, put_chunk):
    data = photo_bytes(seed=4)
    photo_id = uuid.uuid4()
    total = len(data)
    first = put_chunk(photo_id, finding, 0, data[:30_000], total)
    again = put_chunk(photo_id, finding, 0, data[:30_000], total)
    assert first.status_code == again.status_code == 202
    assert again.json() == {"received": 30_000, "total": total}
    # Another chunk size on the retry: only the bytes past the offset are appended.
    overlapping = put_chunk(photo_id, finding, 20_000, data[20_000:50_000], total)
    assert overlapping.json() == {"received": 50_000, "total": total}
    assert PhotoUploadSession.objects.get(pk=photo_id).received == 50_000
    # The same bytes range with other content is not the same file.
    other = put_chunk(photo_id, finding, 0, b"\0" * 30_000, total)
    assert other.status_code == 409
    done = put_chunk(photo_id, finding, 50_000, data[50_000:], total)
    assert done.status_code == 201 and done.json()["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_gap_answers_409_with_the_offset(finding, put_chunk):
    data = photo_bytes(seed=5)
    photo_id = uuid.uuid4()
    ahead = put_chunk(photo_id, finding, 10_000, data[10_000:20_000], len(data))
    assert ahead.status_code == 409
    assert ahead.json()["offset"] == 0 and ahead["Upload-Offset"] == "0"
    assert PhotoUploadSession.objects.count() == 0

    put_chunk(photo_id, finding, 0, data[:10_000], len(data))
    gap = put_chunk(photo_id, finding, 20_000, data[20_000:30_000], len(data))
    assert gap.status_code == 409
    body = gap.json()
    assert (body["offset"], body["total"], gap["Upload-Offset"]) == (10_000, len(data), "10000")
    assert "10000" in body["detail"]


def test_another_total_for_the_same_upload_is_a_conflict(finding, put_chunk):
    data = photo_bytes(seed=6)
    photo_id = uuid.uuid4()
    put_chunk(photo_id, finding, 0, data[:10_000], len(data))
    response = put_chunk(photo_id, finding, 10_000, data[10_000:20_000], len(data) + 1)
    assert response.status_code == 409
    assert str(len(data)) in response.json()["detail"]


def test_a_total_over_the_photo_limit_is_refused_at_the_first_chunk(finding, put_chunk, settings):
    settings.PHOTO_MAX_BYTES = 50_000
    before = stored_files()
    data = photo_bytes()
    response = put_chunk(uuid.uuid4(), finding, 0, data[:10_000], len(data))
    assert response.status_code == 413
    body = response.json()
    assert (body["code"], body["limit"], body["size"]) == ("too_large", 50_000, len(data))
    assert stored_files() == before and PhotoUploadSession.objects.count() == 0


def test_a_chunk_over_the_chunk_limit_is_refused(finding, put_chunk, settings):
    settings.PHOTO_CHUNK_MAX_BYTES = 16_000
    data = photo_bytes()
    response = put_chunk(uuid.uuid4(), finding, 0, data[:20_000], len(data))
    assert response.status_code == 413
    assert (response.json()["chunk_limit"], response.json()["chunk_size"]) == (16_000, 20_000)
    assert PhotoUploadSession.objects.count() == 0


@pytest.mark.parametrize(
    "content_range",
    ["", "bytes=0-9/100", "bytes 0-9", "items 0-9/100", "bytes 9-0/100", "bytes 0-100/100", "bytes 0-19/100"],
)
def test_a_content_range_that_is_missing_unreadable_or_inconsistent_is_a_400(finding, put_chunk, content_range):
    response = put_chunk(uuid.uuid4(), finding, 0, b"x" * 10, 100, content_range=content_range)
    assert response.status_code == 400
    (message,) = response.json()["Content-Range"]
    assert "Content-Range" in message
    assert PhotoUploadSession.objects.count() == 0


def test_query_must_name_the_finding(world, put_chunk):
    response = put_chunk(uuid.uuid4(), "", 0, b"x" * 10, 100)
    assert response.status_code == 400 and "finding" in response.json()


def test_wrong_role_and_wrong_jurisdiction_are_refused_before_anything_is_written(
    world, finding, plot_finding, put_chunk, head
):
    data = photo_bytes(lat=39.849, lon=116.2265)
    before = stored_files()
    refusals = [
        (world.users.east_rectifier, finding, "before", 404),  # not routed to their unit
        (world.users.west_manager, finding, "before", 404),  # another jurisdiction
        (world.users.volunteer, finding, "before", 403),  # sees it, did not log it
        (world.users.east_rectifier, plot_finding, "before", 403),  # a rectifier adds "after" photos only
    ]
    for user, target, role, expected in refusals:
        photo_id = uuid.uuid4()
        response = put_chunk(photo_id, target, 0, data[:10_000], len(data), user=user, role=role)
        assert response.status_code == expected, (user.username, response.content)
        assert nothing_received(head(photo_id, user=user))
    assert stored_files() == before and PhotoUploadSession.objects.count() == 0

    photo_id = uuid.uuid4()
    chunks = [
        put_chunk(photo_id, plot_finding, start, part, len(data), user=world.users.east_rectifier, role="after")
        for start, part in thirds(data)
    ]
    assert [r.status_code for r in chunks] == [202, 202, 201] and chunks[-1].json()["role"] == "after"


def test_an_upload_in_progress_belongs_to_whoever_started_it(world, finding, put_chunk, head):
    data = photo_bytes(seed=7)
    photo_id = uuid.uuid4()
    put_chunk(photo_id, finding, 0, data[:10_000], len(data))
    assert head(photo_id, user=world.users.manager).status_code == 404  # another person's upload
    response = put_chunk(photo_id, finding, 10_000, data[10_000:20_000], len(data), user=world.users.manager)
    assert response.status_code == 409
    assert PhotoUploadSession.objects.get(pk=photo_id).received == 10_000


def test_another_file_under_a_stored_id_is_a_conflict(client_for, world, finding, put_chunk):
    data = photo_bytes(seed=8)
    photo_id = uuid.uuid4()
    for start, part in thirds(data):
        put_chunk(photo_id, finding, start, part, len(data))
    other = photo_bytes(seed=9)
    assert put_chunk(photo_id, finding, 0, other[:10_000], len(other)).status_code == 409
    tampered = b"\0" + data[1:10_000]
    assert put_chunk(photo_id, finding, 0, tampered, len(data)).status_code == 409
    assert put_chunk(photo_id, finding, 0, data[:10_000], len(data), role="after").status_code == 409
    multipart = client_for(world.users.inspector).put(
        f"/api/photos/{photo_id}/", {"file": as_upload(other), "finding": finding}, format="multipart"
    )
    assert multipart.status_code == 409
    assert Photo.objects.count() == 1


def test_a_photo_stored_by_multipart_answers_chunk_replays_and_head(client_for, world, finding, put_chunk, head):
    data = photo_bytes(seed=10)
    photo_id = uuid.uuid4()
    stored = client_for(world.users.inspector).put(
        f"/api/photos/{photo_id}/", {"file": as_upload(data), "finding": finding}, format="multipart"
    )
    assert stored.status_code == 201
    assert head(photo_id)["Upload-Offset"] == str(len(data))
    replay = put_chunk(photo_id, finding, 0, data[:5_000], len(data))
    assert replay.status_code == 200 and replay.json() == stored.json()


def test_a_single_chunk_holding_the_whole_file_stores_it_at_once(finding, put_chunk):
    data = photo_bytes(seed=11)
    response = put_chunk(uuid.uuid4(), finding, 0, data, len(data))
    assert response.status_code == 201 and response.json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert staged_files() == []


def test_a_file_refused_at_the_last_chunk_leaves_nothing_behind(finding, put_chunk, head):
    before = stored_files()
    data = b"%PDF-1.4 not a photo at all " * 1000
    photo_id = uuid.uuid4()
    assert put_chunk(photo_id, finding, 0, data[:15_000], len(data)).status_code == 202
    assert staged_files()
    refused = put_chunk(photo_id, finding, 15_000, data[15_000:], len(data))
    assert refused.status_code == 415 and refused.json()["code"] == "unsupported_type"
    assert stored_files() == before and PhotoUploadSession.objects.count() == 0
    assert Photo.objects.count() == 0 and nothing_received(head(photo_id))


def test_the_schema_documents_both_modes(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    put = schema["paths"]["/api/photos/{id}/"]["put"]
    assert {"multipart/form-data", "application/octet-stream"} <= set(put["requestBody"]["content"])
    assert {"200", "201", "202", "409", "413"} <= set(put["responses"])
    assert "Upload-Offset" in put["responses"]["202"]["headers"]
    assert {p["name"] for p in put["parameters"]} >= {"finding", "role", "Content-Range"}
    assert "HEAD" in put["description"] and "Upload-Offset: 0" in put["description"]


@pytest.mark.django_db(transaction=True)
def test_the_same_chunks_sent_at_once_are_stored_once(world, client_for, inspection_payload, put_chunk):
    """PostGIS orders the chunks by row locks; SpatiaLite (a file, as `make run` opens it) by taking turns."""
    from inspections.evidence.problem_types import ensure_default_problem_types

    ensure_default_problem_types()  # a flushed transactional database has lost the migration's rows
    body = inspection_payload()
    assert client_for(world.users.inspector).post("/api/inspections/", body, format="json").status_code == 201
    finding = body["findings"][0]["id"]
    data = photo_bytes(seed=12)
    photo_id = uuid.uuid4()
    clients = [client_for(world.users.inspector) for _ in range(4)]

    def at_once(start: int, part: bytes) -> list[int]:
        barrier = threading.Barrier(len(clients))
        codes: list[int] = []

        def send(client):
            try:
                barrier.wait()
                codes.append(put_chunk(photo_id, finding, start, part, len(data), client=client).status_code)
            finally:
                connection.close()

        threads = [threading.Thread(target=send, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sorted(codes)

    with file_database():
        (s1, p1), (s2, p2), (s3, p3) = thirds(data)
        assert at_once(s1, p1) == [202] * 4
        assert PhotoUploadSession.objects.get(pk=photo_id).received == len(p1)
        assert at_once(s2, p2) == [202] * 4
        assert PhotoUploadSession.objects.get(pk=photo_id).received == len(p1) + len(p2)
        assert at_once(s3, p3) == [200, 200, 200, 201]
        assert Photo.objects.count() == 1
        assert Path(Photo.objects.get().file.original.path).read_bytes() == data
        assert PhotoUploadSession.objects.count() == 0 and staged_files() == []
