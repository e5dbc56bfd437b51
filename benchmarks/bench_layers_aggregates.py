"""The map's aggregates (`geo.layers.aggregates`): the findings layer counted per hexagon, in a view of ~87k findings
(`aggregate_bbox`) and over every synthetic finding (`aggregate_full`), as the bench manager sees them (the scope and
the severity weight included).

Baseline `st_hexagongrid_join`: the hand-written PostGIS way, ST_HexagonGrid over the view joined to the findings
with ST_Intersects and counted per hexagon. It is given every advantage: the same hexagons as ours (the grid is
made in our local metric frame and scaled back to degrees, so each hexagon probes the findings' GiST index), no
scope and no weight. The check compares the two cell by cell.
"""

from __future__ import annotations

from django.db import connection

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


def _measurement(ctx: Context, name: str, *, full: bool) -> Measurement:
    """Built when selected: loads the findings (once per database), finds the view, and sizes the baseline's grid
    like ours (the size our default gives the view)."""
    from benchmarks.synthetic.findings import bench_user, findings_bbox
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

    def check(last) -> list[Issue]:
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
        baselines={"st_hexagongrid_join": st_hexagongrid_join},
        check=check,
        repeats=5,
        warmup=1,
        notes=["target: ratio ≤ 0.3 (ours more than 3× faster than the join)"],
    )


@register("aggregate_bbox", order=60)
def aggregate_bbox(ctx: Context) -> Measurement:
    return _measurement(ctx, "aggregate_bbox", full=False)


@register("aggregate_full", order=61)
def aggregate_full(ctx: Context) -> Measurement:
    return _measurement(ctx, "aggregate_full", full=True)
