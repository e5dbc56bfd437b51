"""Routing a point to its unit: one at a time through the service, and a million at once in memory.

Both are compared with PostGIS doing the same lookup in SQL (see the SQL below, which restates the rules of
geo/routing/rules.py: deepest jurisdiction; nearest active hotspot with an active sponsor within the radius, by
geography distance, then size, then id; else the containing active unit by priority desc, area, id). "Containing"
is ST_Intersects, as in geo/routing/rules.py (its `__intersects` lookups): a point on a boundary belongs to both
sides and the tie-breaks decide. The checks compare every answer with route_point, so if the service changes its
predicate the SQL here must follow (the check will say so).
"""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection, transaction

from benchmarks.harness import Context, Issue, Measurement, register
from benchmarks.synthetic import POINTS_TABLE, generate_points

RULE_HOTSPOT, RULE_SERVICE_AREA, RULE_PRIORITY, RULE_UNROUTED = 0, 1, 2, 3  # geo.routing.RULE_CODES
TARGET_BULK_US_PER_POINT = 1.5
CHECK_SAMPLE = 2_000
# Our service measures hotspot distances in an equirectangular frame, PostGIS on the ellipsoid; the two differ by
# up to ~0.3 % (≈ 0.15 m at 50 m). A disagreement within this many metres of a decision boundary is that, not a bug.
METRIC_TOLERANCE_M = 0.5

# Deepest jurisdiction, hotspot tier, unit tier for ONE point, in one statement (point-first: index probes).
SINGLE_SQL = """
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom)
SELECT
    (SELECT j.id FROM geo_jurisdiction j
      WHERE ST_Intersects(j.boundary, pt.geom) ORDER BY j.level DESC, j.code LIMIT 1) AS jurisdiction_id,
    COALESCE(h.unit_id, u.unit_id) AS unit_id,
    CASE WHEN h.id IS NOT NULL THEN 0 WHEN u.unit_id IS NULL THEN 3
         WHEN u.unit_id = u.smallest_id THEN 1 ELSE 2 END AS rule,
    h.id AS hotspot_id
FROM pt
LEFT JOIN LATERAL (
    SELECT h.id, h.sponsoring_unit_id AS unit_id
    FROM geo_hotspot h
    JOIN geo_unit su ON su.id = h.sponsoring_unit_id
    WHERE h.active AND su.active
      AND h.geometry && ST_Expand(pt.geom, %(radius)s / (111320.0 * greatest(cos(radians(abs(%(lat)s) + 1)), 0.01)))
      AND ST_DWithin(h.geometry::geography, pt.geom::geography, %(radius)s)
    ORDER BY ST_Distance(h.geometry::geography, pt.geom::geography),
             CASE WHEN ST_Dimension(h.geometry) = 0 THEN 0 ELSE ST_Area(h.geometry::geography) END,
             h.id
    LIMIT 1
) h ON true
LEFT JOIN LATERAL (
    SELECT (array_agg(u.id ORDER BY u.routing_priority DESC, u.service_area_m2, u.id))[1] AS unit_id,
           (array_agg(u.id ORDER BY u.service_area_m2, u.id))[1] AS smallest_id
    FROM geo_unit u
    WHERE h.id IS NULL AND u.active AND u.service_area IS NOT NULL AND ST_Intersects(u.service_area, pt.geom)
) u ON true
"""

