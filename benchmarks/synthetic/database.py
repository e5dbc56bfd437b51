"""Writing the synthetic dataset through the geo services, and the ``bench_points`` table with COPY."""

from __future__ import annotations

import io

import numpy as np

from benchmarks.synthetic.dataset import CODE_PREFIX, HOTSPOT_PREFIX, POINTS_TABLE, UNIT_PREFIX, Dataset

# The small tables the loaders fill (the geo world, the campaigns, problem types, the bench users). Without
# statistics PostgreSQL takes each for a table of one row and, e.g., loops over a million findings once per
# jurisdiction (minutes instead of seconds). The loaders of the big tables ANALYZE those themselves.
SMALL_TABLES = (
    "geo_jurisdiction",
    "geo_unit",
    "geo_hotspot",
    "geo_hotspotcategory",
    "inspections_campaign",
    "inspections_phase",
    "inspections_problemtype",
    "inspections_problemtype_categories",
    "accounts_user",
)


def analyze_small_tables() -> None:
    """ANALYZE ``SMALL_TABLES`` (milliseconds: a few hundred rows each); the harness runs it once every
    measurement's data is loaded, before anything is timed."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in SMALL_TABLES:
            cursor.execute(f"ANALYZE {table}")


def purge_dataset() -> None:
    """Remove a previously loaded synthetic dataset (everything under CODE_PREFIX, units and hotspots named BENCH)."""
    from geo.models import Hotspot, Jurisdiction, Unit

    Hotspot.objects.filter(name__startswith=HOTSPOT_PREFIX).delete()
    Hotspot.objects.filter(jurisdiction__code__startswith=CODE_PREFIX).delete()
    Unit.objects.filter(name__startswith=UNIT_PREFIX).delete()
    for level in (3, 2, 1, 0):
        Jurisdiction.objects.filter(code__startswith=CODE_PREFIX, level=level).delete()


def load_dataset(ds: Dataset) -> dict:
    """Write the dataset through the geo services (validation, derived fields and all), in one transaction."""
    from django.db import transaction

    from geo.models import HotspotCategory, Jurisdiction, Unit
    from geo.services import hotspot_create, jurisdiction_save, unit_save
    from geo.validation import from_shapely

    with transaction.atomic():
        saved: dict[str, Jurisdiction] = {}
        for spec in ds.jurisdictions:
            saved[spec.code] = jurisdiction_save(
                jurisdiction=Jurisdiction(
                    code=spec.code,
                    name=spec.name,
                    name_en=spec.name_en,
                    kind=spec.kind,
                    parent=saved.get(spec.parent_code) if spec.parent_code else None,
                    boundary=from_shapely(spec.shape),
                )
            )
        units: dict[str, Unit] = {}
        for spec in ds.units:
            units[spec.name] = unit_save(
                unit=Unit(
                    name=spec.name,
                    name_en=spec.name_en,
                    kind=spec.kind,
                    jurisdiction=saved[spec.jurisdiction_code],
                    service_area=from_shapely(spec.shape),
                    routing_priority=spec.routing_priority,
                    active=spec.active,
                )
            )
        categories = {c.code: c for c in HotspotCategory.objects.all()}
        for spec in ds.hotspots:
            hotspot_create(
                name=spec.name,
                category=categories[spec.category],
                geometry=from_shapely(spec.shape),
                sponsoring_unit=units[spec.sponsor] if spec.sponsor else None,
                active=spec.active,
                risk_level=spec.risk_level,
            )
    return ds.summary()


def create_points_table(cursor) -> None:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {POINTS_TABLE} (id bigserial PRIMARY KEY, geom geometry(Point, 4326) NOT NULL)"
    )


def write_points(cursor, lons: np.ndarray, lats: np.ndarray) -> None:
    """Replace the contents of bench_points with these points (ids 1…n, in order): COPY, GiST index, ANALYZE."""
    create_points_table(cursor)
    cursor.execute(f"DROP INDEX IF EXISTS {POINTS_TABLE}_geom_gist")
    cursor.execute(f"TRUNCATE {POINTS_TABLE}")
    cursor.execute("CREATE TEMP TABLE bench_points_load (id bigint, lon float8, lat float8) ON COMMIT DROP")
    step = 200_000
    with cursor.copy("COPY bench_points_load (id, lon, lat) FROM STDIN") as copy:
        for start in range(0, len(lons), step):
            ids = np.arange(start + 1, start + 1 + len(lons[start : start + step]))
            block = np.column_stack([ids, lons[start : start + step], lats[start : start + step]])
            buf = io.StringIO()
            # 17 significant digits round-trip float64 exactly: the table holds the very same coordinates.
            np.savetxt(buf, block, fmt=("%d", "%.17g", "%.17g"), delimiter="\t")
            copy.write(buf.getvalue())
    cursor.execute(
        f"INSERT INTO {POINTS_TABLE} (id, geom) "
        "SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4326) FROM bench_points_load ORDER BY id"
    )
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{POINTS_TABLE}', 'id'), "
        f"GREATEST((SELECT max(id) FROM {POINTS_TABLE}), 1))"
    )
    cursor.execute(f"CREATE INDEX {POINTS_TABLE}_geom_gist ON {POINTS_TABLE} USING gist (geom)")
    cursor.execute(f"ANALYZE {POINTS_TABLE}")
