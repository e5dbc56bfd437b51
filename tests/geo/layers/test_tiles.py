"""A layer as a Mapbox Vector Tile: decoded with mapbox-vector-tile, the features and properties are the GeoJSON's,
at the right place, on PostGIS (ST_AsMVT) and SpatiaLite (the portable path) alike; the tile's bounds and z/x/y."""

import json
import math

import mapbox_vector_tile
import pytest
from django.db import connection
from django.http import QueryDict

from geo.backends import features
from geo.layers import LayerFilterError, get_layer
from geo.layers.geojson import feature_query, stream_collection
from geo.layers.tiles import EXTENT, Tile, parse_tile, postgis_statement, property_value, render_tile

pytestmark = pytest.mark.django_db


def tile_of(lon: float, lat: float, z: int) -> Tile:
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return Tile(z, x, y)


def decode(body: bytes) -> dict:
    return mapbox_vector_tile.decode(body)


def tile_features(layer_name, user, tile, params=None) -> list[dict]:
    layer = get_layer(layer_name)
    body = render_tile(layer, layer.queryset(user, QueryDict(params or "")), tile)
    if not body:
        return []
    decoded = decode(body)
    assert list(decoded) == [layer_name]
    assert decoded[layer_name]["extent"] == EXTENT
    return decoded[layer_name]["features"]


def geojson_features(layer_name, user, params=None) -> dict:
    layer = get_layer(layer_name)
    query = feature_query(layer, layer.queryset(user, params or {}), limit=1000)
    return {f["id"]: f for f in json.loads(b"".join(stream_collection(query)))["features"]}


def lonlat(tile: Tile, x: float, y: float) -> tuple[float, float]:
    """Tile coordinates (y up, as mapbox-vector-tile decodes them) back to degrees."""
    min_x, min_y, max_x, max_y = tile.mercator_bounds()
    mx = min_x + x / EXTENT * (max_x - min_x)
    my = min_y + y / EXTENT * (max_y - min_y)
    return math.degrees(mx / 6378137.0), math.degrees(math.atan(math.sinh(my / 6378137.0)))


WEST_MAJOR = (116.21, 39.845)  # make_task's default place


def test_the_database_path_follows_the_declared_feature(mapped):
    layer = get_layer("tasks")
    statement = postgis_statement(layer, layer.rows(mapped.world.users.manager), tile_of(*WEST_MAJOR, 12))
    assert statement is not None and "ST_AsMVT(mvt, 'tasks', 4096, 'mvt_geom')" in statement[0]
    assert features(connection).mvt == (connection.vendor == "postgresql")


def test_a_tile_holds_the_tasks_with_the_geojson_properties_at_their_place(mapped):
    manager = mapped.world.users.manager
    tile = tile_of(*WEST_MAJOR, 12)
    found = tile_features("tasks", manager, tile)
    expected = geojson_features("tasks", manager)
    assert len(found) == len(expected) == 4
    for feature in found:
        properties = dict(feature["properties"])
        task_id = properties.pop("id")
        geojson = expected[task_id]
        # A missing value (null in GeoJSON) is left out of a tile; everything else is the very same value.
        assert properties == {k: v for k, v in geojson["properties"].items() if v is not None}
        lon, lat = lonlat(tile, *feature["geometry"]["coordinates"])
        want_lon, want_lat = geojson["geometry"]["coordinates"]
        assert abs(lon - want_lon) < 1e-4 and abs(lat - want_lat) < 1e-4  # a tile coordinate at z12 is ~2.3 m
    overdue = next(f for f in found if f["properties"]["id"] == str(mapped.east_overdue.pk))
    assert overdue["properties"]["state"] == "overdue"
    assert overdue["properties"]["registered_at"].endswith("+00:00") and "T" in overdue["properties"]["registered_at"]