# The same two tiers for a whole table of points, set-based (hotspot-first and unit-first loops over the points'
# GiST index; per-hotspot values computed once). On this data it is ~2.5x faster than a per-point
# LEFT JOIN LATERAL … ORDER BY … LIMIT 1 over bench_points (~60 µs/point), so it is the fairer baseline.
BULK_SQL = """
WITH hs AS MATERIALIZED (
    SELECT h.id, h.sponsoring_unit_id AS unit_id, h.geometry::geography AS geog,
           ST_Expand(h.geometry, %(radius)s
               / (111320.0 * greatest(cos(radians(abs(ST_YMax(h.geometry::box3d)) + 1)), 0.01))) AS reach,
           CASE WHEN ST_Dimension(h.geometry) = 0 THEN 0 ELSE ST_Area(h.geometry::geography) END AS size
    FROM geo_hotspot h
    JOIN geo_unit su ON su.id = h.sponsoring_unit_id
    WHERE h.active AND su.active
), near AS (
    SELECT p.id, hs.id AS hotspot_id, hs.unit_id, hs.size, ST_Distance(hs.geog, p.geom::geography) AS distance
    FROM hs JOIN {points} p ON p.geom && hs.reach
), hot AS (
    SELECT DISTINCT ON (id) id, hotspot_id, unit_id
    FROM near
    WHERE distance <= %(radius)s
    ORDER BY id, distance, size, hotspot_id
), served AS (
    SELECT p.id,
           (array_agg(u.id ORDER BY u.routing_priority DESC, u.service_area_m2, u.id))[1] AS unit_id,
           (array_agg(u.id ORDER BY u.service_area_m2, u.id))[1] AS smallest_id
    FROM geo_unit u
    JOIN {points} p ON ST_Intersects(u.service_area, p.geom)
    WHERE u.active AND u.service_area IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM hot WHERE hot.id = p.id)
    GROUP BY p.id
)
SELECT p.id,
       COALESCE(hot.unit_id, served.unit_id) AS unit_id,
       CASE WHEN hot.id IS NOT NULL THEN 0 WHEN served.unit_id IS NULL THEN 3
            WHEN served.unit_id = served.smallest_id THEN 1 ELSE 2 END AS rule,
       hot.hotspot_id
FROM {points} p
LEFT JOIN hot ON hot.id = p.id
LEFT JOIN served ON served.id = p.id
"""

# Timed form: the routing of every point materialised in a temporary table (as ours ends with arrays in memory);
# the check reads it back afterwards, untimed.
ROUTED_TABLE = "bench_routed"
BULK_CREATE_SQL = f"CREATE TEMP TABLE {ROUTED_TABLE} AS " + BULK_SQL.format(points=POINTS_TABLE)
# The session settings a DBA would give an analytic query like this one (the default 4 MB spills sorts to disk).
BULK_WORK_MEM = "256MB"


def radius_m() -> float:
    return float(settings.ROUTING_HOTSPOT_RADIUS_M)


def _route_tuple(route) -> tuple[int, int, int, int]:
    from geo.routing import RULE_CODES

    return (
        -1 if route.jurisdiction_id is None else route.jurisdiction_id,
        -1 if route.unit_id is None else route.unit_id,
        RULE_CODES[route.rule],
        -1 if route.hotspot_id is None else route.hotspot_id,
    )


def _none_to_minus_one(row) -> tuple[int, ...]:
    return tuple(-1 if v is None else int(v) for v in row)


# ---------------------------------------------------------------- explaining disagreements


def _hotspot_distances(lon: float, lat: float, hotspot_ids: list[int]) -> dict[int, tuple[float, float]]:
    """{hotspot id: (geodesic distance on the ellipsoid, our service's equirectangular distance)} in metres."""
    from geo.geodesy import distance_to_shape_m
    from geo.models import Hotspot
    from geo.validation import to_shapely

    ids = [h for h in hotspot_ids if h >= 0]
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, ST_Distance(geometry::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography) "
            "FROM geo_hotspot WHERE id = ANY(%s)",
            [lon, lat, ids],
        )
        geodesic = dict(cursor.fetchall())
    ours = {h.pk: distance_to_shape_m(lon, lat, to_shapely(h.geometry)) for h in Hotspot.objects.filter(pk__in=ids)}
    return {h: (geodesic[h], ours[h]) for h in ids}


def explain_disagreement(lon: float, lat: float, ours: tuple, theirs: tuple) -> str | None:
    """Why our (unit, rule, hotspot) differs from PostGIS's when the distance metric explains it, else None.

    The metric can flip a decision only when a hotspot involved lies within METRIC_TOLERANCE_M of the radius
    (in or out), or the two chosen hotspots are within METRIC_TOLERANCE_M of each other (which is nearer).
    """
    (_, our_rule, our_hotspot), (_, their_rule, their_hotspot) = ours, theirs
    if RULE_HOTSPOT not in (our_rule, their_rule):
        return None  # containment is exact on both sides: a real disagreement
    r = radius_m()
    dist = _hotspot_distances(lon, lat, [our_hotspot, their_hotspot])
    near_radius = any(min(abs(g - r), abs(p - r)) <= METRIC_TOLERANCE_M for g, p in dist.values())
    near_tie = False
    if our_hotspot >= 0 and their_hotspot >= 0:
        (g1, p1), (g2, p2) = dist[our_hotspot], dist[their_hotspot]
        near_tie = min(abs(g1 - g2), abs(p1 - p2)) <= METRIC_TOLERANCE_M
    if not (near_radius or near_tie):
        return None
    return "; ".join(
        f"hotspot {h}: geodesic {g:.3f} m, service metric {p:.3f} m (radius {r:g} m)" for h, (g, p) in dist.items()
    )


