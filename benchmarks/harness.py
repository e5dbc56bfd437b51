"""The benchmark harness: database preparation, the measurement registry, interleaved timing, the report.

A *measurement* times our code against one or more baselines doing the same work. The harness runs them
interleaved in one process (ours, baseline A, baseline B, ours, baseline A, …) after warm-up, so drift of the
machine (CPU frequency, caches, other load) hits every contender alike, and reports medians.

To add one, put a module ``benchmarks/bench_<topic>.py`` next to this file (every module here other than the
harness itself, ``synthetic`` and ``__main__`` is imported automatically) with::

    from benchmarks.harness import Context, Measurement, register

    @register("photo_ingest", order=30)
    def photo_ingest(ctx: Context) -> Measurement:
        photos = ...  # cheap wiring here; expensive preparation in `setup`
        return Measurement(
            name="photo_ingest", unit="ms/photo", n=len(photos), scale=1e3,
            ours=lambda: ingest(photos),
            baselines={"pillow_only": lambda: pillow_only(photos)},
        )
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import json
import os
import pkgutil
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_DATABASE_URL = "postgis://postgres@127.0.0.1:5432/wenming_bench"
META_TABLE = "bench_meta"


# ---------------------------------------------------------------- measurements and their registry


@dataclass
class Issue:
    level: str  # "error" fails the run; "warning" is reported only
    measurement: str
    message: str


@dataclass
class Measurement:
    """One thing to time: our callable and the baselines it is compared with, all doing the same work.

    value = median seconds per run × scale / n, so with scale=1e6 the unit is µs per item (per point, per call).
    With ``measures="result"`` the callables return the quantity themselves (bytes, MiB, a count …) and
    value = median returned number × scale / n instead of time.
    ``setup`` runs once before warm-up; ``check`` runs once after timing and receives the last return value of
    every contender ({"ours": …, "<baseline>": …}) to verify they agree; it returns Issues.
    """

    name: str
    unit: str
    n: int
    ours: Callable[[], Any]
    baselines: dict[str, Callable[[], Any]]
    setup: Callable[[], None] | None = None
    check: Callable[[dict[str, Any]], list[Issue]] | None = None
    scale: float = 1e6
    repeats: int | None = None  # default for this measurement; --repeats overrides
    warmup: int = 1
    target: float | None = None  # ours must be <= target (in `unit`)
    notes: list[str] = field(default_factory=list)
    measures: str = "time"  # "time": wall time of each call; "result": the number each call returns

    def __post_init__(self) -> None:
        if self.measures not in ("time", "result"):
            raise ValueError(f"{self.name}: measures must be 'time' or 'result', not {self.measures!r}")


Builder = Callable[["Context"], Measurement]


@dataclass
class _Entry:
    name: str
    builder: Builder
    order: int


REGISTRY: dict[str, _Entry] = {}


def register(name: str, *, order: int = 100) -> Callable[[Builder], Builder]:
    """Register a measurement builder under `name`. It is called only when the measurement is selected."""

    def decorate(builder: Builder) -> Builder:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} is registered twice")
        REGISTRY[name] = _Entry(name, builder, order)
        return builder

    return decorate


INFRASTRUCTURE = {"__main__", "harness", "synthetic", "load"}  # load: its own command, python -m benchmarks.load
IMPORT_FAILURES: dict[str, str] = {}


def discover() -> list[str]:
    """Import every measurement module in benchmarks/ so its @register calls run; return the names in run order.

    A module that fails to import is remembered in IMPORT_FAILURES (reported by main) instead of stopping the others.
    """
    for module in pkgutil.iter_modules([str(BENCH_DIR)]):
        if module.name in INFRASTRUCTURE or module.name.startswith("_"):
            continue
        try:
            importlib.import_module(f"benchmarks.{module.name}")
        except Exception as exc:  # a broken benchmark module must not take the others down
            IMPORT_FAILURES[module.name] = f"{type(exc).__name__}: {exc}"
    return [e.name for e in sorted(REGISTRY.values(), key=lambda e: (e.order, e.name))]


# ---------------------------------------------------------------- context shared by the measurements


@dataclass
class Context:
    points: int
    repeats: int | None
    quick: bool
    seed: int
    refresh: bool = False
    findings: int = 1_000_000  # synthetic findings with tasks for the map-layer measurements (--findings, --scale)
    issues: list[Issue] = field(default_factory=list)
    _cache: dict[str, Any] = field(default_factory=dict)

    def log(self, message: str) -> None:
        print(f"  · {message}", flush=True)

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # The synthetic world, generated once per database and reused while its parameters stay the same.

    def dataset(self):
        from benchmarks import synthetic

        return self.cached("dataset", lambda: synthetic.generate(synthetic.Params(seed=self.seed)))

    def ensure_geo_data(self):
        """Jurisdictions, units and hotspots in the database (loaded through the services once, then reused)."""

        def make():
            from django.db import connection

            from benchmarks import synthetic

            ds = self.dataset()
            key = ds.params.key()
            if not self.refresh and read_marker("geo") == key:
                self.log(f"synthetic geo data present ({ds.summary()})")
                return ds
            self.log("loading synthetic geo data through the geo services …")
            started = time.perf_counter()
            write_marker("geo", None)
            from benchmarks.synthetic.findings import purge_findings

            with connection.cursor() as cursor:
                purge_findings(cursor)  # they point at the hotspots, units and jurisdictions
            write_marker("findings", None)
            synthetic.purge_dataset()
            summary = synthetic.load_dataset(ds)
            write_marker("geo", key)
            write_marker("points", None)  # points are only meaningful with their hotspots
            self.log(f"loaded {summary} in {time.perf_counter() - started:.1f} s")
            return ds

        return self.cached("geo", make)

    def point_arrays(self, n: int):
        """The first n synthetic points as (lons, lats); the same coordinates as bench_points ids 1…n."""
        from benchmarks import synthetic

        ds = self.ensure_geo_data()
        big = self._cache.get("points_arrays")
        if big is None or len(big[0]) < n:
            big = synthetic.generate_points(ds, n)
            self._cache["points_arrays"] = big
        return big[0][:n], big[1][:n]

    def ensure_points_table(self, n: int) -> None:
        """bench_points holds exactly the first n synthetic points, ids 1…n; rewritten only when it holds others."""
        from django.db import connection, transaction

        from benchmarks import synthetic

        ds = self.ensure_geo_data()
        wanted = {"geo": ds.params.key(), "count": n}
        if not self.refresh and read_marker("points") == wanted:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {synthetic.POINTS_TABLE}")
                if cursor.fetchone()[0] == n:
                    self.log(f"bench_points present ({n:,} points)")
                    return
        lons, lats = self.point_arrays(n)
        self.log(f"writing {n:,} points to bench_points (COPY, GiST index, ANALYZE) …")
        started = time.perf_counter()
        write_marker("points", None)
        with transaction.atomic(), connection.cursor() as cursor:
            synthetic.write_points(cursor, lons, lats)
        write_marker("points", wanted)
        self.log(f"bench_points written in {time.perf_counter() - started:.1f} s")

    def ensure_findings(self, n: int | None = None):
        """n (default --findings) synthetic findings with their tasks, loaded once per database and reused; see
        benchmarks.synthetic.findings."""
        from benchmarks.synthetic.findings import ensure_findings

        return ensure_findings(self, self.findings if n is None else n)


# ---------------------------------------------------------------- database preparation


def configure_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    # Measure as production runs: no query log kept in memory (local settings default DEBUG to on).
    os.environ.setdefault("DEBUG", "0")
    root = str(BENCH_DIR.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    import django

    django.setup()


def ensure_database() -> dict:
    """Create the benchmark database if it is missing (via the `postgres` maintenance database)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "postgis" not in db["ENGINE"]:
        raise SystemExit(
            f"The benchmarks need PostGIS; DATABASE_URL points at {db['ENGINE']}. "
            f"Run with DATABASE_URL={DEFAULT_DATABASE_URL} (this is what `make bench` does)."
        )
    name = db["NAME"]
    if "bench" not in name and os.environ.get("BENCH_ALLOW_ANY_DB") != "1":
        raise SystemExit(
            f"Refusing to load synthetic benchmark data into database {name!r}: its name does not contain 'bench'. "
            "Point BENCH_DATABASE_URL at a dedicated database (or set BENCH_ALLOW_ANY_DB=1 if you really mean it)."
        )
    import psycopg
    from psycopg import sql

    params = {"dbname": "postgres", "host": db.get("HOST") or None, "port": db.get("PORT") or None}
    params.update({k: db.get(K) for k, K in (("user", "USER"), ("password", "PASSWORD")) if db.get(K)})
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"Creating database {name}", flush=True)
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return db


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key text PRIMARY KEY, value jsonb NOT NULL)")


