"""The offline sync: a 500-item batch (inspections of synthetic hotspots, one finding each), first and replayed.

Ours: `mobile_forms.sync.sync_batch` on the decoded JSON items, exactly what `POST /api/sync/` runs after
authentication and JSON parsing: reading the items, every check of `inspection_submit` (hotspot and jurisdiction
scope, phase, district, model validation), the deepest jurisdiction of every point, routing each finding to its
unit, likely duplicates, registering each finding as a rectification task (deadline in working days, audit row),
the inserts, and the sync's own bookkeeping.

Baselines, over the very same rows (read back from ours once, so ids, routing and duplicates are identical):

- ``raw_sql_on_conflict``: one ``INSERT … ON CONFLICT (id) DO NOTHING RETURNING id`` per table with every
  value already known: the floor of storing these rows idempotently, with no checks and no routing at all;
- ``get_or_create``: ``Model.objects.get_or_create(id=…, defaults=…)`` per inspection, finding, task and task
  event (its audit row) with every value already known, all in one transaction: the same single commit ours makes.
  (Each item in its own transaction, a commit and WAL flush per item, measured 1.6× slower still on the
  development machine.)

"First" starts each round from a database without the batch's rows (deleted, and the tables vacuumed, outside the
timing, so each contender times only its own work and its commit); "replay" sends the batch again while all of it
is stored. Checks: every contender leaves exactly one inspection, one finding, one task and one audit row per item;
ours answers "created" for every item the first time and "existing" for every item on a replay.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid

import numpy as np

from benchmarks.harness import Context, Issue, Measurement, register

ITEMS = 500
QUICK_ITEMS = 100
SEED_NAMESPACE = uuid.UUID("5f0c3a52-8d7e-4d8c-9a55-0f3b2f6c9e11")
USERNAME = "bench_sync_inspector"
CAMPAIGN = "BENCH 同步基准（合成）"
DEVICE = "bench-tablet"
PROBLEMS = ["exposed_garbage", "illegal_ads", "street_vending", "illegal_parking", "dirty_facilities"]
TARGET_RAW_RATIO = 1.5
TARGET_GET_OR_CREATE_SPEEDUP = 30.0


class _World:
    """The user, phase and items of the sync benchmark, made once per run."""

    def __init__(self, ctx: Context, count: int):
        from django.utils import timezone

        from accounts.models import Role, User
        from benchmarks.synthetic import CODE_PREFIX, HOTSPOT_PREFIX
        from geo.models import Hotspot, Jurisdiction
        from inspections.evidence.inspections import hotspot_anchor
        from inspections.evidence.problem_types import ensure_default_problem_types
        from inspections.models import Campaign, Phase, PhaseKind, ProblemType

        ctx.ensure_geo_data()
        ensure_default_problem_types()
        district = Jurisdiction.objects.get(code=CODE_PREFIX, level=0)
        user, _ = User.objects.update_or_create(
            username=USERNAME, defaults={"role": Role.INSPECTOR, "jurisdiction": district, "is_active": True}
        )
        today = timezone.localdate()
        campaign, _ = Campaign.objects.update_or_create(
            name=CAMPAIGN,
            defaults={"starts_on": today - dt.timedelta(days=30), "ends_on": today + dt.timedelta(days=30)},
        )
        phase, _ = Phase.objects.update_or_create(
            campaign=campaign,
            kind=PhaseKind.SELF_INSPECTION,
            defaults={"starts_on": today - dt.timedelta(days=7), "ends_on": today + dt.timedelta(days=7)},
        )
        codes = [c for c in PROBLEMS if ProblemType.objects.filter(code=c, active=True).exists()]
        hotspots = list(Hotspot.objects.filter(name__startswith=HOTSPOT_PREFIX, active=True).order_by("pk"))
        rng = np.random.default_rng(ctx.seed + 40)
        now = timezone.now()
        self.user, self.phase = user, phase
        self.items = []
        for i in range(count):
            hotspot = hotspots[int(rng.integers(len(hotspots)))]
            anchor = hotspot_anchor(hotspot)
            # Within about 25 m of the hotspot: some findings near each other, so likely duplicates happen too.
            lon = anchor.x + float(rng.uniform(-3e-4, 3e-4))
            lat = anchor.y + float(rng.uniform(-2e-4, 2e-4))
            started = now - dt.timedelta(minutes=int(rng.integers(10, 600)))
            self.items.append(
                {
                    "type": "inspection",
                    "id": str(uuid.uuid5(SEED_NAMESPACE, f"{ctx.seed}-inspection-{i}")),
                    "hotspot": hotspot.pk,
                    "phase": phase.pk,
                    "started_at": started.isoformat(),
                    "ended_at": (started + dt.timedelta(minutes=15)).isoformat(),
                    "position": {"lon": anchor.x + 5e-5, "lat": anchor.y, "accuracy": 6.5},
                    "answers": {"clean": "no", "orderly": "yes"},
                    "findings": [
                        {
                            "id": str(uuid.uuid5(SEED_NAMESPACE, f"{ctx.seed}-finding-{i}")),
                            "problem_type": codes[int(rng.integers(len(codes)))],
                            "severity": "",
                            "description": "基准合成数据",
                            "location": {"lon": lon, "lat": lat},
                        }
                    ],
                }
            )
        self.inspection_ids = [uuid.UUID(item["id"]) for item in self.items]
        self.finding_ids = [uuid.UUID(item["findings"][0]["id"]) for item in self.items]
        self.rows: dict[str, tuple[list[str], list[tuple]]] = {}

    # ------------------------------------------------------------ database state around the timed work

    def forget(self) -> None:
        from inspections.models import Finding, Inspection  # tasks and their events go with their findings
        from mobile_forms.models import SyncConflict, SyncRefusal

        Finding.objects.filter(pk__in=self.finding_ids).delete()
        Inspection.objects.filter(pk__in=self.inspection_ids).delete()
        SyncRefusal.objects.filter(user=self.user).delete()
        SyncConflict.objects.filter(user=self.user).delete()
        self.vacuum()

    def vacuum(self) -> None:
        """Clear the rows just deleted from the tables and their indexes. Every round deletes and stores the batch
        again; where autovacuum is off (as on the development machine) or slow, the dead rows pile up in the
        indexes and each round is slower than the last, reads (ours) more than blind inserts (raw SQL)."""
        from django.db import connection

        from inspections.models import Finding, Inspection, Task, TaskEvent

        tables = ", ".join(model._meta.db_table for model in (Inspection, Finding, Task, TaskEvent))
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")

    def counts(self) -> tuple[int, int, int, int]:
        from inspections.models import Finding, Inspection, Task, TaskEvent

        return (
            Inspection.objects.filter(pk__in=self.inspection_ids).count(),
            Finding.objects.filter(pk__in=self.finding_ids).count(),
            Task.objects.filter(finding__in=self.finding_ids).count(),
            TaskEvent.objects.filter(task__finding__in=self.finding_ids).count(),
        )

    def capture_rows(self) -> None:
        """The stored rows, column by column, as the raw SQL baseline will insert them again."""
        from django.db import connection

        from inspections.models import Finding, Inspection, Task, TaskEvent

        self.task_ids = list(Task.objects.filter(finding__in=self.finding_ids).values_list("pk", flat=True))
        self.event_ids = list(TaskEvent.objects.filter(task__in=self.task_ids).values_list("pk", flat=True))
        for model, ids in (
            (Inspection, self.inspection_ids),
            (Finding, self.finding_ids),
            (Task, self.task_ids),
            (TaskEvent, self.event_ids),
        ):
            columns = [f.column for f in model._meta.concrete_fields]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {', '.join(columns)} FROM {model._meta.db_table} WHERE id = ANY(%s) ORDER BY id",
                    [ids],
                )
                self.rows[model._meta.db_table] = (columns, cursor.fetchall())

    def model_values(self):
        """Per inspection, finding, task and event: the field values ours stored, for get_or_create's defaults."""
        from inspections.models import Finding, Inspection, Task, TaskEvent

        def values(model, ids):
            names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
            return {
                row["id"]: {k: row[k] for k in names} for row in model.objects.filter(pk__in=ids).values("id", *names)
            }

        return (
            values(Inspection, self.inspection_ids),
            values(Finding, self.finding_ids),
            values(Task, self.task_ids),
            values(TaskEvent, self.event_ids),
        )