def compare_with_postgis(
    name: str, what: str, rows: list[tuple[float, float, tuple, tuple]], *, total: int | None = None, limit: int = 5
) -> list[Issue]:
    """rows: (lon, lat, ours (unit, rule, hotspot), PostGIS's (unit, rule, hotspot)). Unit ids and rules must agree.

    `total` is how many answers were compared when `rows` holds only those that differ (default: len(rows)).
    """
    total = len(rows) if total is None else total
    explained, unexplained = [], []
    for lon, lat, ours, theirs in rows:
        if ours[:2] == theirs[:2]:
            continue
        reason = explain_disagreement(lon, lat, ours, theirs)
        entry = f"({lon:.7f}, {lat:.7f}) ours unit/rule/hotspot {ours} vs PostGIS {theirs}"
        (explained if reason else unexplained).append(entry + (f" — {reason}" if reason else ""))
    issues = []
    if unexplained:
        issues.append(
            Issue(
                "error",
                name,
                f"{len(unexplained)} of {total:,} {what} disagree with PostGIS: " + "; ".join(unexplained[:limit]),
            )
        )
    if explained:
        issues.append(
            Issue(
                "warning",
                name,
                f"{len(explained)} of {total:,} {what} disagree with PostGIS within {METRIC_TOLERANCE_M} m of a "
                "hotspot-distance decision (equirectangular service metric vs PostGIS geography): "
                + "; ".join(explained[:limit]),
            )
        )
    return issues


# ---------------------------------------------------------------- route_single


@register("route_single", order=10)
def route_single(ctx: Context) -> Measurement:
    from geo.routing import route_point

    n = 100 if ctx.quick else 1_000
    ds = ctx.ensure_geo_data()
    lons, lats = generate_points(ds, n, seed=ctx.seed + 1)
    coords = [(float(x), float(y)) for x, y in zip(lons, lats, strict=True)]
    points = [Point(x, y, srid=4326) for x, y in coords]
    radius = radius_m()

    def ours():
        return [route_point(p) for p in points]

    def raw_sql_single():
        rows = []
        with connection.cursor() as cursor:
            for lon, lat in coords:
                cursor.execute(SINGLE_SQL, {"lon": lon, "lat": lat, "radius": radius})
                rows.append(cursor.fetchone())
        return rows

    def check(last) -> list[Issue]:
        ours_rows = [_route_tuple(r) for r in last["ours"]]
        sql_rows = [_none_to_minus_one(r) for r in last["raw_sql_single"]]
        issues = []
        wrong_jurisdiction = [
            f"{c}: {a[0]} vs {b[0]}" for c, a, b in zip(coords, ours_rows, sql_rows, strict=True) if a[0] != b[0]
        ]
        if wrong_jurisdiction:
            issues.append(
                Issue("error", "route_single", "jurisdiction differs from SQL: " + "; ".join(wrong_jurisdiction[:5]))
            )
        rows = [(c[0], c[1], a[1:], b[1:]) for c, a, b in zip(coords, ours_rows, sql_rows, strict=True)]
        issues += compare_with_postgis("route_single", "single routes", rows)
        rules = np.bincount([r[2] for r in ours_rows], minlength=4)
        ctx.log(f"route_single checked {n} points against SQL; rules hotspot/service_area/priority/unrouted = {rules}")
        return issues

    return Measurement(
        name="route_single",
        unit="µs",
        n=n,
        ours=ours,
        baselines={"raw_sql_single": raw_sql_single},
        check=check,
        warmup=1,
        notes=[
            "one point per call; ours = route_point (one statement + Python), "
            "baseline = one SQL statement per point on the same connection"
        ],
    )


# ---------------------------------------------------------------- route_bulk_1m