def read_marker(key: str) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {META_TABLE} WHERE key = %s", [key])
        row = cursor.fetchone()
    if row is None:
        return None
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]


def write_marker(key: str, value: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if value is None:
            cursor.execute(f"DELETE FROM {META_TABLE} WHERE key = %s", [key])
        else:
            cursor.execute(
                f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s::jsonb) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [key, json.dumps(value, sort_keys=True)],
            )


def machine_info() -> dict:
    import django
    import numpy
    import shapely
    from django.db import connection

    memory_gib = None
    with contextlib.suppress(ValueError, OSError, AttributeError):
        memory_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT postgis_lib_version(), postgis_geos_version(), current_setting('server_version')")
        postgis, postgis_geos, postgres = cursor.fetchone()
    return {
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgres": postgres,
        "postgis": postgis,
        "postgis_geos": postgis_geos,
        "geos": shapely.geos_version_string,
        "shapely": shapely.__version__,
        "numpy": numpy.__version__,
        "platform": platform.platform(),
        "django_debug": False,
        # Other work on the machine skews absolute numbers (interleaving keeps the ratios fair).
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


# ---------------------------------------------------------------- timing


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def run_measurement(m: Measurement, repeats: int) -> tuple[list[dict], list[Issue]]:
    from benchmarks.synthetic import analyze_small_tables

    contenders = {"ours": m.ours, **m.baselines}
    if m.setup is not None:
        m.setup()
    analyze_small_tables()  # whatever the builder and setup loaded: the one place the small tables get statistics
    for _ in range(m.warmup):
        for fn in contenders.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in contenders}
    last: dict[str, Any] = {}
    for r in range(repeats):
        for name, fn in contenders.items():  # interleaved: ours, baseline(s), ours, baseline(s), …
            elapsed, last[name] = _timed(fn)
            times[name].append(float(last[name]) if m.measures == "result" else elapsed)
        line = "  ".join(f"{name} {t[-1] * m.scale / m.n:,.2f}" for name, t in times.items())
        print(f"    round {r + 1}/{repeats}: {line} {m.unit}", flush=True)
    issues = m.check(last) if m.check is not None else []
    value = statistics.median(times["ours"]) * m.scale / m.n
    records = []
    for baseline in m.baselines:
        baseline_value = statistics.median(times[baseline]) * m.scale / m.n
        record = {
            "name": m.name,
            "unit": m.unit,
            "value": round(value, 4),
            "baseline": baseline,
            "baseline_value": round(baseline_value, 4),
            "ratio": round(value / baseline_value, 4) if baseline_value else None,
            "n": m.n,
            "backend": _backend(),
            "repeats": repeats,
        }
        if m.target is not None:
            record["target"] = m.target
            record["target_met"] = value <= m.target
        records.append(record)
    return records, issues


