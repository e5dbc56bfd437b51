"""GIS import and export against PostGIS.

import_gpkg_200k (s) and import_gpkg_200k_peak (MiB): a generated GeoPackage of 200,000 small polygons in
CGCS2000 / Gauss–Krüger CM 117E (EPSG:4548) over the synthetic district, imported as hotspots.
ours: ``geo.io.bulk.bulk_import_hotspots`` (read in batches with pyogrio, reprojected and repaired with shapely,
each feature placed in its deepest jurisdiction, encoded as binary COPY rows in a thread while the server takes the
batch before, COPY-ed into geo_hotspot, one transaction). Baseline ogr2ogr_copy:
``ogr2ogr -f PostgreSQL -t_srs EPSG:4326`` with PG_USE_COPY=YES into a table of its own (no jurisdiction, no
validation). Baseline copy_floor (time only): the rows our import stores, COPY-ed in
binary from a file made once into geo_hotspot in one transaction (its indexes and foreign keys as they are), with no
Python work: what the live table costs the server, the floor for any import into it. Each run happens in a fresh
child process, which reports its wall time and the peak resident memory (VmHWM for ours; the ogr2ogr process's
maxrss for the baseline).

export_gpkg_1m_peak against export_gpkg_100k_peak (MiB): the findings layer (synthetic findings of
``synthetic/findings.py``) written to a GeoPackage by ``geo.layers.export.write_gpkg`` as an administrator, in a
child process: the first 1,000,000 rows against the first 100,000 (flat memory: the same peak).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import BENCH_DIR, Context, Issue, Measurement, register

POLYGONS = 200_000
TARGET_RATIO = 1.2
TARGET_PEAK_MIB = 400
EXTERNAL_PREFIX = "BENCH-GPKG-"
OGR_TABLE = "bench_ogr2ogr_hotspots"
DATA_DIR = BENCH_DIR.parent / "var" / "bench"


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def make_gpkg(n: int, seed: int = 7) -> Path:
    """n small polygons (5 to 8 vertices, 10–40 m across) scattered over the synthetic area, in EPSG:4548."""
    import geopandas as gpd
    import numpy as np
    import shapely

    from geo.models import Jurisdiction

    path = DATA_DIR / f"hotspots_{n}_{seed}.gpkg"
    if path.exists():
        return path
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    area = Jurisdiction.objects.filter(code__startswith="110199", level=1).order_by("code").first()
    minx, miny, maxx, maxy = area.boundary.transform(4548, clone=True).extent
    rng = np.random.default_rng(seed)
    cx, cy = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
    sides = rng.integers(5, 9, n)
    radius = rng.uniform(5, 20, n)
    polygons = []
    for x, y, k, r in zip(cx, cy, sides, radius, strict=True):
        angles = np.sort(rng.uniform(0, 2 * np.pi, k))
        polygons.append(shapely.Polygon(np.column_stack([x + r * np.cos(angles), y + r * np.sin(angles)])))
    frame = gpd.GeoDataFrame(
        {
            "external_id": [f"{EXTERNAL_PREFIX}{i}" for i in range(n)],
            "name": [f"合成点位 {i}" for i in range(n)],
            "address": [f"合成路 {i % 500} 号" for i in range(n)],
        },
        geometry=polygons,
        crs="EPSG:4548",
    )
    tmp = path.with_suffix(".tmp.gpkg")
    frame.to_file(tmp, driver="GPKG", engine="pyogrio")
    tmp.rename(path)
    return path


# ---------------------------------------------------------------- the children


def _delete_ours() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM geo_hotspot WHERE external_id LIKE %s", [EXTERNAL_PREFIX + "%"])
        # The benchmark cluster runs without autovacuum: left dead, the last round's 200,000 rows (same external ids)
        # would make every unique check of the next round visit them.
        cursor.execute("VACUUM geo_hotspot")


def child_ours(path: str) -> dict:
    from geo.io.bulk import bulk_import_hotspots

    _delete_ours()
    Path("/proc/self/clear_refs").write_text("5")
    started = time.perf_counter()
    result = bulk_import_hotspots(path=Path(path), category="construction_site", skip_refused=True)
    seconds = time.perf_counter() - started
    peak = _status_kib("VmHWM") / 1024
    _delete_ours()
    return {"seconds": seconds, "peak_mib": peak, "rows": result.created + result.updated}


FLOOR_COLUMNS = (
    "name, address, jurisdiction_id, geometry, external_id, category_id, risk_level, active, created_at, updated_at"
)


class _RolledBack(Exception):
    pass


def child_floor_rows(path: str) -> dict:
    """Our import's rows for the file, in binary COPY format, next to it (imported, copied out, rolled back; made
    again for each run of the suite: they hold this database's ids)."""
    from django.db import connection, transaction

    from geo.io.bulk import bulk_import_hotspots

    _delete_ours()
    rows = Path(path).with_suffix(".copy")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            bulk_import_hotspots(path=Path(path), category="construction_site", skip_refused=True)
            query = (
                f"COPY (SELECT {FLOOR_COLUMNS} FROM geo_hotspot WHERE external_id LIKE "
                f"'{EXTERNAL_PREFIX}%' ORDER BY id) TO STDOUT (FORMAT binary)"
            )
            with rows.with_suffix(".tmp").open("wb") as out, cursor.cursor.copy(query) as copy:
                for block in copy:
                    out.write(block)
            raise _RolledBack
    except _RolledBack:
        pass
    rows.with_suffix(".tmp").rename(rows)
    return {"rows_path": str(rows)}