def _insert_on_conflict(world: _World) -> int:
    from django.db import connection, transaction
    from psycopg.types.json import Jsonb

    returned = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("inspections_inspection", "inspections_finding", "inspections_task", "inspections_taskevent"):
            columns, rows = world.rows[table]
            row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
            params = [Jsonb(v) if isinstance(v, dict | list) else v for row in rows for v in row]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row_sql] * len(rows))} "
                "ON CONFLICT (id) DO NOTHING RETURNING id",
                params,
            )
            returned += len(cursor.fetchall())
    return returned


def _get_or_create(world: _World, inspections: dict, findings: dict, tasks: dict, events: dict) -> int:
    from django.db import transaction

    from inspections.models import Finding, Inspection, Task, TaskEvent

    created = 0
    with transaction.atomic():
        for inspection_id, finding_id in zip(world.inspection_ids, world.finding_ids, strict=True):
            created += Inspection.objects.get_or_create(id=inspection_id, defaults=inspections[inspection_id])[1]
            created += Finding.objects.get_or_create(id=finding_id, defaults=findings[finding_id])[1]
        for model, rows in ((Task, tasks), (TaskEvent, events)):
            for pk, defaults in rows.items():
                created += model.objects.get_or_create(id=pk, defaults=defaults)[1]
    return created


