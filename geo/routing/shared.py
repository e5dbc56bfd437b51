"""One whole routing index per process, kept while the rows it was built from are unchanged."""

import threading

from django.contrib.gis.geos import GEOSGeometry
from django.db import connections, router

from geo.backends import features
from geo.models import Hotspot, Unit
from geo.routing.index import RoutingIndex
from geo.routing.rules import hotspot_radius_m, routable_hotspots, routable_units

_shared_lock = threading.Lock()
_shared: tuple[tuple, RoutingIndex] | None = None
shared_routing_lock = threading.Lock()  # held around `route` on the shared index (prepared shapes are shared)

_HOTSPOT_COLUMNS = ["id", "geometry", "sponsoring_unit_id"]
_UNIT_COLUMNS = ["id", "service_area", "service_area_m2", "routing_priority"]


def _digest(qn, columns: list[str], table: str) -> str:
    """SQL for a digest of exactly the rows and columns a RoutingIndex reads (geometries by their EWKB)."""
    parts = [f"md5(ST_AsEWKB({qn(c)}))" if c in ("geometry", "service_area") else f"{qn(c)}::text" for c in columns]
    row = " || ':' || ".join(f"coalesce({part}, '')" for part in parts)
    return f"(SELECT count(*) || ':' || coalesce(md5(string_agg({row}, ',' ORDER BY {qn('id')})), '') FROM {table})"


def shared_routing_index() -> "RoutingIndex | None":
    """`RoutingIndex.from_database()`, built once per process and rebuilt when a hotspot or unit it reads differs.

    Declared per backend (`geo.backends.features`, `shared_routing_index`). PostgreSQL/PostGIS: one query per
    call, which returns a digest of the routable hotspots and units (ids, geometries as EWKB, sponsoring units,
    areas, priorities) as the caller's transaction sees them, and their rows too when the digest is not the one of
    the index kept (same statement, same snapshot). Elsewhere (SpatiaLite): None, and the caller builds its own
    index. Hold `shared_routing_lock` while routing with it.
    """
    global _shared
    alias = router.db_for_read(Hotspot)
    connection = connections[alias]
    if not features(connection).shared_routing_index or router.db_for_read(Unit) != alias:
        return None
    qn = connection.ops.quote_name
    radius = hotspot_radius_m()
    with _shared_lock:
        kept = _shared
    kept_digest = kept[0][2] if kept is not None and kept[0][:2] == (alias, radius) else None
    hotspot_sql, hotspot_params = (
        routable_hotspots().using(alias).order_by().values(*_HOTSPOT_COLUMNS).query.sql_with_params()
    )
    unit_sql, unit_params = routable_units().using(alias).order_by().values(*_UNIT_COLUMNS).query.sql_with_params()
    sql = f"""
        WITH h AS ({hotspot_sql}), u AS ({unit_sql}),
        k AS (SELECT {_digest(qn, _HOTSPOT_COLUMNS, "h")} || '|' || {_digest(qn, _UNIT_COLUMNS, "u")} AS digest)
        SELECT 0, NULL::bigint, NULL::bytea, NULL::bigint, NULL::double precision, NULL::integer, digest FROM k
        UNION ALL
        SELECT 1, id, ST_AsEWKB(geometry), sponsoring_unit_id, NULL, NULL, NULL FROM h
        WHERE (SELECT digest FROM k) IS DISTINCT FROM %s
        UNION ALL
        SELECT 2, id, ST_AsEWKB(service_area), NULL, service_area_m2, routing_priority, NULL FROM u
        WHERE (SELECT digest FROM k) IS DISTINCT FROM %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, (*hotspot_params, *unit_params, kept_digest, kept_digest))
        rows = cursor.fetchall()
    digest = next(row[6] for row in rows if row[0] == 0)
    if digest == kept_digest:
        return kept[1]
    hotspots = [
        Hotspot(id=pk, geometry=GEOSGeometry(memoryview(wkb)), sponsoring_unit_id=unit_id)
        for kind, pk, wkb, unit_id, _, _, _ in rows
        if kind == 1
    ]
    units = [
        Unit(id=pk, service_area=GEOSGeometry(memoryview(wkb)), service_area_m2=m2, routing_priority=priority)
        for kind, pk, wkb, _, m2, priority, _ in rows
        if kind == 2
    ]
    index = RoutingIndex(hotspots=hotspots, units=units, radius_m=radius)
    with _shared_lock:
        _shared = ((alias, radius, digest), index)
    return index
