"""An export with photos: the layer's file, each photo of the exported features that the requester may see, and a
manifest (UTF-8 with a BOM) whose every line matches the database and the bytes in the zip."""

import csv
import hashlib
import io
import zipfile

import pytest
from django.test import TestCase
from django.utils import timezone

from inspections.models import Photo

pytestmark = pytest.mark.django_db


def exported(client_for, user, layer="tasks", **body) -> zipfile.ZipFile:
    client = client_for(user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = client.post(f"/api/layers/{layer}/exports/", {"with_photos": True, **body}, format="json")
    assert answer.status_code == 202, answer.content
    job = client.get(answer.json()["url"]).json()
    assert job["status"] == "ready", job
    assert job["photos_total"] == job["photos_written"]
    response = client.get(job["download_url"])
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def manifest(archive: zipfile.ZipFile) -> list[dict]:
    raw = archive.read("manifest.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_zip_holds_the_layer_the_photos_and_a_true_manifest(client_for, evidence):
    archive = exported(client_for, evidence.world.users.admin, format="gpkg")
    rows = manifest(archive)
    photos = Photo.objects.filter(finding__task__in=[evidence.west, evidence.east]).select_related("file")
    assert len(rows) == photos.count() == 4
    assert archive.namelist()[0] == "tasks.gpkg" and archive.namelist()[-1] == "manifest.csv"
    by_id = {str(photo.pk): photo for photo in photos}
    for row in rows:
        photo = by_id[row["photo_id"]]
        content = archive.read(row["path"])
        assert row["path"] == f"photos/{row['feature_id']}/{photo.role}-{photo.pk}.jpg"
        assert row["feature_id"] == str(photo.finding.task.pk) and row["role"] == photo.role
        assert row["sha256"] == photo.file.sha256 == hashlib.sha256(content).hexdigest()
        assert int(row["size"]) == photo.file.size == len(content)
        assert archive.getinfo(row["path"]).compress_type == zipfile.ZIP_STORED
        point = photo.file.exif_point or photo.device_position
        assert (float(row["longitude"]), float(row["latitude"])) == pytest.approx((point.x, point.y), abs=1e-7)
        taken = photo.file.exif_taken_at
        assert taken is not None and row["taken_at"] == timezone.localtime(taken).isoformat(timespec="seconds")
    assert {row["role"] for row in rows if row["feature_id"] == str(evidence.west.pk)} == {"before", "after"}


def test_findings_photos_are_keyed_by_finding(client_for, evidence):
    rows = manifest(exported(client_for, evidence.world.users.manager, "findings", format="csv"))
    assert {row["feature_id"] for row in rows} == {str(evidence.west.finding_id), str(evidence.east.finding_id)}


def test_the_filters_and_bbox_narrow_the_photos(client_for, evidence):
    west_only = "116.20,39.84,116.22,39.86"
    rows = manifest(exported(client_for, evidence.world.users.admin, format="csv", bbox=west_only))
    assert {row["feature_id"] for row in rows} == {str(evidence.west.pk)}


@pytest.mark.parametrize(
    ("who", "sees"),
    [("rectifier", {"west"}), ("east_rectifier", {"east"}), ("west_manager", {"west"}), ("manager", {"west", "east"})],
)
def test_a_person_gets_the_photos_they_may_see(client_for, evidence, who, sees):
    """A unit's member: their unit's tasks' photos; a community's manager: their community's."""
    user = getattr(evidence.world.users, who)
    for layer in ("tasks", "findings"):
        rows = manifest(exported(client_for, user, layer, format="geojson"))
        tasks = {name: getattr(evidence, name) for name in sees}
        wanted = {str(task.pk if layer == "tasks" else task.finding_id) for task in tasks.values()}
        assert {row["feature_id"] for row in rows} == wanted
        assert len(rows) == Photo.objects.filter(finding__task__in=tasks.values()).count()
