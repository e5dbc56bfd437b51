"""A layer as a Mapbox Vector Tile (``/tiles/<layer>/<z>/<x>/<y>.pbf``): one MVT layer named like the registry
layer, the features of the caller's filtered rows inside the tile (and its buffer), each with the same properties
as the layer's GeoJSON features (datetimes as ISO 8601 strings in UTC, UUIDs hyphenated, a missing value left out)
and the row's primary key as the feature id when it is an integer (else as the property ``id``, a string).

Both paths select the same rows: the layer's feature columns compiled to SQL, narrowed in the database to the
tile's buffered bounds (through the geometry's spatial index).

- PostGIS (``features(connection).mvt``): one statement wraps them with ``ST_TileEnvelope``, ``ST_AsMVTGeom`` and
  ``ST_AsMVT``; the database returns the tile's bytes.
- The portable path (SpatiaLite): the rows come back with their geometry as WKB, are projected to the tile's
  coordinates through Web Mercator with shapely (vectorised), clipped to the buffer and encoded by the
  ``mapbox-vector-tile`` library.
"""

import datetime as dt
import decimal
import math
import uuid
from dataclasses import dataclass

import mapbox_vector_tile
import numpy as np
import shapely
from django.conf import settings
from django.contrib.gis.db.models.functions import AsWKB
from django.contrib.gis.geos import Polygon
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from geo.backends import features
from geo.layers.geojson import value_field
from geo.layers.registry import PROPERTY_PREFIX, Layer, LayerFilterError

MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
EXTENT = 4096  # tile coordinates per side
BUFFER = 64  # tile coordinates drawn beyond each edge, so that symbols at the edge are not cut
MAX_ZOOM = 24
EARTH_RADIUS = 6378137.0  # EPSG:3857's sphere
WORLD = math.pi * EARTH_RADIUS  # half the width of the Web Mercator square, metres
MAX_LATITUDE = math.degrees(math.atan(math.sinh(math.pi)))  # ≈ 85.0511: the square's edge
ID = "f_id"
GEOMETRY = "f_geometry"
ROW = "f"


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    def mercator_bounds(self, buffer: int = 0) -> tuple[float, float, float, float]:
        """(min x, min y, max x, max y) in EPSG:3857 metres, grown by ``buffer`` tile coordinates on each side."""
        size = 2 * WORLD / 2**self.z
        margin = size * buffer / EXTENT
        min_x = -WORLD + self.x * size
        max_y = WORLD - self.y * size
        return (min_x - margin, max_y - size - margin, min_x + size + margin, max_y + margin)

    def lonlat_bounds(self, buffer: int = 0) -> tuple[float, float, float, float]:
        """The same box in WGS84 degrees (Web Mercator maps a lon/lat box onto a box), cut at the square's edge."""
        min_x, min_y, max_x, max_y = self.mercator_bounds(buffer)

        def lon(x):
            return max(-180.0, min(180.0, math.degrees(x / EARTH_RADIUS)))

        def lat(y):
            return max(-MAX_LATITUDE, min(MAX_LATITUDE, math.degrees(math.atan(math.sinh(y / EARTH_RADIUS)))))

        return (lon(min_x), lat(min_y), lon(max_x), lat(max_y))


def parse_tile(z: str, x: str, y: str) -> Tile:
    """The tile the path names; LayerFilterError naming each of z, x, y that is out of range or not a number."""
    errors: dict[str, list[str]] = {}
    zoom = _whole(z)
    if zoom is None or not 0 <= zoom <= MAX_ZOOM:
        errors["z"] = [
            _("z must be a whole number from 0 to %(max)s, not “%(value)s”.") % {"max": MAX_ZOOM, "value": z}
        ]
    else:
        last = 2**zoom - 1
        for name, value in (("x", x), ("y", y)):
            number = _whole(value)
            if number is None or not 0 <= number <= last:
                errors[name] = [
                    _("%(name)s must be a whole number from 0 to %(max)s at zoom %(z)s, not “%(value)s”.")
                    % {"name": name, "max": last, "z": zoom, "value": value}
                ]
    if errors:
        raise LayerFilterError(errors)
    return Tile(zoom, int(x), int(y))


