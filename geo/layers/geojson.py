"""A layer as a GeoJSON FeatureCollection that the database writes and the server streams.

The layer's feature rows (its scoped, filtered queryset, narrowed to a bbox, ordered by primary key and cut at
``limit + 1``) are compiled to SQL and wrapped in one statement that makes each feature's JSON text in the database:
PostGIS with ``json_build_object`` and ``ST_AsGeoJSON`` (``geojson_in_db``), the portable baseline (SpatiaLite) with
SQLite's ``json_object`` and ``AsGeoJSON``. Python never builds a feature: it reads the texts in chunks from a
server-side cursor and joins them into the collection, so memory stays flat however many features go out.

Both paths give the same JSON for the same rows: the id as a string, datetimes as ISO 8601 in UTC with an offset
(``2026-05-01T08:30:00.5+00:00``: no trailing zeros in the fraction, as PostgreSQL writes them), UUIDs in their
hyphenated form, booleans as booleans, numbers as numbers, a missing value as null.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Polygon
from django.core.exceptions import EmptyResultSet
from django.db import connections, models, transaction
from django.db.models import F, QuerySet

from geo.backends import features
from geo.layers.registry import PROPERTY_PREFIX, Layer

PRECISION = 7  # decimal places of a coordinate: about 1 cm
CHUNK_ROWS = 2000  # features fetched from the cursor and sent at a time
ID = "f_id"
GEOMETRY = "f_geometry"
ROW = "f"  # the alias of the feature rows in the wrapping statement


@dataclass(frozen=True)
class FeatureQuery:
    """One statement whose rows are a feature's JSON text each, at most ``limit + 1`` of them; no statement (``""``)
    when the rows are known to be none."""

    sql: str
    params: tuple
    limit: int
    using: str
    prelude: str = ""  # run first, in the statement's transaction


def feature_query(layer: Layer, rows: QuerySet, *, limit: int, bbox: Polygon | None = None) -> FeatureQuery:
    """The statement for ``rows`` (the caller's, already filtered) of ``layer`` inside ``bbox``."""
    if bbox is not None:
        rows = rows.filter(**{f"{layer.geometry}__intersects": bbox})
    columns = layer.columns()
    values = rows.values(**{ID: F("pk"), GEOMETRY: AsGeoJSON(layer.geometry, precision=PRECISION), **columns})
    values = values.order_by("pk")[: limit + 1]
    connection = connections[values.db]
    try:
        inner, params = values.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (an id naming nothing, ``none()``)
        return FeatureQuery("", (), limit, values.db)
    dialect = POSTGIS if features(connection).geojson_in_db else JSON1
    quote = connection.ops.quote_name
    fields = {alias: value_field(values.query.annotations[alias]) for alias in columns}
    properties = [
        (alias.removeprefix(PROPERTY_PREFIX), dialect.value(f"{ROW}.{quote(alias)}", field))
        for alias, field in fields.items()
    ]
    feature = dialect.feature(
        dialect.identifier(f"{ROW}.{quote(ID)}", rows.model._meta.pk),
        dialect.geometry(f"{ROW}.{quote(GEOMETRY)}"),
        properties,
    )
    return FeatureQuery(f"SELECT {feature} FROM ({inner}) {ROW}", tuple(params), limit, values.db, dialect.prelude)


def stream_collection(query: FeatureQuery, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The FeatureCollection's bytes, chunk by chunk, ending with ``numberReturned`` and ``truncated``; ``progress``
    is told the features sent so far after each chunk."""
    returned = 0
    truncated = False
    if not query.sql:
        yield b'{"type":"FeatureCollection","features":[],"numberReturned":0,"truncated":false}'
        return
    yield b'{"type":"FeatureCollection","features":['
    # The statement holds at most limit + 1 rows: every one is read (none is left for the database to cancel),
    # the one past the limit only tells that the collection is truncated.
    for rows in _row_chunks(query):
        if returned + len(rows) > query.limit:
            rows = rows[: query.limit - returned]
            truncated = True
        if rows:
            separator = b"," if returned else b""
            yield separator + ",".join(row[0] for row in rows).encode()
            returned += len(rows)
            if progress:
                progress(returned)
    yield b'],"numberReturned":%d,"truncated":%s}' % (returned, b"true" if truncated else b"false")


def _row_chunks(query: FeatureQuery) -> Iterator[list[tuple]]:
    """The statement's rows, CHUNK_ROWS at a time, read as the database sends them (memory stays flat)."""
    connection = connections[query.using]
    with transaction.atomic(using=query.using):
        if features(connection).stream_rows:
            with connection.cursor() as cursor:
                if query.prelude:
                    cursor.execute(query.prelude)
                chunk = []
                # Past Django's cursor wrapper (its query log and execute hooks do not see this statement); its
                # errors still become Django's.
                with connection.wrap_database_errors:
                    for row in cursor.cursor.stream(query.sql, query.params, size=_stream_size()):
                        chunk.append(row)
                        if len(chunk) == CHUNK_ROWS:
                            yield chunk
                            chunk = []
                if chunk:
                    yield chunk
            return
        # Elsewhere a server-side cursor, inside a transaction so that it is read as the rows are sent (outside one
        # PostgreSQL would hold it: materialised whole before the first row).
        with connection.chunked_cursor() as cursor:
            if query.prelude:
                with connection.cursor() as setup:
                    setup.execute(query.prelude)
            cursor.execute(query.sql, query.params)
            while rows := cursor.fetchmany(CHUNK_ROWS):
                yield rows


def _stream_size() -> int:
    """Rows per message from the server: libpq 17 and later send them in chunks, older ones one by one."""
    from psycopg import pq

    return CHUNK_ROWS if pq.version() >= 170000 else 1


def value_field(expression) -> models.Field:
    """The model field whose database type a selected value has (a foreign key: the field it points to)."""
    field = expression.output_field
    while field.is_relation and getattr(field, "target_field", None) is not None:
        field = field.target_field
    return field


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Dialect:
    """How one database writes a feature: its JSON object builder and how each type of value becomes JSON."""

    json_object: str
    feature_cast: str
    identifier: Callable[[str, models.Field], str]
    geometry: Callable[[str], str]
    value: Callable[[str, models.Field], str]
    prelude: str = ""

    def object(self, members: list[tuple[str, str]]) -> str:
        return f"{self.json_object}({', '.join(f'{_literal(name)}, {sql}' for name, sql in members)})"

    def feature(self, identifier: str, geometry: str, properties: list[tuple[str, str]]) -> str:
        members = [
            ("type", _literal("Feature")),
            ("id", identifier),
            ("geometry", geometry),
            ("properties", self.object(properties)),
        ]
        return self.object(members) + self.feature_cast


# PostgreSQL writes its own types as JSON already (timestamptz as ISO 8601 in the session's time zone, UTC under
# Django; uuid hyphenated; boolean; numbers).
POSTGIS = Dialect(
    json_object="json_build_object",
    feature_cast="::text",
    identifier=lambda column, field: f"{column}::text",
    geometry=lambda column: f"{column}::json",
    value=lambda column, field: column,
    # The scope's joins inflate the planner's cost estimate past jit_above_cost, and compiling the statement then
    # takes seconds (6 of 10.5 s for 90k findings) for a scan that writes text row by row: JIT is no gain here.
    prelude="SET LOCAL jit = off",
)


def _sqlite_uuid(column: str) -> str:
    """Django keeps a UUID in SQLite as 32 hex digits; written with hyphens as PostgreSQL does (NULL stays NULL)."""
    parts = [(1, 8), (9, 4), (13, 4), (17, 4), (21, 12)]
    return "lower(" + " || '-' || ".join(f"substr({column}, {start}, {length})" for start, length in parts) + ")"


def _sqlite_value(column: str, field: models.Field) -> str:
    if isinstance(field, models.DateTimeField):
        # Django keeps an aware datetime in SQLite as UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]".
        trimmed = f"CASE WHEN instr({column}, '.') > 0 THEN rtrim(rtrim({column}, '0'), '.') ELSE {column} END"
        return f"replace({trimmed}, ' ', 'T') || '+00:00'"
    if isinstance(field, models.BooleanField):
        return f"json(CASE WHEN {column} IS NULL THEN 'null' WHEN {column} THEN 'true' ELSE 'false' END)"
    if isinstance(field, models.UUIDField):
        return _sqlite_uuid(column)
    return column


def _sqlite_identifier(column: str, field: models.Field) -> str:
    return _sqlite_uuid(column) if isinstance(field, models.UUIDField) else f"CAST({column} AS TEXT)"


JSON1 = Dialect(
    json_object="json_object",
    feature_cast="",
    identifier=_sqlite_identifier,
    geometry=lambda column: f"json({column})",
    value=_sqlite_value,
)
