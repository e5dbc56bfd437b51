"""The synthetic findings of the map-layer benchmarks, small: every status, severity and phase, the jurisdiction
and routing of each point as the database would say, times within the 90 days, reused on a second run, and the
helpers' bbox and tiles holding what they promise. PostGIS only (the benchmarks run there)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from benchmarks.harness import META_TABLE, Context
from benchmarks.synthetic import Params
from benchmarks.synthetic.findings import (
    DAYS,
    SEVERITIES,
    STATUSES,
    bench_user,
    dense_tiles,
    ensure_findings,
    findings_bbox,
    tile_of,
)
from geo.layers import get_layer

N = 3_000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=False),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmarks run on PostGIS"),
]


@pytest.fixture
def ctx(db):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key text PRIMARY KEY, value jsonb NOT NULL)")
    return Context(points=0, repeats=None, quick=True, seed=Params().seed, findings=N)


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_findings_with_tasks_in_every_status_severity_and_phase(ctx):
    info = ctx.ensure_findings()
    assert info.count == N
    me = [info.inspector_id]
    statuses = dict(rows("SELECT t.status, count(*) FROM inspections_task t JOIN inspections_finding f "
                         "ON f.id = t.finding_id WHERE f.created_by_id = %s GROUP BY 1", me))  # fmt: skip
    assert sum(statuses.values()) == N
    assert set(statuses) == set(STATUSES)
    overdue = rows(
        "SELECT count(*) FROM inspections_task WHERE status IN ('dispatched', 'accepted', 'in_progress', "
        "'extension_requested', 'rejected') AND due_at < now()"
    )[0][0]
    assert 0.03 * N < overdue < 0.3 * N
    assert {
        s for (s,) in rows("SELECT DISTINCT severity FROM inspections_finding WHERE created_by_id = %s", me)
    } == set(SEVERITIES)
    assert (
        rows("SELECT count(DISTINCT problem_type_id) FROM inspections_finding WHERE created_by_id = %s", me)[0][0]
        == rows("SELECT count(*) FROM inspections_problemtype WHERE active")[0][0]
    )
    phases = rows(
        "SELECT i.phase_id, count(*) FROM inspections_finding f JOIN inspections_inspection i "
        "ON i.id = f.inspection_id WHERE f.created_by_id = %s GROUP BY 1 ORDER BY 1",
        me,
    )
    assert [p for p, _ in phases] == list(info.phase_ids)
    assert phases[0][1] > phases[-1][1]  # more in the first phase than in the last

    now = timezone.now()
    first, last = rows("SELECT min(created_at), max(created_at) FROM inspections_finding WHERE created_by_id = %s", me)[
        0
    ]
    assert now - dt.timedelta(days=DAYS + 1) < first and last <= now
    # Task and finding agree; a task with its unit has a deadline after registration; closed ones are not open.
    assert rows(
        "SELECT count(*) FROM inspections_task t JOIN inspections_finding f ON f.id = t.finding_id "
        "WHERE f.created_by_id = %s AND (NOT ST_Equals(t.location, f.location) "
        "OR t.jurisdiction_id <> f.jurisdiction_id "
        "OR (t.due_at IS NOT NULL AND t.due_at <= t.registered_at) OR (t.status = 'closed' AND f.is_open) "
        "OR (t.status IN ('dispatched', 'in_progress') AND t.unit_id IS NULL))",
        me,
    ) == [(0,)]


def test_jurisdiction_and_routing_are_what_the_database_says(ctx):
    info = ensure_findings(ctx, N)
    wrong = rows(
        "SELECT count(*) FROM inspections_finding f WHERE f.created_by_id = %s AND f.jurisdiction_id IS DISTINCT FROM "
        "(SELECT j.id FROM geo_jurisdiction j WHERE j.code LIKE '110199%%' AND ST_Intersects(j.boundary, f.location) "
        "ORDER BY j.level DESC, j.code LIMIT 1) AND EXISTS (SELECT 1 FROM geo_jurisdiction j "
        "WHERE j.code LIKE '110199%%' AND ST_Intersects(j.boundary, f.location))",
        [info.inspector_id],
    )
    assert wrong == [(0,)]
    # A finding routed through a service area lies in that unit's area.
    assert rows(
        "SELECT count(*) FROM inspections_finding f JOIN geo_unit u ON u.id = f.routed_unit_id "
        "WHERE f.created_by_id = %s AND f.routing_rule = 'service_area' "
        "AND NOT ST_Intersects(u.service_area, f.location)",
        [info.inspector_id],
    ) == [(0,)]


def test_the_layers_see_every_synthetic_row_as_the_district_manager(ctx):
    info = ensure_findings(ctx, N)
    manager = bench_user(info, "manager")
    assert get_layer("findings").queryset(manager, {}).count() == N
    assert get_layer("tasks").queryset(manager, {}).count() == N
    member = bench_user(info, "rectifier")
    unit_tasks = rows("SELECT count(*) FROM inspections_task WHERE unit_id = %s", [info.rectifier_unit_id])[0][0]
    assert get_layer("tasks").queryset(member, {}).count() == unit_tasks > 0


def test_a_second_run_reuses_the_rows(ctx):
    info = ensure_findings(ctx, N)
    ids = rows("SELECT md5(string_agg(id::text, ',' ORDER BY id)) FROM inspections_task")
    again = ensure_findings(Context(points=0, repeats=None, quick=True, seed=ctx.seed, findings=N), N)
    assert again == info
    assert rows("SELECT md5(string_agg(id::text, ',' ORDER BY id)) FROM inspections_task") == ids


def test_helpers_bbox_and_dense_tiles(ctx):
    info = ensure_findings(ctx, N)
    box = findings_bbox(ctx, info, target=600)
    inside = rows(
        "SELECT count(*) FROM inspections_finding WHERE location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
        list(box.as_tuple()),
    )[0][0]
    assert inside == box.count and abs(box.count - 600) < 60
    tiles = dense_tiles(ctx, info, 12, count=3)
    assert len(tiles) == 3
    counts = []
    for z, x, y in tiles:
        points = rows("SELECT ST_X(location), ST_Y(location) FROM inspections_finding WHERE created_by_id = %s",
                      [info.inspector_id])  # fmt: skip
        counts.append(sum(tile_of(lon, lat, z) == (x, y) for lon, lat in points))
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
