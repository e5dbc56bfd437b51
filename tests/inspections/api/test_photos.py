import hashlib
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from inspections.models import Photo, PhotoFile
from tests.inspections.conftest import as_upload, photo_bytes
from tests.inspections.photos.images import encode, jpeg_claiming, scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(client_for, world, inspection_payload):
    body = inspection_payload()
    client_for(world.users.inspector).post("/api/inspections/", body, format="json")
    return body["findings"][0]["id"]


@pytest.fixture
def put_photo(client_for, world):
    def put(data, finding, *, user=None, photo_id=None, role="before", name="photo.jpg"):
        client = client_for(user or world.users.inspector)
        photo_id = photo_id or uuid.uuid4()
        payload = {"file": as_upload(data, name), "finding": finding, "role": role}
        return client.put(f"/api/photos/{photo_id}/", payload, format="multipart"), photo_id

    return put


def stored_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_photo_is_stored_with_exif_hashes_urls_and_replay_answers_the_same(client_for, world, finding, put_photo):
    data = photo_bytes()
    first, photo_id = put_photo(data, finding)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["exif"]["lat"] == pytest.approx(39.8451, abs=1e-6)
    assert body["exif"]["lon"] == pytest.approx(116.2301, abs=1e-6)
    assert body["exif"]["altitude"] == pytest.approx(50.0)
    assert (body["exif"]["make"], body["exif"]["model"]) == ("HUAWEI", "MatePad 11")
    assert body["exif"]["taken_at"].endswith("+08:00")
    assert body["flags"] == []
    assert set(body["urls"]) == {"original", "display", "thumbnail"}

    replay, _ = put_photo(data, finding, photo_id=photo_id)
    assert replay.status_code == 200 and replay.json() == body

    client = client_for(world.users.manager)
    original = client.get(body["urls"]["original"])
    assert original.status_code == 200 and b"".join(original.streaming_content) == data
    display = b"".join(client.get(body["urls"]["display"]).streaming_content)
    assert display[:2] == b"\xff\xd8" and b"GPS" not in display[:4096] and b"Exif" not in display[:64]
    assert client_for(world.users.west_manager).get(body["urls"]["original"]).status_code == 404


def test_same_file_is_stored_once_and_flagged_as_reused_on_another_finding(
    client_for, world, inspection_payload, finding, put_photo
):
    data = photo_bytes(seed=5)
    put_photo(data, finding)
    other_body = inspection_payload(hotspot=world.plot.pk)
    client_for(world.users.inspector).post("/api/inspections/", other_body, format="json")
    response, _ = put_photo(data, other_body["findings"][0]["id"])
    assert response.status_code == 201
    assert PhotoFile.objects.count() == 1 and Photo.objects.count() == 2
    reuse = [flag for flag in response.json()["flags"] if flag["code"] == "reused_evidence"]
    assert reuse and reuse[0]["value"] == 0


def test_near_duplicate_on_another_finding_is_flagged(client_for, world, inspection_payload, finding, put_photo):
    put_photo(photo_bytes(seed=9), finding)
    other_body = inspection_payload(hotspot=world.plot.pk)
    client_for(world.users.inspector).post("/api/inspections/", other_body, format="json")
    recompressed = encode(scene((640, 480), seed=9), "JPEG", quality=60)
    response, _ = put_photo(recompressed, other_body["findings"][0]["id"])
    codes = {flag["code"]: flag for flag in response.json()["flags"]}
    assert "reused_evidence" in codes and codes["reused_evidence"]["other_photo"]
    fresh, _ = put_photo(photo_bytes(seed=77), other_body["findings"][0]["id"])
    assert "reused_evidence" not in {flag["code"] for flag in fresh.json()["flags"]}


def test_location_time_and_gps_checks_are_flags_with_numbers(world, finding, put_photo):
    far, _ = put_photo(photo_bytes(lat=39.8480, lon=116.2301, seed=2), finding)
    assert far.status_code == 201
    (flag,) = far.json()["flags"]
    assert flag["code"] == "far_from_finding" and flag["threshold"] == 100 and flag["unit"] == "m"
    assert flag["value"] == pytest.approx(333, abs=2)
    old, _ = put_photo(photo_bytes(hours_ago=30, seed=3), finding)
    (flag,) = old.json()["flags"]
    assert (flag["code"], flag["value"], flag["threshold"]) == ("taken_long_before", 30.0, 24)
    no_gps, _ = put_photo(photo_bytes(lat=None, seed=4), finding)
    assert [f["code"] for f in no_gps.json()["flags"]] == ["no_gps"]


@pytest.mark.parametrize(
    ("make_data", "status", "code"),
    [
        (lambda: photo_bytes()[:5000], 400, "corrupt"),
        (lambda: b"%PDF-1.4 not a photo at all" * 100, 415, "unsupported_type"),
        (lambda: jpeg_claiming(30000, 30000), 413, "too_many_pixels"),
    ],
)
def test_bad_files_are_refused_and_leave_nothing_behind(world, finding, put_photo, make_data, status, code):
    before = stored_files()
    response, _ = put_photo(make_data(), finding)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code and response.json()["detail"]
    assert Photo.objects.count() == 0 and PhotoFile.objects.count() == 0
    assert stored_files() == before