def _baselines(timed) -> dict:
    return {
        "raw_sql_on_conflict": timed("raw_sql_on_conflict", _insert_on_conflict),
        "get_or_create": timed("get_or_create", lambda world: _get_or_create(world, *world.values)),
    }


def _prepared(ctx: Context) -> _World:
    """Made once per run: the world, our first submission (whose rows the baselines reuse)."""

    def make():
        from mobile_forms.sync import sync_batch

        world = _World(ctx, QUICK_ITEMS if ctx.quick else ITEMS)
        world.forget()
        results = sync_batch(user=world.user, device=DEVICE, items=world.items)
        refused = [r for r in results if r.status != "created"]
        if refused:
            raise RuntimeError(f"the benchmark batch was not stored: {refused[:3]}")
        world.capture_rows()
        world.values = world.model_values()
        return world

    return ctx.cached("sync_world", make)


def _ratio_notes(name: str) -> list[str]:
    return [
        f"{name}: ours = mobile_forms.sync.sync_batch on the decoded items (what POST /api/sync/ runs after "
        "authentication and JSON parsing); targets: ≤ 1.5× raw_sql_on_conflict and ≥ 30× faster than get_or_create",
    ]


def _check_targets(name: str, last_times: dict[str, float]) -> list[Issue]:
    """Not errors (correctness is), but say plainly when a target is missed."""
    issues = []
    ours = last_times.get("ours")
    raw = last_times.get("raw_sql_on_conflict")
    if ours and raw and ours > TARGET_RAW_RATIO * raw:
        issues.append(Issue("warning", name, f"ours is {ours / raw:.2f}× raw SQL (target ≤ {TARGET_RAW_RATIO}×)"))
    slow = last_times.get("get_or_create")
    if ours and raw and slow and slow / ours < TARGET_GET_OR_CREATE_SPEEDUP:
        issues.append(
            Issue(
                "warning",
                name,
                f"ours is {slow / ours:.1f}× faster than get_or_create "
                f"(target ≥ {TARGET_GET_OR_CREATE_SPEEDUP:g}×; raw SQL itself is {slow / raw:.1f}× faster)",
            )
        )
    return issues


