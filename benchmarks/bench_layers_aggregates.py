"""The map's aggregates (`geo.layers.aggregates`): the findings layer counted per hexagon, in a view of ~87k findings
(`aggregate_bbox`) and over every synthetic finding (`aggregate_full`), as the bench manager sees them (the scope and
the severity weight included).

Baseline `st_hexagongrid_join`: the hand-written PostGIS way, ST_HexagonGrid over the view joined to the findings
with ST_Intersects and counted per hexagon. It is given every advantage: the same hexagons as ours (the grid is
made in our local metric frame and scaled back to degrees, so each hexagon probes the findings' GiST index), no
scope and no weight. The check compares the two cell by cell.

Floor `scan_count`: the rows ours reads (the same scope, filters and bbox, the same statement settings), only counted:
no binning, no grouping. No way of binning the rows can be faster than reading them, so the ratio of this floor to the
join says how far below the join any aggregate of the rows can go.
"""

from __future__ import annotations

from django.db import connection, transaction

from benchmarks.harness import Context, Issue, Measurement, register

BASELINE_SQL = """
SELECT h.i, h.j, count(*)
FROM ST_HexagonGrid(%(size)s, ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 0)) h
JOIN inspections_finding f
  ON ST_Intersects(f.location, ST_SetSRID(ST_Scale(h.geom, 1.0 / %(kx)s, 1.0 / %(ky)s), 4326))
WHERE f.location && ST_MakeEnvelope(%(lon0)s, %(lat0)s, %(lon1)s, %(lat1)s, 4326)
GROUP BY h.i, h.j
"""


def _extent_of_findings() -> tuple[float, float, float, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
            "FROM (SELECT ST_Extent(location) AS e FROM inspections_finding) AS x"
        )
        return cursor.fetchone()


def _scan_count(layer, user, params: dict, bbox):
    """The floor: a function counting the rows the aggregate reads, through the same statement settings."""
    from geo.backends import features

    rows = layer.queryset(user, params).filter(**{f"{layer.geometry}__isnull": False})
    if bbox is not None:
        rows = rows.filter(**{f"{layer.geometry}__intersects": bbox})
    sql, sql_params = rows.order_by().values("pk").query.sql_with_params()
    settings = (*features(connection).no_jit, *features(connection).bulk_read)

    def scan_count():
        with transaction.atomic(), connection.cursor() as cursor:
            for setting in settings:
                cursor.execute(setting)
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS layer_rows", sql_params)
            return cursor.fetchone()[0]

    return scan_count


def _measurement(ctx: Context, name: str, *, full: bool) -> Measurement:
    """Built when selected: loads the findings (once per database), finds the view, and sizes the baseline's grid
    like ours (the size our default gives the view)."""
    from benchmarks.synthetic.findings import bench_user, findings_bbox
    from geo.api.filters import parse_bbox
    from geo.layers import get_layer
    from geo.layers.aggregates import aggregate
    from geo.layers.cells import frame_for

    info = ctx.ensure_findings()
    user = bench_user(info, "manager")
    layer = get_layer("findings")
    if full:
        params = {"cell": "hex"}
        extent = _extent_of_findings()
    else:
        bbox = findings_bbox(ctx, info)
        params = {"cell": "hex", "bbox": bbox.param()}
        extent = tuple(float(v) for v in bbox.param().split(","))
    answer = aggregate(layer, user, params)
    frame, size = frame_for(extent), answer["size"]
    margin = 2 * size
    grid = {
        "size": size,
        "kx": frame.kx,
        "ky": frame.ky,
        "x0": extent[0] * frame.kx - margin,
        "y0": extent[1] * frame.ky - margin,
        "x1": extent[2] * frame.kx + margin,
        "y1": extent[3] * frame.ky + margin,
        "lon0": extent[0],
        "lat0": extent[1],
        "lon1": extent[2],
        "lat1": extent[3],
    }
    ctx.log(f"{name}: {answer['total']:,} findings, hexagons of {size:g} m, {len(answer['features']):,} cells")

    def ours():
        return aggregate(layer, user, params)

    def st_hexagongrid_join():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, grid)
            return cursor.fetchall()

    scan_count = _scan_count(layer, user, params, None if full else parse_bbox(params["bbox"]))

    def check(last) -> list[Issue]:
        if last["scan_count"] != answer["total"]:
            return [Issue("error", name, f"the floor read {last['scan_count']:,} rows, ours {answer['total']:,}")]
        # The baseline counts every finding in the box; ours only those the manager may see (the scope), so each of
        # our cells holds at most the baseline's count, and exactly it where every finding is in scope.
        mine = {f["id"]: f["properties"]["count"] for f in last["ours"]["features"]}
        theirs = {f"{i}:{j}": n for i, j, n in last["st_hexagongrid_join"]}
        wrong = sorted(key for key, n in mine.items() if n > theirs.get(key, 0))
        if wrong:
            return [Issue("error", name, f"cells with more findings than ST_HexagonGrid's: {wrong[:5]}")]
        equal = sum(mine.get(key) == n for key, n in theirs.items())
        ctx.log(
            f"{name}: {equal:,} of {len(theirs):,} cells equal to ST_HexagonGrid's, "
            f"{sum(theirs.values()) - sum(mine.values()):,} findings outside the manager's scope"
        )
        return []

    return Measurement(
        name=name,
        unit="µs/finding",
        n=answer["total"],
        ours=ours,
        baselines={"st_hexagongrid_join": st_hexagongrid_join, "scan_count": scan_count},
        check=check,
        repeats=5,
        warmup=1,
        notes=[
            "target: ratio ≤ 0.3 (ours more than 3× faster than the join)",
            "scan_count is the floor: the same rows read and counted, nothing binned",
        ],
    )


@register("aggregate_bbox", order=60)
def aggregate_bbox(ctx: Context) -> Measurement:
    return _measurement(ctx, "aggregate_bbox", full=False)


@register("aggregate_full", order=61)
def aggregate_full(ctx: Context) -> Measurement:
    return _measurement(ctx, "aggregate_full", full=True)
