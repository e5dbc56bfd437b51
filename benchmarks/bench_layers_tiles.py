"""The findings layer as Mapbox Vector Tiles (`geo.layers.tiles`), as the district manager, on the densest tile of
each zoom (`dense_tiles`): z7 and z10 hold the whole synthetic district, z12 most of it.

ours: the endpoint's work without the server cache: layer.queryset (scope) → render_tile: the layer's feature
columns compiled to SQL, narrowed to the tile's buffered bounds, wrapped in ST_TileEnvelope + ST_AsMVTGeom + ST_AsMVT.
raw_st_asmvt: one hand-written ST_AsMVT statement over the same findings with the same properties, without the
scope's joins. Target: ours ≤ 1.2 × raw + 2 ms. Both hold at most LAYER_TILE_MAX_FEATURES features (the endpoint's
limit; `LAYER_TILE_MAX_FEATURES=0` in the environment measures whole tiles, as before the limit existed).
http_tile_p95: GET /tiles/findings/<densest z15 tile>.pbf (a street-level view: tens of thousands of features) through
the Django test client with the server cache emptied before each request (the whole work), p95 of the rounds, against
the p95 of render_tile in-process; the p95 of a cached answer is logged too. (The stress tiles above take half a
minute each: 20 rounds of them over HTTP and in-process would take most of an hour.)
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from benchmarks.harness import Context, Issue, Measurement, register

TARGET_RATIO = 1.2
TARGET_SLACK_MS = 2.0
HTTP_ZOOM = 15
DECODE_LIMIT = 4_000_000  # bytes: larger tiles are compared by size, decoding them in Python takes minutes

RAW_SQL = """
SELECT ST_AsMVT(mvt, 'findings', 4096, 'geom') FROM (
  SELECT ST_AsMVTGeom(ST_Transform(f.location, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s), 4096, 64, true) AS geom,
    f.severity, p.code AS problem_type, f.jurisdiction_id AS jurisdiction, t.id::text AS task,
    CASE WHEN t.id IS NULL THEN ''
         WHEN t.status IN ('dispatched', 'accepted', 'in_progress', 'extension_requested', 'rejected')
              AND t.due_at < now() THEN 'overdue' ELSE t.status END AS state,
    to_json(f.created_at) #>> '{}' AS created_at, f.is_open AS open, f.id::text AS id
  FROM inspections_finding f
  JOIN inspections_problemtype p ON p.id = f.problem_type_id
  LEFT JOIN inspections_task t ON t.finding_id = f.id
  WHERE f.location && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => 64.0 / 4096), 4326)
  LIMIT %(limit)s
) mvt WHERE geom IS NOT NULL
"""


def _features(body: bytes) -> int | None:
    if len(body) > DECODE_LIMIT:
        return None
    import mapbox_vector_tile

    return len(mapbox_vector_tile.decode(body).get("findings", {}).get("features", [])) if body else 0


def _tile_measurement(ctx: Context, z: int) -> Measurement:
    from benchmarks.synthetic.findings import bench_user, dense_tiles
    from geo.layers import get_layer
    from geo.layers.tiles import Tile, render_tile

    info = ctx.ensure_findings()
    manager = bench_user(info, "manager")
    layer = get_layer("findings")
    _z, x, y = dense_tiles(ctx, info, z, 1)[0]
    tile = Tile(z, x, y)
    name = f"tile_mvt_z{z}"

    limit = settings.LAYER_TILE_MAX_FEATURES or None

    def ours():
        return render_tile(layer, layer.queryset(manager, {}), tile)

    def raw_st_asmvt():
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")  # as ours runs: a fair comparison (JIT only adds compile time here)
            cursor.execute(RAW_SQL, {"z": z, "x": x, "y": y, "limit": limit})
            body = bytes(cursor.fetchone()[0] or b"")
            cursor.execute("RESET jit")
            return body

    def check(last) -> list[Issue]:
        mine, theirs = last["ours"], last["raw_st_asmvt"]
        counts = (_features(mine), _features(theirs))
        ctx.log(f"{name}: tile {z}/{x}/{y}: ours {len(mine):,} bytes, raw {len(theirs):,} bytes, features {counts}")
        if counts[0] is not None and counts[0] != counts[1]:
            return [Issue("error", name, f"feature counts differ: ours {counts[0]}, raw {counts[1]}")]
        if counts[0] is None and abs(len(mine) - len(theirs)) > 0.02 * len(theirs):
            return [Issue("error", name, f"tile sizes differ by more than 2 %: {len(mine)} vs {len(theirs)}")]
        return []

    return Measurement(
        name=name,
        unit="ms",
        n=1,
        scale=1e3,
        ours=ours,
        baselines={"raw_st_asmvt": raw_st_asmvt},
        check=check,
        repeats=3,
        notes=[
            f"tile {z}/{x}/{y} (densest at z{z}) of {info.count:,} synthetic findings, as the manager, at most "
            f"{limit or 'all'} features; "
            f"target ours ≤ {TARGET_RATIO} × raw + {TARGET_SLACK_MS:g} ms"
        ],
    )


@register("tile_mvt_z7", order=50)
def tile_mvt_z7(ctx: Context) -> Measurement:
    return _tile_measurement(ctx, 7)


@register("tile_mvt_z10", order=51)
def tile_mvt_z10(ctx: Context) -> Measurement:
    return _tile_measurement(ctx, 10)


@register("tile_mvt_z12", order=52)
def tile_mvt_z12(ctx: Context) -> Measurement:
    return _tile_measurement(ctx, 12)


@register("http_tile_p95", order=53)
def http_tile_p95(ctx: Context) -> Measurement:
    from benchmarks.synthetic.findings import bench_user, dense_tiles
    from geo.layers import get_layer
    from geo.layers.tiles import Tile, render_tile

    info = ctx.ensure_findings()
    manager = bench_user(info, "manager")
    layer = get_layer("findings")
    z, x, y = dense_tiles(ctx, info, HTTP_ZOOM, 1)[0]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    url = f"/tiles/findings/{z}/{x}/{y}.pbf"
    rounds = 10 if ctx.quick else 20

    def timings(call, clear=True) -> list[float]:
        times = []
        for _ in range(rounds):
            if clear:
                cache.clear()
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        return times

    def p95(call, clear=True):
        return statistics.quantiles(timings(call, clear), n=20)[-1] * 1e3

    @override_settings(ALLOWED_HOSTS=["*"])
    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response.content

    def over_http():
        return p95(get)

    def in_process():
        return p95(lambda: render_tile(layer, layer.queryset(manager, {}), Tile(z, x, y)))

    def check(last) -> list[Issue]:
        get()
        times = timings(get, clear=False)
        # A cached tile lives for the LAYER_TILES_MAX_AGE period it was made in: a round that crosses into the next
        # period draws the tile again, and that one miss is the p95 of 20 rounds; the median is the hits'.
        ctx.log(
            f"http_tile_p95: cached answers: median {statistics.median(times) * 1e3:,.1f} ms, "
            f"p95 {statistics.quantiles(times, n=20)[-1] * 1e3:,.1f} ms"
        )
        return []

    return Measurement(
        name="http_tile_p95",
        unit="ms",
        n=1,
        scale=1,
        ours=over_http,
        baselines={"in_process": in_process},
        check=check,
        measures="result",
        repeats=1,
        warmup=0,
        notes=[f"p95 of {rounds} requests of tile {z}/{x}/{y} through the test client, server cache emptied each time"],
    )
