"""A layer's FeatureCollection as the database writes it: the same JSON on PostGIS and SpatiaLite (asserted against
literals, so both databases must give exactly these values), typed values, the limit, and a streamed answer."""

import datetime as dt
import json

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection

from geo.backends import features
from geo.layers import geojson, get_layer
from geo.layers.geojson import JSON1, POSTGIS, feature_query, stream_collection
from geo.models import Hotspot
from inspections.models import Finding, Task
from inspections.selectors import tasks_for_user

pytestmark = pytest.mark.django_db


def collection(layer_name, user, params=None, *, limit=100, bbox=None):
    layer = get_layer(layer_name)
    query = feature_query(layer, layer.queryset(user, params or {}), limit=limit, bbox=bbox)
    return json.loads(b"".join(stream_collection(query)))


def by_id(body):
    return {feature["id"]: feature for feature in body["features"]}


def test_the_database_path_follows_the_declared_feature(mapped):
    query = feature_query(get_layer("tasks"), tasks_for_user(mapped.world.users.manager), limit=10)
    dialect = POSTGIS if features(connection).geojson_in_db else JSON1
    assert query.sql.startswith(f"SELECT {dialect.json_object}(")
    assert query.limit == 10


def test_hotspots_as_literal_features_points_and_polygons(world):
    body = collection("hotspots", world.users.admin)
    assert body["type"] == "FeatureCollection"
    assert body["numberReturned"] == 2 and body["truncated"] is False
    features_ = by_id(body)
    stall = features_[str(world.stall.pk)]
    assert stall == {
        "type": "Feature",
        "id": str(world.stall.pk),
        "geometry": {"type": "Point", "coordinates": [116.23, 39.845]},
        "properties": {
            "name": "东街摊点",
            "category": world.stall.category.code,
            "color": world.stall.category.color,
            "risk_level": world.stall.risk_level,
            "jurisdiction": world.east.pk,
            "open_tasks": 0,
            "overdue_tasks": 0,
            "state": "clear",
            "last_inspected": None,
        },
    }
    plot = features_[str(world.plot.pk)]
    assert plot["geometry"] == {
        "type": "Polygon",
        "coordinates": [[[116.225, 39.848], [116.228, 39.848], [116.228, 39.85], [116.225, 39.85], [116.225, 39.848]]],
    }


def test_coordinates_keep_seven_decimals(world):
    Hotspot.objects.filter(pk=world.stall.pk).update(
        geometry=GEOSGeometry("SRID=4326;POINT(116.2301234567 39.8451234567)")
    )
    feature = by_id(collection("hotspots", world.users.admin))[str(world.stall.pk)]
    assert feature["geometry"]["coordinates"] == [116.2301235, 39.8451235]


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        (dt.datetime(2026, 5, 1, 8, 30, 0, 123400, tzinfo=dt.UTC), "2026-05-01T08:30:00.1234+00:00"),
        (dt.datetime(2026, 5, 1, 8, 30, 5, tzinfo=dt.UTC), "2026-05-01T08:30:05+00:00"),
        (
            dt.datetime(2026, 5, 1, 16, 0, 0, 500000, tzinfo=dt.timezone(dt.timedelta(hours=8))),
            "2026-05-01T08:00:00.5+00:00",
        ),
    ],
)
def test_datetimes_are_iso_8601_in_utc_with_an_offset_on_both_databases(mapped, stored, written):
    task = mapped.west_major
    Task.objects.filter(pk=task.pk).update(registered_at=stored, due_at=None)
    properties = by_id(collection("tasks", mapped.world.users.manager))[str(task.pk)]["properties"]
    assert properties["registered_at"] == written
    assert properties["due_at"] is None
    assert dt.datetime.fromisoformat(properties["registered_at"]) == stored


def test_values_keep_their_json_types(mapped):
    manager = mapped.world.users.manager
    tasks = by_id(collection("tasks", manager))
    overdue = tasks[str(mapped.east_overdue.pk)]["properties"]
    assert overdue["state"] == "overdue" and overdue["status"] == "dispatched"
    assert overdue["unit"] == mapped.east_overdue.unit_id and isinstance(overdue["unit"], int)
    assert overdue["hotspot"] is None
    findings = by_id(collection("findings", manager))
    voided = findings[str(mapped.west_minor.finding_id)]["properties"]
    assert voided["open"] is False and voided["task"] == str(mapped.west_minor.pk) and voided["state"] == "void"
    severe = findings[str(mapped.east_severe.finding_id)]["properties"]
    assert severe["open"] is True and severe["severity"] == "severe"


def test_ids_are_the_primary_keys_as_strings_in_id_order(mapped):
    body = collection("tasks", mapped.world.users.manager)
    ids = [feature["id"] for feature in body["features"]]
    assert ids == sorted(str(pk) for pk in Task.objects.values_list("pk", flat=True))
    assert sorted(by_id(collection("findings", mapped.world.users.manager))) == sorted(
        str(pk) for pk in Finding.objects.values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    ("limit", "returned", "truncated"), [(1, 1, True), (3, 3, True), (4, 4, False), (50, 4, False)]
)
def test_limit_cuts_the_collection_and_says_so(mapped, limit, returned, truncated):
    body = collection("tasks", mapped.world.users.manager, limit=limit)
    assert len(body["features"]) == body["numberReturned"] == returned
    assert body["truncated"] is truncated


def test_the_collection_is_streamed_in_chunks_of_rows(mapped, monkeypatch):
    monkeypatch.setattr(geojson, "CHUNK_ROWS", 1)
    layer = get_layer("tasks")
    chunks = list(stream_collection(feature_query(layer, tasks_for_user(mapped.world.users.manager), limit=3)))
    assert len(chunks) == 1 + 3 + 1  # opening, one chunk per row fetched, closing
    body = json.loads(b"".join(chunks))
    assert body["numberReturned"] == 3 and body["truncated"] is True


def test_an_empty_collection_is_valid(world):
    body = collection("tasks", world.users.manager)
    assert body == {"type": "FeatureCollection", "features": [], "numberReturned": 0, "truncated": False}


def test_rows_known_to_be_none_give_an_empty_collection_without_a_statement(mapped):
    layer = get_layer("tasks")
    query = feature_query(layer, layer.queryset(mapped.world.users.manager, {"community": str(2**63 - 2)}), limit=5)
    assert query.sql == ""
    body = json.loads(b"".join(stream_collection(query)))
    assert body == {"type": "FeatureCollection", "features": [], "numberReturned": 0, "truncated": False}
