"""POST /api/layers/<layer>/exports/ and /api/exports/…: the job's lifecycle and progress, its failure, its file,
and the 4xx answers (nothing stored for bad input; someone else's export is a 404)."""

import datetime as dt
import json
import zipfile
from io import BytesIO
from pathlib import Path

import pyogrio
import pytest
from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geo.exports.transitions import ExportMoveRefused, export_move
from geo.layers.export import writers
from geo.models import ExportStatus, LayerExport
from tests.api_errors import field_errors

pytestmark = pytest.mark.django_db


class Asked:
    """A 202's job as it is once the background task ran (the request's transaction committed)."""

    def __init__(self, response, client):
        self.response, self.status_code, self.content = response, response.status_code, response.content
        self.client = client

    def json(self) -> dict:
        body = self.response.json()
        if self.status_code != 202:
            return body
        assert body["status"] == "queued", body
        return self.client.get(body["url"]).json()


def ask(client, layer="tasks", **body) -> Asked:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/api/layers/{layer}/exports/", body, format="json")
    return Asked(response, client)


def download(client, job: dict) -> bytes:
    response = client.get(job["download_url"])
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def stored_exports() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "exports"
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def test_an_export_runs_to_ready_and_downloads(client_for, mapped, tmp_path):
    client = client_for(mapped.world.users.manager)
    answer = ask(client, format="gpkg", filters={"community": [str(mapped.world.east.pk)], "status": ["overdue"]})
    assert answer.status_code == 202, answer.content
    job = answer.json()
    assert job["status"] == "ready" and job["progress"] == 100  # eager Celery: written before the answer
    assert job["rows_total"] == job["rows_written"] == 1
    assert job["filters"] == {"community": [str(mapped.world.east.pk)], "status": ["overdue"]}
    assert job["url"] == f"/api/exports/{job['id']}/" and job["download_url"] == f"/api/exports/{job['id']}/file"
    assert client.get(job["url"]).json()["status"] == "ready"
    path = tmp_path / "t.gpkg"
    path.write_bytes(download(client, job))
    assert list(pyogrio.read_dataframe(path)["id"]) == [str(mapped.east_overdue.pk)]
    stored = LayerExport.objects.get(pk=job["id"])
    assert stored.started_at <= stored.finished_at and stored.size == path.stat().st_size
    assert stored.expires_at == stored.finished_at + dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    assert stored.file.name.startswith("exports/")


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "geojson", "kml", "csv", "xlsx"])
def test_every_format(client_for, mapped, fmt):
    client = client_for(mapped.world.users.admin)
    job = ask(client, format=fmt, bbox="116.20,39.84,116.22,39.86").json()
    assert job["status"] == "ready", job
    assert job["rows_total"] == job["rows_written"] == 2  # the west community's two
    assert len(download(client, job)) > 100


def test_progress_is_written_once_a_chunk(client_for, mapped):
    with CaptureQueriesContext(connection) as queries:
        job = ask(client_for(mapped.world.users.admin), format="csv").json()
    progress = [q["sql"] for q in queries if "rows_written" in q["sql"] and q["sql"].startswith("UPDATE")]
    assert job["rows_written"] == 4 and len(progress) == 1


def test_a_writer_that_fails_leaves_a_failed_job_and_no_file(client_for, mapped, monkeypatch):
    def broken(layer, rows, path, progress=None):
        path.write_bytes(b"half a file")
        raise OSError("No space left on device")

    monkeypatch.setitem(writers.FILE_WRITERS, "kml", broken)
    client = client_for(mapped.world.users.manager)
    job = ask(client, format="kml").json()
    assert job["status"] == "failed" and "No space left on device" in job["error"]
    assert job["download_url"] is None and job["finished_at"]
    assert not LayerExport.objects.get(pk=job["id"]).file and stored_exports() == []
    refused = client.get(f"/api/exports/{job['id']}/file")
    assert refused.status_code == 409 and refused.json()["code"] == "not_ready"


def test_a_queued_export_is_not_ready(client_for, world):
    job = LayerExport.objects.create(user=world.users.manager, layer="tasks", format="csv")
    client = client_for(world.users.manager)
    assert client.get(f"/api/exports/{job.pk}/").json()["progress"] == 0
    answer = client.get(f"/api/exports/{job.pk}/file")
    assert answer.status_code == 409 and answer.json()["code"] == "not_ready"