@register("sync_batch_500_first", order=40)
def sync_first(ctx: Context) -> Measurement:
    state: dict = {"counts": {}, "statuses": None, "times": {}}

    def timed(name, work):
        def run():
            world = _prepared(ctx)
            world.forget()
            started = time.perf_counter()
            result = work(world)
            elapsed = time.perf_counter() - started
            state["counts"][name] = world.counts()
            state["times"].setdefault(name, []).append(elapsed)
            if name == "ours":
                state["statuses"] = {r.status for r in result}
            return elapsed

        return run

    def ours(world):
        from mobile_forms.sync import sync_batch

        return sync_batch(user=world.user, device=DEVICE, items=world.items)

    def check(last) -> list[Issue]:
        world = _prepared(ctx)
        n = len(world.items)
        issues = [
            Issue(
                "error",
                "sync_batch_500_first",
                f"{name} left {counts} (inspections, findings, tasks, events) for {n} items",
            )
            for name, counts in state["counts"].items()
            if counts != (n,) * 4
        ]
        if state["statuses"] != {"created"}:
            issues.append(Issue("error", "sync_batch_500_first", f"ours answered {state['statuses']} on first send"))
        medians = {name: float(np.median(times)) for name, times in state["times"].items()}
        issues += _check_targets("sync_batch_500_first", medians)
        # Leave the batch stored for the replay measurement.
        world.forget()
        _insert_on_conflict(world)
        ctx.log(f"sync_batch_500_first: {n} items, every contender left exactly one row per item")
        return issues

    n = QUICK_ITEMS if ctx.quick else ITEMS
    return Measurement(
        name="sync_batch_500_first",
        unit="ms",
        n=n,
        scale=1e3 * n,  # value = ms per batch
        ours=timed("ours", ours),
        baselines=_baselines(timed),
        setup=lambda: _prepared(ctx),
        check=check,
        measures="result",
        repeats=5,
        notes=_ratio_notes("sync_batch_500_first"),
    )


@register("sync_batch_500_replay", order=41)
def sync_replay(ctx: Context) -> Measurement:
    state: dict = {"times": {}}

    def setup():
        world = _prepared(ctx)
        if world.counts() != (len(world.items),) * 4:
            world.forget()
            _insert_on_conflict(world)

    def timed(name, work):
        def run():
            world = _prepared(ctx)
            started = time.perf_counter()
            result = work(world)
            state["times"].setdefault(name, []).append(time.perf_counter() - started)
            return result

        return run

    def ours(world):
        from mobile_forms.sync import sync_batch

        return [r.status for r in sync_batch(user=world.user, device=DEVICE, items=world.items)]

    def check(last) -> list[Issue]:
        world = _prepared(ctx)
        n = len(world.items)
        issues = []
        if set(last["ours"]) != {"existing"}:
            issues.append(Issue("error", "sync_batch_500_replay", f"ours answered {set(last['ours'])} on a replay"))
        if last["raw_sql_on_conflict"] != 0 or last["get_or_create"] != 0:
            issues.append(Issue("error", "sync_batch_500_replay", "a baseline inserted rows on a replay"))
        if world.counts() != (n,) * 4:
            issues.append(Issue("error", "sync_batch_500_replay", f"{world.counts()} rows for {n} items"))
        medians = {name: float(np.median(times)) for name, times in state["times"].items()}
        issues += _check_targets("sync_batch_500_replay", medians)
        ctx.log(f"sync_batch_500_replay: {n} items answered existing, still exactly one row per item")
        world.forget()
        return issues

    n = QUICK_ITEMS if ctx.quick else ITEMS
    return Measurement(
        name="sync_batch_500_replay",
        unit="ms",
        n=n,
        scale=1e3 * n,
        ours=timed("ours", ours),
        baselines=_baselines(timed),
        setup=setup,
        check=check,
        repeats=5,
        notes=_ratio_notes("sync_batch_500_replay"),
    )