def _backend() -> str:
    from django.db import connection

    from geo.backends import features

    return features(connection).name


# ---------------------------------------------------------------- report


def markdown(records: list[dict]) -> str:
    lines = [
        "| measurement | unit | n | ours | baseline | baseline value | ratio (ours / baseline) | target |",
        "|---|---|---:|---:|---|---:|---:|---|",
    ]
    for r in records:
        target = ""
        if "target" in r:
            target = f"≤ {r['target']:g}: {'met' if r['target_met'] else 'MISSED'}"
        lines.append(
            f"| {r['name']} | {r['unit']} | {r['n']:,} | {r['value']:,.2f} | {r['baseline']} | "
            f"{r['baseline_value']:,.2f} | {r['ratio']:.3f} | {target} |"
        )
    return "\n".join(lines)


def merged_results(path: Path, payload: dict) -> dict:
    """A run of some measurements (``--only``) replaces their records and issues in the results file and keeps the
    others' (each record carries when it was measured, the load average then and the run's settings)."""
    try:
        earlier = json.loads(path.read_text())
    except (OSError, ValueError):
        return payload
    measured = {record["name"] for record in payload["records"]} | {issue["measurement"] for issue in payload["issues"]}
    kept = [record for record in earlier.get("records", []) if record.get("name") not in measured]
    kept_issues = [issue for issue in earlier.get("issues", []) if issue.get("measurement") not in measured]
    return {**payload, "records": kept + payload["records"], "issues": kept_issues + payload["issues"]}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this measurement (repeatable)")
    parser.add_argument("--points", type=int, default=None, help="points for bulk routing (default 1,000,000)")
    parser.add_argument("--repeats", type=int, default=None, help="timed rounds per contender (default per test)")
    parser.add_argument(
        "--findings", type=int, default=None, help="synthetic findings for the map layers (default 1,000,000)"
    )
    parser.add_argument("--scale", action="store_true", help="10,000,000 synthetic findings (cost against size)")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--seed", type=int, default=None, help="seed of the synthetic data")
    parser.add_argument("--refresh", action="store_true", help="regenerate the synthetic data even if present")
    parser.add_argument("--list", action="store_true", help="list the measurements and exit")
    parser.add_argument(
        "--output", type=Path, default=RESULTS_DIR / "latest.json", help="where to write the JSON results"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_django()
    from benchmarks.synthetic import Params
    from benchmarks.synthetic.findings import DEFAULT_FINDINGS, QUICK_FINDINGS, SCALE_FINDINGS

    names = discover()
    for module, error in IMPORT_FAILURES.items():
        print(f"Could not import benchmarks.{module}: {error}", file=sys.stderr)
    if args.list:
        print("\n".join(names))
        return 0
    selected = names
    if args.only:
        unknown = sorted(set(args.only) - set(names))
        if unknown:
            raise SystemExit(f"Unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(names)}.")
        selected = [n for n in names if n in args.only]
    points = args.points if args.points is not None else (20_000 if args.quick else 1_000_000)
    if args.findings is not None:
        findings = args.findings
    elif args.scale:
        findings = SCALE_FINDINGS
    else:
        findings = QUICK_FINDINGS if args.quick else DEFAULT_FINDINGS
    ctx = Context(
        points=points,
        findings=findings,
        repeats=args.repeats,
        quick=args.quick,
        seed=args.seed if args.seed is not None else Params().seed,
        refresh=args.refresh,
    )

    db = ensure_database()
    print(f"Benchmark database {db['NAME']} on {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}", flush=True)
    migrate()
    machine = machine_info()
    print(
        f"Machine: {machine['cores']} cores, {machine['memory_gib']} GiB, Python {machine['python']}, "
        f"Django {machine['django']}, PostGIS {machine['postgis']}, GEOS {machine['geos']}, "
        f"shapely {machine['shapely']}, load average {machine['load_average_at_start']}",
        flush=True,
    )

    records: list[dict] = []
    issues: list[Issue] = []
    for name in selected:
        print(f"\n== {name}", flush=True)
        m = REGISTRY[name].builder(ctx)
        repeats = args.repeats or m.repeats or (3 if args.quick else 5)
        started = time.perf_counter()
        got, found = run_measurement(m, repeats)
        records.extend(got)
        issues.extend(found)
        for note in m.notes:
            print(f"  note: {note}")
        for r in got:
            if "target" in r:
                verdict = "MET" if r["target_met"] else "MISSED"
                print(f"  target {r['name']} ≤ {r['target']:g} {r['unit']}: {verdict} ({r['value']:,.3f})")
        print(f"  ({time.perf_counter() - started:.1f} s)", flush=True)
    issues.extend(ctx.issues)
    for module, error in IMPORT_FAILURES.items():
        # Only an error when it may have hidden a measurement that was asked for.
        level = "warning" if args.only else "error"
        issues.append(Issue(level, f"benchmarks.{module}", f"the module could not be imported: {error}"))

    print("\n" + markdown(records))
    for issue in issues:
        print(f"\n{issue.level.upper()} [{issue.measurement}]: {issue.message}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    settings = {
        "points": points,
        "findings": findings,
        "quick": args.quick,
        "seed": ctx.seed,
        "repeats": args.repeats,
    }
    for record in records:
        record["measured_at"] = machine["measured_at"]
        record["load_average"] = machine["load_average_at_start"]
        record["settings"] = settings
    payload = {
        "machine": machine,
        "settings": settings,
        "records": records,
        "issues": [issue.__dict__ for issue in issues],
    }
    if args.only:
        payload = merged_results(args.output, payload)
    args.output.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    print(f"\nResults written to {args.output}")
    errors = [i for i in issues if i.level == "error"]
    return 1 if errors else 0