def child_floor(path: str) -> dict:
    from django.db import connection, transaction

    rows = Path(path).with_suffix(".copy")
    _delete_ours()
    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        rows.open("rb") as source,
        cursor.cursor.copy(f"COPY geo_hotspot ({FLOOR_COLUMNS}) FROM STDIN (FORMAT binary)") as copy,
    ):
        while block := source.read(1 << 20):
            copy.write(block)
    seconds = time.perf_counter() - started  # the commit (deferred foreign-key checks) included
    peak = _status_kib("VmHWM") / 1024
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM geo_hotspot WHERE external_id LIKE %s", [EXTERNAL_PREFIX + "%"])
        count = cursor.fetchone()[0]
    _delete_ours()
    return {"seconds": seconds, "peak_mib": peak, "rows": count}


def _pg_dsn() -> str:
    from django.db import connection

    s = connection.settings_dict
    parts = [f"dbname={s['NAME']}", f"host={s['HOST'] or '127.0.0.1'}", f"port={s['PORT'] or 5432}"]
    if s["USER"]:
        parts.append(f"user={s['USER']}")
    if s["PASSWORD"]:
        parts.append(f"password={s['PASSWORD']}")
    return "PG:" + " ".join(parts)


def child_ogr2ogr(path: str) -> dict:
    from django.db import connection

    command = [
        "ogr2ogr", "-f", "PostgreSQL", _pg_dsn(), path, "-nln", OGR_TABLE, "-overwrite", "-t_srs", "EPSG:4326",
        "-lco", "GEOMETRY_NAME=geom", "--config", "PG_USE_COPY", "YES",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {OGR_TABLE}")
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {OGR_TABLE}")
        rows = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE IF EXISTS {OGR_TABLE}")
    return {"seconds": seconds, "peak_mib": peak, "rows": rows}


def child_export(n: str) -> dict:
    from accounts.models import Role, User
    from geo.layers import get_layer
    from geo.layers.export.writers import write_gpkg

    layer = get_layer("findings")
    admin, _created = User.objects.get_or_create(username="bench_gis_admin", defaults={"role": Role.ADMIN})
    rows = layer.queryset(admin, {}).order_by("pk")
    last = rows.values_list("pk", flat=True)[int(n) - 1 : int(n)]
    rows = rows.filter(pk__lte=last[0]) if last else rows
    base = _status_kib("VmRSS") / 1024
    Path("/proc/self/clear_refs").write_text("5")
    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        types = write_gpkg(layer, rows, Path(work) / "findings.gpkg")
        seconds = time.perf_counter() - started
    peak = _status_kib("VmHWM") / 1024
    return {"seconds": seconds, "peak_mib": peak, "base_mib": base, "rows": sum(types.values())}


CHILDREN = {
    "ours": child_ours,
    "ogr2ogr_copy": child_ogr2ogr,
    "copy_floor": child_floor,
    "floor_rows": child_floor_rows,
    "export": child_export,
}


def run_child(contender: str, argument: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(BENCH_DIR.parent)}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_gis", "--child", contender, argument],
        capture_output=True,
        text=True,
        env=env,
        cwd=BENCH_DIR.parent,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the measurements


def _import_measurement(ctx: Context, name: str, key: str, unit: str) -> Measurement:
    state: dict = {}
    n = 20_000 if ctx.quick else POLYGONS

    def setup():
        ctx.ensure_geo_data()
        state["path"] = str(make_gpkg(n))
        if key == "seconds":
            run_child("floor_rows", state["path"])

    def run(contender: str) -> float:
        result = run_child(contender, state["path"])
        state[contender] = result
        ctx.log(f"{contender}: {result['seconds']:.1f} s, peak {result['peak_mib']:.0f} MiB, {result['rows']} rows")
        return result[key]

    baselines = {"ogr2ogr_copy": lambda: run("ogr2ogr_copy")}
    if key == "seconds":
        baselines["copy_floor"] = lambda: run("copy_floor")

    def check(last: dict) -> list[Issue]:
        issues = []
        for contender in ("ours", *baselines):
            if state[contender]["rows"] != n:
                issues.append(
                    Issue("error", name, f"rows imported by {contender}: {state[contender]['rows']}, expected {n}")
                )
        return issues

    return Measurement(
        name=name,
        unit=unit,
        n=1,
        scale=1.0,
        measures="result",
        ours=lambda: run("ours"),
        baselines=baselines,
        setup=setup,
        check=check,
        repeats=3 if key == "seconds" else 1,
        warmup=0,
        target=TARGET_PEAK_MIB if key == "peak_mib" else None,
        notes=[f"{n} polygons in EPSG:4548 → hotspots in EPSG:4326; target ≤ {TARGET_RATIO}× ogr2ogr (time)"],
    )


@register("import_gpkg_200k", order=80)
def import_gpkg_200k(ctx: Context) -> Measurement:
    return _import_measurement(ctx, "import_gpkg_200k", "seconds", "s")


@register("import_gpkg_200k_peak", order=81)
def import_gpkg_200k_peak(ctx: Context) -> Measurement:
    return _import_measurement(ctx, "import_gpkg_200k_peak", "peak_mib", "MiB")


@register("export_gpkg_1m_peak", order=82)
def export_gpkg_1m_peak(ctx: Context) -> Measurement:
    from benchmarks.synthetic.findings import ensure_findings

    big = min(ctx.findings, 1_000_000)
    small = max(big // 10, 1)

    def setup():
        ensure_findings(ctx, big)

    def run(n: int) -> float:
        result = run_child("export", str(n))
        ctx.log(f"export {result['rows']} findings: {result['seconds']:.1f} s, peak {result['peak_mib']:.0f} MiB")
        return result["peak_mib"]

    return Measurement(
        name="export_gpkg_1m_peak",
        unit="MiB",
        n=1,
        scale=1.0,
        measures="result",
        ours=lambda: run(big),
        baselines={"export_gpkg_100k_peak": lambda: run(small)},
        setup=setup,
        repeats=1,
        warmup=0,
        notes=[f"findings layer to GeoPackage: {big} rows against {small} (flat memory: equal peaks)"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="A GIS import or export run in this process (used by the suite).")
    parser.add_argument("--child", choices=sorted(CHILDREN), required=True)
    parser.add_argument("argument")
    args = parser.parse_args()
    from benchmarks.harness import configure_django

    configure_django()
    print(json.dumps(CHILDREN[args.child](args.argument)))


if __name__ == "__main__":
    main()