def test_the_moves_follow_the_table(world):
    job = LayerExport.objects.create(user=world.users.manager, layer="tasks", format="csv")
    with pytest.raises(ExportMoveRefused):
        export_move(job.pk, ExportStatus.READY)
    assert export_move(job.pk, ExportStatus.RUNNING).status == ExportStatus.RUNNING
    assert export_move(job.pk, ExportStatus.RUNNING).status == ExportStatus.RUNNING  # the same state: a no-op
    with pytest.raises(ExportMoveRefused):
        export_move(job.pk, ExportStatus.RUNNING, only_from=ExportStatus.QUEUED)  # a second worker's claim


@pytest.mark.parametrize(
    ("layer", "body", "fields"),
    [
        ("tasks", {"format": "dwg"}, {"format"}),
        ("tasks", {"filters": {"status": ["lost"], "community": ["x"]}}, {"status", "community"}),
        ("tasks", {"filters": {"status": "open"}}, {"filters"}),
        ("tasks", {"with_photos": 1}, {"with_photos"}),
        ("tasks", {"filters": {"colour": ["red"]}}, {"filters"}),
        ("tasks", {"bbox": "116,39"}, {"bbox"}),
        ("hotspots", {"with_photos": True}, {"with_photos"}),
        ("jurisdictions", {"with_photos": True, "format": "csv"}, {"with_photos"}),
        ("findings", {"filters": "status=open"}, {"filters"}),
    ],
)
def test_bad_input_is_a_400_and_stores_nothing(client_for, world, layer, body, fields):
    answer = ask(client_for(world.users.manager), layer, **body)
    assert answer.status_code == 400, answer.content
    assert set(field_errors(answer.json())) == fields
    assert not LayerExport.objects.exists()


def test_a_layer_the_role_may_not_open(client_for, world, api_client):
    assert ask(client_for(world.users.volunteer), "tasks").status_code == 403
    assert ask(client_for(world.users.manager), "nothing").status_code == 404
    assert ask(api_client, "tasks").status_code == 401
    assert not LayerExport.objects.exists()


def test_only_the_requester_sees_and_downloads(client_for, mapped):
    users = mapped.world.users
    job = ask(client_for(users.west_manager), format="csv").json()
    for other in (users.admin, users.manager, users.rectifier):
        client = client_for(other)
        assert client.get(f"/api/exports/{job['id']}/").status_code == 404
        assert client.get(f"/api/exports/{job['id']}/file").status_code == 404
        assert client.get("/api/exports/").json()["results"] == []
    mine = client_for(users.west_manager).get("/api/exports/").json()
    assert [row["id"] for row in mine["results"]] == [job["id"]]


def test_the_list_orders_and_filters(client_for, mapped):
    client = client_for(mapped.world.users.manager)
    first = ask(client, format="csv").json()
    second = ask(client, "hotspots", format="geojson").json()
    newest = client.get("/api/exports/").json()["results"]
    assert [row["id"] for row in newest] == [second["id"], first["id"]]
    by_layer = client.get("/api/exports/?ordering=-layer").json()["results"]
    assert [row["layer"] for row in by_layer] == ["tasks", "hotspots"]
    assert [row["id"] for row in client.get("/api/exports/?layer=hotspots").json()["results"]] == [second["id"]]
    assert set(field_errors(client.get("/api/exports/?ordering=size").json())) == {"ordering"}


def test_an_expired_export_loses_its_file(client_for, mapped):
    client = client_for(mapped.world.users.manager)
    job = ask(client, format="geojson").json()
    assert json.loads(download(client, job))["type"] == "FeatureCollection"
    assert len(stored_exports()) == 1
    LayerExport.objects.filter(pk=job["id"]).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    gone = client.get(f"/api/exports/{job['id']}/file")
    assert gone.status_code == 410 and gone.json()["code"] == "expired"
    assert stored_exports() == []
    assert client.get(job["url"]).json()["status"] == "expired"


def test_the_expiry_job_removes_every_export_past_its_time(client_for, mapped):
    from django.core.management import call_command

    client = client_for(mapped.world.users.manager)
    old, kept = ask(client, format="csv").json(), ask(client, format="csv").json()
    LayerExport.objects.filter(pk=old["id"]).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    out = BytesIO()
    call_command("expire_exports", stdout=type("W", (), {"write": lambda self, s: out.write(s.encode())})())
    assert out.getvalue().startswith(b"expired 1")
    assert LayerExport.objects.get(pk=old["id"]).status == ExportStatus.EXPIRED
    assert LayerExport.objects.get(pk=kept["id"]).status == ExportStatus.READY
    assert len(stored_exports()) == 1


def test_a_zip_answers_as_a_zip(client_for, mapped):
    client = client_for(mapped.world.users.manager)
    job = ask(client, "findings", format="csv", with_photos=True).json()
    response = client.get(job["download_url"])
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('.zip"')
    assert zipfile.ZipFile(BytesIO(b"".join(response.streaming_content))).testzip() is None
