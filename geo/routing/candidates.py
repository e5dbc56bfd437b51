"""What the routing rules weigh for one point, asked of the database in one indexed statement.

`point_candidates` sends one statement whose rows are: the routable hotspots whose outline comes within the
envelope of the hotspot radius (id, sponsoring unit, WKB: the exact distance is measured in Python, in the
hotspot's own metric frame, as `RoutingIndex` measures it); the routable units whose service area covers the
point (id, priority, area); the deepest jurisdiction covering the point. The SQL is the same on every backend
(OGC functions, the predicates compared ``= TRUE``: PostgreSQL folds that into the boolean itself and keeps its
spatial index; SpatiaLite's predicates return 1, 0 or -1 on error, of which only 1 is true) and is built once per
database. The point travels as 21 bytes of WKB: no GEOS object is made and no query is compiled per call.
PostGIS answers each predicate from its spatial index; SpatiaLite's predicates do not read its R*Tree indexes
(a scan of the three small tables, as the ORM's lookups did before).
"""

import struct
from dataclasses import dataclass

from django.db import connections, router

from geo.geodesy import degrees_for_metres
from geo.models import Hotspot, Jurisdiction, Unit

_POINT_WKB = struct.Struct("<BIdd")  # little-endian 2D WKB point, no SRID
_POLYGON_WKB = struct.Struct("<BIII10d")  # little-endian 2D WKB polygon, one ring of five points
_WKB_POINT, _WKB_POLYGON = 1, 3
_HOTSPOT, _UNIT, _JURISDICTION = 0, 1, 2

_statements: dict[str, str] = {}


@dataclass(frozen=True)
class Candidates:
    jurisdiction_id: int | None
    hotspots: list[tuple[int, int, bytes]]  # (id, sponsoring unit id, WKB of the geometry)
    units: list[tuple[int, int, float]]  # (id, routing priority, service area in m²)


def _statement(connection) -> str:
    """The statement for this connection's database: the routable hotspots within the envelope (as
    `routable_hotspots` filters them), the routable units covering the point (`routable_units`), the deepest
    jurisdiction covering it with the lowest code on a shared border (`resolve_jurisdiction`)."""
    qn = connection.ops.quote_name
    hotspot, unit, jurisdiction = (qn(m._meta.db_table) for m in (Hotspot, Unit, Jurisdiction))
    point = "ST_GeomFromWKB(%s, 4326)"
    return f"""
        SELECT {_HOTSPOT}, h.id, h.sponsoring_unit_id, ST_AsBinary(h.geometry), NULL
        FROM {hotspot} h INNER JOIN {unit} s ON s.id = h.sponsoring_unit_id
        WHERE h.active AND s.active AND ST_Intersects(h.geometry, ST_GeomFromWKB(%s, 4326)) = TRUE
        UNION ALL
        SELECT {_UNIT}, u.id, u.routing_priority, NULL, u.service_area_m2
        FROM {unit} u
        WHERE u.active AND u.service_area IS NOT NULL AND ST_Intersects(u.service_area, {point}) = TRUE
        UNION ALL
        SELECT {_JURISDICTION}, (
            SELECT j.id FROM {jurisdiction} j WHERE ST_Intersects(j.boundary, {point}) = TRUE
            ORDER BY j.level DESC, j.code LIMIT 1
        ), NULL, NULL, NULL
    """


def envelope_wkb(x: float, y: float, pad: float) -> bytes:
    """WKB of the square of half-side `pad` degrees around (x, y), as `Polygon.from_bbox` would make it."""
    x0, y0, x1, y1 = x - pad, y - pad, x + pad, y + pad
    return _POLYGON_WKB.pack(1, _WKB_POLYGON, 1, 5, x0, y0, x0, y1, x1, y1, x1, y0, x0, y0)


def point_candidates(x: float, y: float, radius_m: float) -> Candidates:
    """Everything the rules weigh for the WGS84 point (x, y): one query."""
    alias = router.db_for_read(Hotspot)
    connection = connections[alias]
    sql = _statements.get(alias)
    if sql is None:
        sql = _statements[alias] = _statement(connection)
    point = _POINT_WKB.pack(1, _WKB_POINT, x, y)
    envelope = envelope_wkb(x, y, degrees_for_metres(radius_m, y))
    with connection.cursor() as cursor:
        cursor.execute(sql, (envelope, point, point))
        rows = cursor.fetchall()
    jurisdiction_id, hotspots, units = None, [], []
    for kind, pk, ref, wkb, m2 in rows:
        if kind == _HOTSPOT:
            hotspots.append((pk, ref, bytes(wkb)))
        elif kind == _UNIT:
            units.append((pk, ref, m2))
        else:
            jurisdiction_id = pk
    return Candidates(jurisdiction_id, hotspots, units)


__all__ = ["Candidates", "envelope_wkb", "point_candidates"]