def test_integer_ids_are_feature_ids_and_polygons_are_clipped_to_the_buffer(world):
    tile = tile_of(116.2265, 39.849, 16)  # inside the east plot, a polygon larger than this tile
    found = {f["id"]: f for f in tile_features("hotspots", world.users.admin, tile)}
    assert world.plot.pk in found and "id" not in found[world.plot.pk]["properties"]
    plot = found[world.plot.pk]
    assert plot["geometry"]["type"] == "Polygon"
    xs = [x for ring in plot["geometry"]["coordinates"] for x, _y in ring]
    ys = [y for ring in plot["geometry"]["coordinates"] for _x, y in ring]
    assert min(xs) >= -64 - 1 and max(xs) <= EXTENT + 64 + 1 and min(ys) >= -64 - 1 and max(ys) <= EXTENT + 64 + 1
    assert found[world.plot.pk]["properties"]["name"] == world.plot.name


def test_a_tile_keeps_only_what_is_inside_it_and_its_filters(mapped):
    manager = mapped.world.users.manager
    east = tile_of(116.2315, 39.8465, 17)  # the two east tasks are 85 m apart: one tile each at z17
    ids = {f["properties"]["id"] for f in tile_features("tasks", manager, east)}
    assert ids == {str(mapped.east_severe.pk)}
    assert tile_features("tasks", manager, Tile(12, 0, 0)) == []
    tile = tile_of(*WEST_MAJOR, 12)
    assert [f["properties"]["id"] for f in tile_features("tasks", manager, tile, "status=overdue")] == [
        str(mapped.east_overdue.pk)
    ]
    assert tile_features("tasks", manager, tile, "phase=999999") == []


def test_a_tile_holds_at_most_the_feature_limit(mapped, settings):
    manager = mapped.world.users.manager
    tile = tile_of(*WEST_MAJOR, 12)
    everything = {f["properties"]["id"] for f in tile_features("tasks", manager, tile)}
    settings.LAYER_TILE_MAX_FEATURES = 3
    capped = {f["properties"]["id"] for f in tile_features("tasks", manager, tile)}
    assert len(everything) == 4 and len(capped) == 3 and capped < everything
    settings.LAYER_TILE_MAX_FEATURES = 0  # no limit
    assert {f["properties"]["id"] for f in tile_features("tasks", manager, tile)} == everything
    layer = get_layer("tasks")
    assert (
        len(decode(render_tile(layer, layer.queryset(manager, QueryDict("")), tile, limit=1))["tasks"]["features"]) == 1
    )


def test_the_caller_sees_only_their_scope(mapped):
    users = mapped.world.users
    tile = tile_of(*WEST_MAJOR, 12)
    assert {f["properties"]["id"] for f in tile_features("tasks", users.rectifier, tile)} == {str(mapped.west_major.pk)}
    assert {f["properties"]["id"] for f in tile_features("tasks", users.east_inspector, tile)} == {
        str(mapped.east_severe.pk),
        str(mapped.east_overdue.pk),
    }


@pytest.mark.parametrize(
    ("z", "x", "y", "fields"),
    [("25", "0", "0", {"z"}), ("-1", "0", "0", {"z"}), ("a", "0", "0", {"z"}), ("2", "4", "0", {"x"}),
     ("2", "0", "x", {"y"}), ("3", "8", "8", {"x", "y"}), ("1", "1.0", "0", {"x"})],
)  # fmt: skip
def test_bad_z_x_y_are_named(z, x, y, fields):
    with pytest.raises(LayerFilterError) as caught:
        parse_tile(z, x, y)
    assert set(caught.value.errors) == fields


def test_tile_bounds():
    assert parse_tile("0", "0", "0") == Tile(0, 0, 0)
    west, south, east, north = Tile(0, 0, 0).lonlat_bounds()
    assert (west, east) == (-180, 180) and round(north, 4) == 85.0511 and round(south, 4) == -85.0511
    west, south, east, north = Tile(1, 1, 0).lonlat_bounds()
    assert (round(west, 9), round(south, 9), east) == (0, 0, 180)


def test_property_values_are_written_as_the_geojson_writes_them():
    import datetime as dt
    import uuid

    assert property_value(dt.datetime(2026, 5, 1, 8, 30, 0, 500000, tzinfo=dt.UTC)) == "2026-05-01T08:30:00.5+00:00"
    assert property_value(dt.datetime(2026, 5, 1, 8, 30, tzinfo=dt.UTC)) == "2026-05-01T08:30:00+00:00"
    same = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert property_value(same) == "12345678-1234-5678-1234-567812345678"
