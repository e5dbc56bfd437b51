"""GET /api/layers/<layer>/export: scoped and filtered like the GeoJSON, every format, and the 4xx answers."""

import json

import pyogrio
import pytest

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    assert response.status_code == 200, getattr(response, "content", b"")
    return b"".join(response.streaming_content)


def test_export_is_scoped_like_the_geojson(client_for, mapped):
    users = mapped.world.users
    for user in (users.manager, users.west_manager, users.rectifier):
        client = client_for(user)
        geojson = json.loads(body(client.get("/api/layers/tasks.geojson")))
        exported = json.loads(body(client.get("/api/layers/tasks/export?format=geojson")))
        assert sorted(f["id"] for f in exported["features"]) == sorted(f["id"] for f in geojson["features"])


def test_export_takes_the_map_filters(client_for, mapped, tmp_path):
    client = client_for(mapped.world.users.manager)
    response = client.get(f"/api/layers/tasks/export?format=gpkg&community={mapped.world.east.pk}&status=overdue")
    assert response["Content-Disposition"].startswith('attachment; filename="tasks-')
    path = tmp_path / "t.gpkg"
    path.write_bytes(body(response))
    assert list(pyogrio.read_dataframe(path)["id"]) == [str(mapped.east_overdue.pk)]


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "geojson", "kml", "csv", "xlsx"])
def test_every_format_answers(client_for, world, fmt):
    response = client_for(world.users.admin).get(f"/api/layers/hotspots/export?format={fmt}")
    assert len(body(response)) > 100


def test_errors(client_for, world):
    assert client_for(world.users.volunteer).get("/api/layers/tasks/export").status_code == 403
    client = client_for(world.users.manager)
    assert client.get("/api/layers/nothing/export").status_code == 404
    bad = client.get("/api/layers/tasks/export?format=dwg&status=lost")
    assert bad.status_code == 400 and set(bad.json()) >= {"format", "status"}


def test_anonymous_is_refused(api_client):
    assert api_client.get("/api/layers/tasks/export").status_code in (401, 403)
