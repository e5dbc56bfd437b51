"""Each database declares its features once, and what it declares it can do."""

import dataclasses
import json
import uuid

import pytest
from django.db import DatabaseError, connection

from geo.backends import Features, database_busy, features

pytestmark = pytest.mark.django_db

FLAGS = [f.name for f in dataclasses.fields(Features) if f.type is bool]


def test_declared_once_per_database_and_frozen():
    declared = features(connection)
    assert features(connection) is declared
    with pytest.raises(dataclasses.FrozenInstanceError):
        declared.mvt = not declared.mvt


def test_postgis_declares_every_fast_path_and_spatialite_none():
    declared = features(connection)
    flags = {name: getattr(declared, name) for name in FLAGS}
    assert set(flags) >= {
        "unnest_insert",
        "server_side_binding",
        "geojson_in_db",
        "mvt",
        "shared_routing_index",
        "jurisdiction_lookup_in_db",
    }
    if connection.vendor == "postgresql":
        assert declared.name == "postgis" and all(flags.values())
    else:
        assert declared.name == connection.vendor and not any(flags.values())


def one(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.mark.skipif(not features(connection).geojson_in_db, reason="not declared here")
def test_geojson_in_db_builds_a_feature_collection():
    collection = one(
        "SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object("
        "'type', 'Feature', 'geometry', ST_AsGeoJSON(g)::json))) "
        "FROM (SELECT ST_GeomFromText('POINT(116.2 39.85)', 4326) AS g) AS rows"
    )
    collection = collection if isinstance(collection, dict) else json.loads(collection)
    assert collection["features"][0]["geometry"] == {"type": "Point", "coordinates": [116.2, 39.85]}


@pytest.mark.skipif(not features(connection).mvt, reason="not declared here")
def test_mvt_makes_a_vector_tile():
    tile = one(
        "SELECT ST_AsMVT(rows, 'layer') FROM (SELECT ST_AsMVTGeom(ST_Transform(ST_GeomFromText("
        "'POINT(116.2 39.85)', 4326), 3857), ST_TileEnvelope(10, 842, 387)) AS geom) AS rows"
    )
    assert isinstance(tile, bytes | memoryview)


@pytest.mark.skipif(not features(connection).unnest_insert, reason="not declared here")
def test_unnest_insert_binds_arrays_apart_from_the_statement():
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:  # psycopg's own cursor, which binds on the server
        cursor.execute("SELECT sum(x) FROM unnest(%b::integer[]) AS rows(x)", [[1, 2, 3]])
        assert cursor.fetchone()[0] == 6


@pytest.mark.skipif(not features(connection).shared_routing_index, reason="not declared here")
def test_shared_routing_index_digests_rows_in_one_query():
    digest = one("SELECT md5(string_agg(x::text, ',' ORDER BY x)) FROM (VALUES (2), (1)) AS rows(x)")
    assert digest == one("SELECT md5('1,2')")


@pytest.mark.skipif(not features(connection).jurisdiction_lookup_in_db, reason="not declared here")
def test_jurisdiction_lookup_in_db_compares_boxes():
    assert one("SELECT ST_GeomFromText('POINT(0 0)', 4326) && ST_MakeEnvelope(-1, -1, 1, 1, 4326)") is True


def test_other_database_errors_are_not_taken_for_a_busy_database():
    with pytest.raises(DatabaseError) as caught, connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM no_such_table_{uuid.uuid4().hex}")
    assert not database_busy(caught.value)
    assert not database_busy(ValueError("database is locked"))