def test_oversize_file_names_the_limit(world, finding, put_photo, settings):
    settings.PHOTO_MAX_BYTES = 10_000
    response, _ = put_photo(photo_bytes(), finding)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "10" in response.json()["detail"]


def test_same_id_with_another_file_is_a_conflict(finding, put_photo):
    _, photo_id = put_photo(photo_bytes(seed=1), finding)
    response, _ = put_photo(photo_bytes(seed=2), finding, photo_id=photo_id)
    assert response.status_code == 409


def test_wrong_role_and_wrong_jurisdiction(world, finding, put_photo, client_for, inspection_payload):
    # The stall finding is routed to the school; nobody of the east committee may add photos to it.
    response, _ = put_photo(photo_bytes(), finding, user=world.users.east_rectifier)
    assert response.status_code == 404
    response, _ = put_photo(photo_bytes(), finding, user=world.users.west_manager)
    assert response.status_code == 404
    assert response.json()["detail"].startswith(f"Finding {finding} is not on the server, or not yours to see")
    # A volunteer in the area can see the finding but did not log it.
    response, _ = put_photo(photo_bytes(), finding, user=world.users.volunteer)
    assert response.status_code == 403
    # The plot's finding is routed to the east committee: its rectifier may add an after-photo, not a before-photo.
    plot = inspection_payload(hotspot=world.plot.pk)
    client_for(world.users.inspector).post("/api/inspections/", plot, format="json")
    plot_finding = plot["findings"][0]["id"]
    before, _ = put_photo(photo_bytes(lat=39.849, lon=116.2265), plot_finding, user=world.users.east_rectifier)
    assert before.status_code == 403
    after, _ = put_photo(
        photo_bytes(lat=39.849, lon=116.2265), plot_finding, user=world.users.east_rectifier, role="after"
    )
    assert after.status_code == 201 and after.json()["role"] == "after"


def test_unknown_finding_and_missing_file(world, put_photo, client_for):
    response, _ = put_photo(photo_bytes(), str(uuid.uuid4()))
    assert response.status_code == 404
    response = client_for(world.users.inspector).put(f"/api/photos/{uuid.uuid4()}/", {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_a_photo_of_the_inspection_itself_for_a_checklist_question(client_for, world, inspection_payload):
    body = inspection_payload()
    client_for(world.users.inspector).post("/api/inspections/", body, format="json")

    def put(user, **target):
        payload = {"file": as_upload(photo_bytes(seed=31)), "role": target.pop("role", "before"), **target}
        return client_for(user).put(f"/api/photos/{uuid.uuid4()}/", payload, format="multipart")

    stored = put(world.users.inspector, inspection=body["id"])
    assert stored.status_code == 201, stored.content
    assert (stored.json()["inspection"], stored.json()["finding"]) == (body["id"], None)
    assert client_for(world.users.manager).get(stored.json()["urls"]["thumbnail"]).status_code == 200
    assert put(world.users.inspector, inspection=body["id"], role="after").status_code == 403
    assert put(world.users.volunteer, inspection=body["id"]).status_code == 403
    assert put(world.users.west_manager, inspection=body["id"]).status_code == 404
    missing = put(world.users.inspector)
    assert missing.status_code == 400 and "finding" in missing.json()
    mismatch = put(world.users.inspector, inspection=str(uuid.uuid4()), finding=body["findings"][0]["id"])
    assert mismatch.status_code == 400 and "inspection" in mismatch.json()


@pytest.mark.django_db(transaction=True)
def test_the_same_photo_sent_on_several_connections_at_once_is_stored_once(
    client_for, world, inspection_payload, settings, tmp_path
):
    """A retry overtaking its cut first request: 201 once and the idempotent 200 otherwise, never 400 "… with this Id
    already exists"; one photo, one file."""
    from inspections.evidence.problem_types import ensure_default_problem_types
    from tests.databases import at_once, file_database

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_default_problem_types()
    body = inspection_payload()
    assert client_for(world.users.inspector).post("/api/inspections/", body, format="json").status_code == 201
    finding_id, photo_id, data = body["findings"][0]["id"], uuid.uuid4(), photo_bytes(seed=21)
    clients = [client_for(world.users.inspector) for _ in range(4)]

    def send(client):
        payload = {"file": as_upload(data), "finding": finding_id, "role": "before"}
        return lambda: client.put(f"/api/photos/{photo_id}/", payload, format="multipart")

    with file_database():
        responses, errors = at_once([send(client) for client in clients])
        assert errors == []
        assert sorted(r.status_code for r in responses) == [200, 200, 200, 201], [r.content for r in responses]
        assert Photo.objects.count() == 1 and PhotoFile.objects.count() == 1