@register("route_bulk_1m", order=20)
def route_bulk(ctx: Context) -> Measurement:
    from geo.routing import RoutingIndex

    n = ctx.points
    radius = radius_m()
    state: dict = {}

    def setup():
        ctx.ensure_points_table(n)
        state["lons"], state["lats"] = ctx.point_arrays(n)

    def ours():
        return RoutingIndex.from_database().route(state["lons"], state["lats"])

    def postgis_join():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{BULK_WORK_MEM}'")
            cursor.execute(f"DROP TABLE IF EXISTS {ROUTED_TABLE}")
            cursor.execute(BULK_CREATE_SQL, {"radius": radius})
            return cursor.rowcount

    def check(last) -> list[Issue]:
        bulk = last["ours"]
        lons, lats = state["lons"], state["lats"]
        issues = _check_bulk_against_route_point(ctx, bulk, lons, lats)
        issues += _check_bulk_against_postgis(ctx, bulk, lons, lats)
        return issues

    return Measurement(
        name="route_bulk_1m",
        unit="µs/point",
        n=n,
        ours=ours,
        baselines={"postgis_join": postgis_join},
        setup=setup,
        check=check,
        repeats=3,
        warmup=1,
        # The target is for a million points; on small runs the fixed cost of building the index dominates.
        target=TARGET_BULK_US_PER_POINT if n >= 1_000_000 else None,
        notes=[
            "ours = RoutingIndex.from_database() + route() over numpy arrays already in memory (index build included)",
            f"baseline = set-based SQL over bench_points into a temporary table (work_mem {BULK_WORK_MEM})",
        ],
    )


def _check_bulk_against_route_point(ctx: Context, bulk, lons, lats) -> list[Issue]:
    """A sample of the bulk answers must equal route_point's, unit, rule and hotspot alike."""
    from geo.routing import RULE_CODES, route_point

    n = len(lons)
    rng = np.random.default_rng(ctx.seed + 3)
    sample = np.sort(rng.choice(n, size=min(CHECK_SAMPLE, n), replace=False))
    mismatches = []
    for i in sample:
        single = route_point(Point(float(lons[i]), float(lats[i]), srid=4326))
        got = (int(bulk.unit_ids[i]), int(bulk.rules[i]), int(bulk.hotspot_ids[i]))
        want = (
            -1 if single.unit_id is None else single.unit_id,
            RULE_CODES[single.rule],
            -1 if single.hotspot_id is None else single.hotspot_id,
        )
        if got != want:
            mismatches.append(f"#{i} ({lons[i]:.7f}, {lats[i]:.7f}) bulk {got} vs route_point {want}")
    ctx.log(f"route_bulk_1m: {len(sample):,} sampled points vs route_point: {len(mismatches)} mismatches")
    if not mismatches:
        return []
    return [
        Issue(
            "error",
            "route_bulk_1m",
            f"RoutingIndex disagrees with route_point on {len(mismatches)} of {len(sample)} sampled points "
            "(unit, rule, hotspot): " + "; ".join(mismatches[:5]),
        )
    ]


def _check_bulk_against_postgis(ctx: Context, bulk, lons, lats, *, explain_at_most: int = 2_000) -> list[Issue]:
    """Every point: our unit id and rule against PostGIS's (read back from the baseline's table)."""
    n = len(lons)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, unit_id, rule, hotspot_id FROM {ROUTED_TABLE}")
        rows = np.array(cursor.fetchall(), dtype=object)
    theirs = np.full((n, 3), -2, dtype=np.int64)  # -2: no row from PostGIS
    if len(rows):
        ids = rows[:, 0].astype(np.int64) - 1
        theirs[ids] = np.where(rows[:, 1:] == None, -1, rows[:, 1:]).astype(np.int64)  # noqa: E711
    ours = np.column_stack([bulk.unit_ids, bulk.rules.astype(np.int64), bulk.hotspot_ids])
    differ = np.flatnonzero((ours[:, :2] != theirs[:, :2]).any(axis=1))
    our_rules = np.bincount(bulk.rules, minlength=4).tolist()
    ctx.log(
        f"route_bulk_1m: all {n:,} points vs PostGIS: {len(differ):,} differ in unit or rule; "
        f"rules hotspot/service_area/priority/unrouted = {our_rules}"
    )
    if len(rows) != n:
        return [Issue("error", "route_bulk_1m", f"PostGIS returned {len(rows):,} rows for {n:,} points")]
    if len(differ) > max(explain_at_most, n // 1000):
        return [Issue("error", "route_bulk_1m", f"{len(differ):,} of {n:,} points route differently in PostGIS")]
    return compare_with_postgis(
        "route_bulk_1m",
        "bulk routes",
        [(float(lons[i]), float(lats[i]), tuple(ours[i].tolist()), tuple(theirs[i].tolist())) for i in differ],
        total=n,
    )
