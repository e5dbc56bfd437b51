"""What a database can do: `features(connection)`, the one place that tells the backends apart; and
`database_busy(error)`, whether a database error means "busy with other writers, try again".

Code with a backend-specific fast path asks for the feature it needs, never for the vendor, the way
`django.contrib.gis` backends declare theirs; each fast path keeps a portable fallback that gives the same answers.
"""

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Features:
    """The fast paths a database offers. Every flag False is the portable baseline (SpatiaLite)."""

    name: str  # "postgis", "spatialite", …: for reports, never to branch on
    # One ``INSERT … SELECT … FROM unnest(array, …)`` per table instead of bulk_create's VALUES list.
    unnest_insert: bool = False
    # A cursor that sends parameters apart from the statement, in binary (psycopg 3's server-side binding).
    server_side_binding: bool = False
    # A whole GeoJSON FeatureCollection assembled by the database (ST_AsGeoJSON with json_agg).
    geojson_in_db: bool = False
    # Mapbox Vector Tiles made by the database (ST_AsMVT, ST_AsMVTGeom).
    mvt: bool = False
    # One routing index kept per process, checked against a digest of its rows in one query (md5, string_agg).
    shared_routing_index: bool = False
    # The jurisdictions that may cover a set of points found by bounding boxes alone (``&&``, the spatial index
    # answers it) instead of testing every boundary against the points.
    jurisdiction_lookup_in_db: bool = False
    # Spatial indexes survive a migration that copies a table into a new one (SpatiaLite's are left disabled then,
    # and `geo.spatial_index` rebuilds them).
    spatial_index_survives_rebuild: bool = False
    # What ends a subquery so that the planner computes its columns once per row instead of inlining their
    # expressions into every use above (PostgreSQL flattens subqueries unless OFFSET is given; SQLite needs a LIMIT).
    subquery_fence: str = "LIMIT -1 OFFSET 0"
    # Set for one transaction before a query of cheap arithmetic over many rows: PostgreSQL's JIT compiler would
    # spend longer compiling its expressions (about a second) than running them.
    no_jit: tuple[str, ...] = ()
    # Rows read as the statement sends them from an ordinary cursor (psycopg 3's ``Cursor.stream``), not a
    # server-side cursor: PostgreSQL plans a DECLAREd cursor for its first tenth of rows and never runs it with
    # parallel workers, which made a streamed 87k-feature GeoJSON four times slower than the same statement.
    stream_rows: bool = False
    # Set for one transaction before a statement that reads many rows and reduces them above the scan (the
    # aggregates' binning sits behind a subquery fence, so parallel workers can only scan and filter): passing rows
    # up from the workers is cheaper than PostgreSQL's default estimate, which kept a million-row scan with the
    # scope's hashed lookups in one process (4.3–4.5 s against 5.1–5.6 s for 1,000,000 findings); and the sort of
    # a map view's ~90k binned rows fits in memory instead of spilling to disk (about 15 % of the statement).
    bulk_read: tuple[str, ...] = ()


def features(connection) -> Features:
    """The features of the database behind this connection (a Django connection, e.g. ``connections[alias]``)."""
    return _features(connection.vendor)


@functools.cache
def _features(vendor: str) -> Features:
    if vendor == "postgresql":
        from django.db.backends.postgresql.psycopg_any import is_psycopg3

        return Features(
            name="postgis",
            unnest_insert=is_psycopg3,  # the statement binds its arrays with psycopg 3's %b
            server_side_binding=is_psycopg3,
            geojson_in_db=True,
            mvt=True,
            shared_routing_index=True,
            jurisdiction_lookup_in_db=True,
            spatial_index_survives_rebuild=True,
            subquery_fence="OFFSET 0",
            no_jit=("SET LOCAL jit = off",),
            stream_rows=is_psycopg3,
            bulk_read=("SET LOCAL parallel_tuple_cost = 0.01", "SET LOCAL work_mem = '32MB'"),
        )
    return Features(name=vendor)


# SQLite's primary result codes for a lock held by another connection beyond the busy timeout, and PostgreSQL's
# SQLSTATEs for a lock not obtained in time (lock_timeout, NOWAIT) and for a deadlock the server broke.
SQLITE_BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED
POSTGRESQL_BUSY_STATES = frozenset({"55P03", "40P01"})


def database_busy(error: BaseException) -> bool:
    """Whether `error` says the database could not give a lock in time because others were writing: the failed
    transaction was rolled back, and the same request may succeed a moment later."""
    from django.db import OperationalError

    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in SQLITE_BUSY_CODES  # extended codes (SQLITE_BUSY_SNAPSHOT, …) keep the primary one
    return (getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)) in POSTGRESQL_BUSY_STATES


__all__ = ["Features", "database_busy", "features"]