def _whole(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 10 else None


def render_tile(layer: Layer, rows: QuerySet, tile: Tile, *, limit: int | None = None) -> bytes:
    """The tile's bytes for ``rows`` (the caller's, already filtered) of ``layer``; empty when nothing is inside.
    At most ``limit`` features (default ``LAYER_TILE_MAX_FEATURES``; 0: no limit), any of those in the tile: past
    it the map should be read as hexagons (the aggregates), not as points."""
    limit = settings.LAYER_TILE_MAX_FEATURES if limit is None else limit
    west, south, east, north = tile.lonlat_bounds(BUFFER)
    box = Polygon.from_bbox((west, south, east, north))
    box.srid = 4326
    if features(connections[rows.db]).mvt:
        # The bounding boxes overlapping the tile's (the spatial index answers it alone): ST_AsMVTGeom clips each
        # geometry to the buffer and drops what falls outside, so the exact ST_Intersects test is work done twice.
        return _postgis_tile(layer, rows.filter(**{f"{layer.geometry}__bboverlaps": box}).order_by(), tile, limit)
    inside = rows.filter(**{f"{layer.geometry}__intersects": box}).order_by()
    return _portable_tile(layer, inside[:limit] if limit else inside, tile)


def _integer_pk(rows: QuerySet) -> bool:
    return isinstance(rows.model._meta.pk, models.IntegerField | models.AutoField)


# ---------------------------------------------------------------- PostGIS: ST_AsMVT


def _postgis_value(column: str, field: models.Field) -> str:
    """A property as ST_AsMVT should write it: the GeoJSON's text for dates and times, numbers as numbers."""
    if isinstance(field, models.DateTimeField | models.DateField):
        return f"to_json({column}) #>> '{{}}'"
    if isinstance(field, models.UUIDField):
        return f"{column}::text"
    if isinstance(field, models.DecimalField):
        return f"{column}::float8"
    return column


def postgis_statement(layer: Layer, rows: QuerySet, tile: Tile, limit: int = 0) -> tuple[str, tuple] | None:
    """The one statement making the tile (None when the rows are known to be none), of at most ``limit`` features
    (0: all). The limit sits beside ST_AsMVTGeom: below it, the planner would keep that subquery whole and compute
    the clipped geometry twice per row (for the test of NULL and for the tile)."""
    columns = layer.columns()
    values = rows.values(**{ID: F("pk"), GEOMETRY: F(layer.geometry), **columns})
    try:
        inner, params = values.query.sql_with_params()
    except EmptyResultSet:
        return None
    quote = connections[values.db].ops.quote_name
    selected = [
        f"{_postgis_value(f'{ROW}.{quote(alias)}', value_field(values.query.annotations[alias]))} AS "
        f"{quote(alias.removeprefix(PROPERTY_PREFIX))}"
        for alias in columns
    ]
    if _integer_pk(rows):
        selected.append(f"{ROW}.{quote(ID)} AS mvt_id")
        id_column = ", 'mvt_id'"
    else:
        selected.append(f"{ROW}.{quote(ID)}::text AS {quote('id')}")
        id_column = ""
    envelope = f"ST_TileEnvelope({tile.z}, {tile.x}, {tile.y})"
    geometry = f"ST_AsMVTGeom(ST_Transform({ROW}.{quote(GEOMETRY)}, 3857), {envelope}, {EXTENT}, {BUFFER}, true)"
    name = "'" + layer.name.replace("'", "''") + "'"
    sql = (
        f"SELECT ST_AsMVT(mvt, {name}, {EXTENT}, 'mvt_geom'{id_column}) FROM ("
        f"SELECT * FROM (SELECT {geometry} AS mvt_geom, {', '.join(selected)} FROM ({inner}) {ROW}"
        f"{f' LIMIT {int(limit)}' if limit else ''}) clipped "
        "WHERE mvt_geom IS NOT NULL) mvt"
    )
    return sql, tuple(params)


def _postgis_tile(layer: Layer, rows: QuerySet, tile: Tile, limit: int) -> bytes:
    statement = postgis_statement(layer, rows, tile, limit)
    if statement is None:
        return b""
    connection = connections[rows.db]
    with transaction.atomic(using=rows.db), connection.cursor() as cursor:
        for setting in features(connection).no_jit:
            cursor.execute(setting)
        cursor.execute(*statement)
        body = cursor.fetchone()[0]
    return bytes(body) if body is not None else b""


# ---------------------------------------------------------------- the portable path: mapbox-vector-tile


def property_value(value):
    """A property as the GeoJSON writes it (``geo.layers.geojson``); None for a missing value (left out)."""
    if isinstance(value, dt.datetime):
        text = value.astimezone(dt.UTC).replace(tzinfo=None).isoformat()
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text + "+00:00"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _to_tile(tile: Tile):
    """Degrees → this tile's coordinates (0 to EXTENT, y down), through Web Mercator: vectorised over a geometry's
    coordinates (shapely.transform)."""
    min_x, _min_y, max_x, max_y = tile.mercator_bounds()
    scale = EXTENT / (max_x - min_x)

    def project(coordinates: np.ndarray) -> np.ndarray:
        lon = np.radians(coordinates[:, 0])
        lat = np.radians(np.clip(coordinates[:, 1], -MAX_LATITUDE, MAX_LATITUDE))
        x = EARTH_RADIUS * lon
        y = EARTH_RADIUS * np.log(np.tan(np.pi / 4 + lat / 2))
        return np.column_stack(((x - min_x) * scale, (max_y - y) * scale))

    return project


def _portable_tile(layer: Layer, rows: QuerySet, tile: Tile) -> bytes:
    columns = layer.columns()
    values = rows.values(**{ID: F("pk"), GEOMETRY: AsWKB(layer.geometry), **columns})
    found = list(values.iterator(chunk_size=2000)) if not values.query.is_empty() else []
    if not found:
        return b""
    geometries = shapely.transform(shapely.from_wkb([bytes(row[GEOMETRY]) for row in found]), _to_tile(tile))
    clipped = shapely.clip_by_rect(geometries, -BUFFER, -BUFFER, EXTENT + BUFFER, EXTENT + BUFFER)
    points = shapely.get_type_id(geometries) == shapely.GeometryType.POINT
    geometries = np.where(points, geometries, clipped)  # a point in the buffered box needs no clipping
    integer_id = _integer_pk(rows)
    encoded = []
    for row, geometry in zip(found, geometries, strict=True):
        if geometry is None or geometry.is_empty:
            continue
        properties = {}
        for alias in columns:
            value = property_value(row[alias])
            if value is not None:
                properties[alias.removeprefix(PROPERTY_PREFIX)] = value
        feature = {"geometry": geometry, "properties": properties}
        if integer_id:
            feature["id"] = row[ID]
        else:
            properties["id"] = str(row[ID])
        encoded.append(feature)
    if not encoded:
        return b""
    return mapbox_vector_tile.encode(
        [{"name": layer.name, "features": encoded}],
        default_options={"extents": EXTENT, "y_coord_down": True},  # already in tile coordinates
    )
