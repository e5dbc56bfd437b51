"""Synthetic findings with their tasks for the map-layer benchmarks: ``ensure_findings(ctx, n)`` and helpers.

n findings over the synthetic district (the same seeded point generator as ``bench_points``, its own seed: 60 %
clustered around hotspots, 33 % uniform over the area, 7 % over the district), created over the 90 days before they
were loaded (more in the first weeks, fewer as the campaign works), each with its task in every status (overdue ones
too: still with the unit past a deadline counted in working days on the real calendar), every severity and problem
type (those of the hotspot's category on a hotspot). Units, rules and hotspots come from the production routing
(``RoutingIndex``), the jurisdiction is the deepest one holding the point. Findings on the same hotspot (or, off
hotspots, in the same grid cell) on the same day belong to one inspection, in the phase of a campaign of their day.

Loading is set-based: the attributes are drawn with numpy in seeded chunks, streamed with a binary COPY into a
temporary table, and three ``INSERT … SELECT`` statements make the inspections, findings and tasks (ids are
``md5(seed, index)`` UUIDs, so a reload makes the same rows), with the secondary indexes dropped during the load and
built again afterwards, then ANALYZE. No audit rows (task events) and no notifications: the layers never read them.

The rows are reused across runs: the ``findings`` marker in ``bench_meta`` records what was loaded (geo data,
count, seed, generator version, the day the 90 days end); they are rewritten only when that changes.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass

import numpy as np

FINDINGS_VERSION = 1
CAMPAIGN = "BENCH 图层基准（合成）"
CAMPAIGN_EN = "BENCH map layers (synthetic)"
INSPECTOR = "bench_layers_inspector"
MANAGER = "bench_layers_manager"
RECTIFIER = "bench_layers_rectifier"
DAYS = 90
DEFAULT_FINDINGS = 1_000_000
QUICK_FINDINGS = 20_000
SCALE_FINDINGS = 10_000_000
CHUNK = 65_536
SEVERITIES = ("minor", "major", "severe")
# (kind, days before the end the phase starts, days it lasts): the first phase is the busiest.
PHASES = (
    ("self_inspection", 90, 30),
    ("cross_inspection", 60, 25),
    ("mock_evaluation", 35, 20),
    ("acceptance", 15, 30),
)
STATUSES = (
    "triage",
    "unrouted",
    "dispatched",
    "accepted",
    "in_progress",
    "extension_requested",
    "submitted",
    "rejected",
    "returned",
    "deferred",
    "verified",
    "closed",
    "void",
)
WITH_UNIT = ("dispatched", "accepted", "in_progress", "extension_requested", "rejected")
# Chance of each status by the task's age: recent tasks are still being worked on, older ones mostly closed.
_STATUS_BY_AGE = {
    # age < 4 days
    0: dict(triage=3, dispatched=38, accepted=20, in_progress=20, extension_requested=3, submitted=9, rejected=2,
            returned=2, verified=1, closed=1, void=1),
    # 4–20 days
    1: dict(triage=1, dispatched=7, accepted=6, in_progress=10, extension_requested=5, submitted=10, rejected=6,
            returned=2, deferred=3, verified=15, closed=32, void=3),
    # older
    2: dict(dispatched=2, accepted=2, in_progress=4, extension_requested=2, submitted=2, rejected=3, returned=1,
            deferred=4, verified=8, closed=67, void=5),
}  # fmt: skip


@dataclass(frozen=True)
class FindingsInfo:
    """What ``ensure_findings`` loaded: counts, the campaign and phases, and the bench users (ids)."""

    count: int
    campaign_id: int
    phase_ids: tuple[int, ...]
    inspector_id: int
    manager_id: int
    rectifier_id: int
    rectifier_unit_id: int
    ends_on: str  # the last of the 90 days (ISO date)


def ensure_findings(ctx, n: int) -> FindingsInfo:
    """n synthetic findings with their tasks in the benchmark database, loaded once and reused across runs."""

    def make() -> FindingsInfo:
        from django.db import connection, transaction

        from benchmarks.harness import read_marker, write_marker

        ds = ctx.ensure_geo_data()
        wanted = {"geo": ds.params.key(), "count": n, "seed": ctx.seed, "version": FINDINGS_VERSION}
        marker = read_marker("findings")
        if not ctx.refresh and marker and {k: marker.get(k) for k in wanted} == wanted:
            info = _world(dt.date.fromisoformat(marker["ends_on"]))
            if _count(info) == n:
                ctx.log(f"synthetic findings present ({n:,} findings with tasks, ending {marker['ends_on']})")
                return _with_rectifier(info)
        from django.utils import timezone

        ends_on = timezone.localdate()
        ctx.log(f"loading {n:,} synthetic findings with their tasks (COPY, INSERT … SELECT) …")
        started = time.perf_counter()
        write_marker("findings", None)
        with transaction.atomic(), connection.cursor() as cursor:
            purge_findings(cursor)
            info = _world(ends_on)
            _load(cursor, ctx, ds, info, n)
        with connection.cursor() as cursor:
            # VACUUM sets the visibility map (index-only scans); it cannot run inside a transaction (a test's).
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            for table in _TABLES:
                cursor.execute(f"{command} {table}")
        write_marker("findings", {**wanted, "ends_on": ends_on.isoformat()})
        ctx.log(f"synthetic findings loaded in {time.perf_counter() - started:.1f} s")
        return _with_rectifier(info)

    return ctx.cached(f"findings:{n}", make)


# ---------------------------------------------------------------- the campaign, phases and users


def _world(ends_on: dt.date) -> FindingsInfo:
    from accounts.models import Role, User
    from benchmarks.synthetic.dataset import CODE_PREFIX
    from geo.models import Jurisdiction
    from inspections.evidence.problem_types import ensure_default_problem_types
    from inspections.models import Campaign, Phase

    ensure_default_problem_types()
    district = Jurisdiction.objects.get(code=CODE_PREFIX, level=0)
    starts_on = ends_on - dt.timedelta(days=DAYS - 1)
    campaign, _ = Campaign.objects.update_or_create(
        name=CAMPAIGN,
        defaults={"name_en": CAMPAIGN_EN, "starts_on": starts_on, "ends_on": ends_on + dt.timedelta(days=15)},
    )
    phase_ids = []
    for kind, before, length in PHASES:
        first = ends_on - dt.timedelta(days=before - 1)
        phase, _ = Phase.objects.update_or_create(
            campaign=campaign,
            kind=kind,
            defaults={"starts_on": first, "ends_on": first + dt.timedelta(days=length - 1)},
        )
        phase_ids.append(phase.pk)
    users = {}
    for username, role in ((INSPECTOR, Role.INSPECTOR), (MANAGER, Role.MANAGER)):
        users[username], _ = User.objects.update_or_create(
            username=username, defaults={"role": role, "jurisdiction": district, "is_active": True}
        )
    return FindingsInfo(
        count=0,
        campaign_id=campaign.pk,
        phase_ids=tuple(phase_ids),
        inspector_id=users[INSPECTOR].pk,
        manager_id=users[MANAGER].pk,
        rectifier_id=0,
        rectifier_unit_id=0,
        ends_on=ends_on.isoformat(),
    )


def _with_rectifier(info: FindingsInfo) -> FindingsInfo:
    """A member of the unit with the most synthetic tasks (the unit member's map view)."""
    from django.db import connection

    from accounts.models import Role, User

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.unit_id, count(*) FROM inspections_task t JOIN inspections_finding f ON f.id = t.finding_id "
            "WHERE f.created_by_id = %s AND t.unit_id IS NOT NULL GROUP BY t.unit_id ORDER BY 2 DESC, 1 LIMIT 1",
            [info.inspector_id],
        )
        row = cursor.fetchone()
    count = _count(info)
    if row is None:
        return FindingsInfo(**{**info.__dict__, "count": count})
    rectifier, _ = User.objects.update_or_create(
        username=RECTIFIER,
        defaults={"role": Role.RECTIFIER, "unit_id": row[0], "jurisdiction": None, "is_active": True},
    )
    return FindingsInfo(**{**info.__dict__, "count": count, "rectifier_id": rectifier.pk, "rectifier_unit_id": row[0]})


def _count(info: FindingsInfo) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM inspections_finding WHERE created_by_id = %s", [info.inspector_id])
        return cursor.fetchone()[0]


def bench_user(info: FindingsInfo, role: str = "manager"):
    """The user the layer benchmarks ask as: ``manager`` (the district, sees every synthetic row), ``rectifier``
    (one unit's tasks) or ``inspector``."""
    from accounts.models import User

    pk = {"manager": info.manager_id, "rectifier": info.rectifier_id, "inspector": info.inspector_id}[role]
    return User.objects.get(pk=pk)


# ---------------------------------------------------------------- removing and loading the rows


def purge_findings(cursor) -> None:
    """Remove the synthetic inspections, findings and tasks (and anything that points at them), set-based: before
    the findings are loaded again, and before the geo data they point at is."""
    from django.db import transaction
    from django.db.models import Q

    from accounts.models import User
    from inspections.models import Notification, Photo, PhotoUploadSession, TaskEvent, WebhookDelivery

    cursor.execute(
        "SELECT p.id FROM inspections_phase p JOIN inspections_campaign c ON c.id = p.campaign_id WHERE c.name = %s",
        [CAMPAIGN],
    )
    phases = [row[0] for row in cursor.fetchall()]
    with transaction.atomic():
        # What other work may have attached to the synthetic rows (normally nothing): through the ORM, which
        # follows every relation further down (photo flags, an event's photos …).
        of_tasks = {"task__finding__inspection__phase_id__in": phases}
        for model in (Notification, WebhookDelivery, TaskEvent):
            model.objects.filter(**of_tasks).delete()
        for model in (Photo, PhotoUploadSession):
            model.objects.filter(
                Q(finding__inspection__phase_id__in=phases) | Q(inspection__phase_id__in=phases)
            ).delete()
        unchecked = _skip_foreign_key_checks(cursor)
        cursor.execute(
            "CREATE TEMP TABLE bench_gone ON COMMIT DROP AS SELECT f.id AS finding_id "
            "FROM inspections_finding f JOIN inspections_inspection i ON i.id = f.inspection_id "
            "WHERE i.phase_id = ANY(%s)",
            [phases],
        )
        cursor.execute("DELETE FROM inspections_task WHERE finding_id IN (SELECT finding_id FROM bench_gone)")
        cursor.execute(
            "UPDATE inspections_finding SET likely_duplicate_of_id = NULL "
            "WHERE likely_duplicate_of_id IN (SELECT finding_id FROM bench_gone)"
        )
        cursor.execute("DELETE FROM inspections_finding WHERE id IN (SELECT finding_id FROM bench_gone)")
        cursor.execute("DROP TABLE bench_gone")
        cursor.execute("DELETE FROM inspections_inspection WHERE phase_id = ANY(%s)", [phases])
        if unchecked:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checked now, while the indexes are there
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # The users point at the jurisdictions and the unit a reload of the geo data removes.
        User.objects.filter(username__in=[INSPECTOR, MANAGER, RECTIFIER]).delete()


def _skip_foreign_key_checks(cursor) -> bool:
    """Switch off the row-by-row foreign key triggers for the rest of the transaction, where the database user may
    (a superuser): the synthetic rows' ids all come from the database, and everything else that may point at them
    is removed first, so the checks would prove nothing and take most of the time. Returns whether they are off."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SET LOCAL session_replication_role = replica")
    return True


_STAGE_COLUMNS = (
    ("i", "int8"),
    ("lon", "float8"),
    ("lat", "float8"),
    ("hotspot", "int8"),
    ("unit", "int8"),
    ("task_unit", "int8"),
    ("jurisdiction", "int8"),
    ("rule", "int2"),
    ("problem", "int8"),
    ("severity", "int2"),
    ("status", "int2"),
    ("grp", "int8"),
    ("day", "int2"),
    ("created", "float8"),
    ("due", "float8"),
    ("requested", "float8"),
    ("submitted", "float8"),
    ("verified", "float8"),
    ("closed", "float8"),
    ("rework", "int2"),
    ("extensions", "int2"),
    ("returns", "int2"),
)
_NP = {"int8": ">i8", "float8": ">f8", "int2": ">i2"}
_TABLES = ("inspections_inspection", "inspections_finding", "inspections_task")


def _load(cursor, ctx, ds, info: FindingsInfo, n: int) -> None:
    from benchmarks.synthetic.dataset import POINT_CHUNK
    from geo.routing.index import RoutingIndex

    columns = ", ".join(f"{name} {kind}" for name, kind in _STAGE_COLUMNS)
    cursor.execute(f"CREATE TEMP TABLE bench_findings_stage ({columns}) ON COMMIT DROP")
    index = RoutingIndex.from_database()
    draw = _Drawer(ds, info, index)
    assert CHUNK == POINT_CHUNK  # one chunk of points per chunk of findings
    with cursor.copy("COPY bench_findings_stage FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00")
        for k in range(-(-n // CHUNK)):
            copy.write(_binary_rows(draw.chunk(ctx.seed, k, min(CHUNK, n - k * CHUNK))))
        copy.write(b"\xff\xff")
    cursor.execute("ANALYZE bench_findings_stage")
    dropped = _drop_secondary_indexes(cursor)
    unchecked = _skip_foreign_key_checks(cursor)
    severities = "ARRAY[" + ", ".join(f"'{s}'" for s in SEVERITIES) + "]"
    statuses = "ARRAY[" + ", ".join(f"'{s}'" for s in STATUSES) + "]"
    from geo.routing.rules import RULES_BY_CODE

    rules = "ARRAY[" + ", ".join(f"'{RULES_BY_CODE[c].value}'" for c in sorted(RULES_BY_CODE)) + "]"
    seed = int(ctx.seed)
    phase_of_day = " ".join(
        f"WHEN min(s.day) < {before} AND min(s.day) >= {before - length} THEN {pk}"
        for (_kind, before, length), pk in zip(PHASES, info.phase_ids, strict=True)
    )
    ts = "CASE WHEN s.{0} < 0 THEN NULL ELSE to_timestamp(s.{0}) END"
    cursor.execute(
        "INSERT INTO inspections_inspection (id, inspector_id, hotspot_id, phase_id, jurisdiction_id, location, "
        "started_at, ended_at, position, position_accuracy_m, checklist_version, answers, received_at) "
        f"SELECT md5('{seed}-inspection-' || s.grp)::uuid, {info.inspector_id}, "
        "(array_agg(NULLIF(s.hotspot, -1) ORDER BY s.i))[1], "
        f"CASE {phase_of_day} ELSE {info.phase_ids[-1]} END, "
        "(array_agg(s.jurisdiction ORDER BY s.i))[1], "
        "ST_SetSRID(ST_MakePoint((array_agg(s.lon ORDER BY s.i))[1], (array_agg(s.lat ORDER BY s.i))[1]), 4326), "
        "to_timestamp(min(s.created) - 600), to_timestamp(max(s.created) + 300), NULL, NULL, NULL, '{}'::jsonb, "
        "to_timestamp(max(s.created) + 400) FROM bench_findings_stage s GROUP BY s.grp"
    )
    cursor.execute(
        "INSERT INTO inspections_finding (id, inspection_id, problem_type_id, severity, description, location, "
        "jurisdiction_id, routed_unit_id, routing_rule, is_open, likely_duplicate_of_id, created_by_id, created_at) "
        f"SELECT md5('{seed}-finding-' || s.i)::uuid, md5('{seed}-inspection-' || s.grp)::uuid, s.problem, "
        f"({severities})[s.severity + 1], '', ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326), s.jurisdiction, "
        f"NULLIF(s.unit, -1), ({rules})[s.rule + 1], ({statuses})[s.status + 1] NOT IN ('closed', 'void'), NULL, "
        f"{info.inspector_id}, to_timestamp(s.created) FROM bench_findings_stage s ORDER BY s.i"
    )
    cursor.execute(
        "INSERT INTO inspections_task (id, finding_id, hotspot_id, location, jurisdiction_id, unit_id, origin, "
        "status, due_at, requested_due_at, registered_at, dispatched_at, checked_in_at, submitted_at, verified_at, "
        "closed_at, rework_count, extension_count, return_count, was_deferred, updated_at) "
        f"SELECT md5('{seed}-task-' || s.i)::uuid, md5('{seed}-finding-' || s.i)::uuid, NULLIF(s.hotspot, -1), "
        "ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326), s.jurisdiction, NULLIF(s.task_unit, -1), "
        f"CASE WHEN s.status = 0 THEN 'public' ELSE 'inspection' END, ({statuses})[s.status + 1], "
        f"{ts.format('due')}, {ts.format('requested')}, to_timestamp(s.created + 5), "
        "CASE WHEN s.task_unit = -1 OR s.status = 0 THEN NULL "
        "WHEN s.unit = -1 THEN to_timestamp(s.created + 7200) ELSE to_timestamp(s.created + 5) END, "
        f"{ts.format('submitted')}, {ts.format('submitted')}, {ts.format('verified')}, {ts.format('closed')}, "
        f"s.rework, s.extensions, s.returns, ({statuses})[s.status + 1] = 'deferred', "
        "to_timestamp(GREATEST(s.created + 5, s.submitted, s.verified, s.closed, s.requested)) "
        "FROM bench_findings_stage s ORDER BY s.i"
    )
    if unchecked:
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # an index cannot be built on a table with checks pending
    for statement in dropped:
        cursor.execute(statement)
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _drop_secondary_indexes(cursor) -> list[str]:
    """Drop the non-unique indexes of the three tables (built again after the load, far faster than kept up row by
    row); return the statements that create them again. Inside the load's transaction: a failure restores them."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary",
        [list(_TABLES)],
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in rows]


def _binary_rows(columns: dict[str, np.ndarray]) -> bytes:
    """The rows in PostgreSQL's binary COPY format: every field fixed-width, so one numpy record per row."""
    size = len(columns["i"])
    fields = [("count", ">i2")]
    for name, kind in _STAGE_COLUMNS:
        fields += [(f"{name}_len", ">i4"), (name, _NP[kind])]
    rows = np.empty(size, dtype=fields)
    rows["count"] = len(_STAGE_COLUMNS)
    for name, kind in _STAGE_COLUMNS:
        rows[f"{name}_len"] = np.dtype(_NP[kind]).itemsize
        rows[name] = columns[name]
    return rows.tobytes()


class _Drawer:
    """Draws the attributes of the findings chunk by chunk, seeded per chunk (the first n of a larger set are the
    set of n)."""

    def __init__(self, ds, info: FindingsInfo, index) -> None:
        import shapely
        from django.utils import timezone

        from benchmarks.synthetic.dataset import CODE_PREFIX
        from benchmarks.synthetic.points import PointFrame
        from geo.models import Hotspot, Jurisdiction, Unit
        from inspections.models import ProblemType
        from inspections.rectification.workdays import CalendarError, WorkCalendar

        self.frame, self.index = PointFrame(ds), index
        jurisdictions = list(
            Jurisdiction.objects.filter(code__startswith=CODE_PREFIX).order_by("-level", "code").only("id", "boundary")
        )
        self.jurisdiction_ids = np.array([j.pk for j in jurisdictions], dtype=np.int64)
        self.jurisdiction_tree = shapely.STRtree([shapely.from_wkb(bytes(j.boundary.wkb)) for j in jurisdictions])
        self.district_id = int(Jurisdiction.objects.get(code=CODE_PREFIX, level=0).pk)
        # Where no unit's area reaches, the office dispatched by hand to the district's first enforcement squad.
        self.squad_id = int(
            Unit.objects.filter(jurisdiction__code__startswith=CODE_PREFIX, active=True, kind="enforcement_squad")
            .order_by("-routing_priority", "pk")
            .values_list("pk", flat=True)[0]
        )
        types = list(ProblemType.objects.filter(active=True).prefetch_related("categories").order_by("pk"))
        self.type_ids = np.array([t.pk for t in types], dtype=np.int64)
        self.type_severity = np.array([SEVERITIES.index(t.default_severity) for t in types], dtype=np.int16)
        self.type_days = np.array(
            [[t.deadline_days(s) for s in SEVERITIES] for t in types], dtype=np.int64
        )  # rows: type; columns: severity
        by_category: dict[str, list[int]] = {}
        for position, t in enumerate(types):
            for category in t.categories.all():
                by_category.setdefault(category.code, []).append(position)
        self.hotspot_types: dict[int, np.ndarray] = {}
        for pk, code in Hotspot.objects.values_list("pk", "category__code"):
            self.hotspot_types[pk] = np.array(by_category.get(code) or range(len(types)))
        tz = timezone.get_current_timezone()
        self.calendar = WorkCalendar()
        ends_on = dt.date.fromisoformat(info.ends_on)
        self.days = [ends_on - dt.timedelta(days=d) for d in range(DAYS)]  # index: days before the end
        self.midnights = np.array([dt.datetime.combine(day, dt.time(), tz).timestamp() for day in self.days])
        hours = self.calendar.hours
        self.opens = hours.start.hour * 3600 + hours.start.minute * 60
        self.closes = hours.end.hour * 3600 + hours.end.minute * 60
        self.working = np.array([self._is_working(day) for day in self.days])
        self.now = timezone.now().timestamp()
        max_days = int(self.type_days.max()) + 5
        # due[d, k]: midnight of the working day k working days after day d (a non-working day counts from the next
        # working day's opening, as WorkCalendar.add_working_days does).
        self.due_midnight = np.empty((DAYS, max_days + 1))
        for d, day in enumerate(self.days):
            for k in range(max_days + 1):
                try:
                    due = timezone.localdate(
                        self.calendar.add_working_days(dt.datetime.combine(day, dt.time(12), tz), k)
                    )
                except CalendarError:  # a year the calendar does not know yet: Monday to Friday
                    due = np.busday_offset(day, k, roll="forward").astype(dt.date)
                self.due_midnight[d, k] = dt.datetime.combine(due, dt.time(), tz).timestamp()
        self.status_p = np.zeros((3, len(STATUSES)))
        for bucket, weights in _STATUS_BY_AGE.items():
            for status, weight in weights.items():
                self.status_p[bucket, STATUSES.index(status)] = weight
            self.status_p[bucket] /= self.status_p[bucket].sum()

    def _is_working(self, day: dt.date) -> bool:
        from inspections.rectification.workdays import CalendarError

        try:
            return self.calendar.is_working_day(day)
        except CalendarError:  # a year the calendar does not know yet: Monday to Friday
            return day.weekday() < 5

    def chunk(self, seed: int, k: int, size: int) -> dict[str, np.ndarray]:
        import shapely

        lons, lats = self.frame.chunk(seed + 1, k)  # the bench_points generator under a seed of its own
        lons, lats = lons[:size], lats[:size]
        rng = np.random.default_rng([seed, 7, k])
        routes = self.index.route(lons, lats)
        points = shapely.points(lons, lats)
        point_idx, tree_idx = self.jurisdiction_tree.query(points, predicate="intersects")
        deepest = np.full(size, len(self.jurisdiction_ids), dtype=np.int64)
        np.minimum.at(deepest, point_idx, tree_idx)  # ordered deepest level first
        jurisdiction = np.append(self.jurisdiction_ids, self.district_id)[deepest]

        # Problem types: those of the hotspot's category on a hotspot, any elsewhere.
        problem_pos = rng.integers(len(self.type_ids), size=size)
        on_hotspot = np.flatnonzero(routes.hotspot_ids >= 0)
        for pk in np.unique(routes.hotspot_ids[on_hotspot]):
            where = on_hotspot[routes.hotspot_ids[on_hotspot] == pk]
            allowed = self.hotspot_types[int(pk)]
            problem_pos[where] = allowed[rng.integers(len(allowed), size=len(where))]
        severity = np.where(
            rng.random(size) < 0.7, self.type_severity[problem_pos], rng.choice(3, size=size, p=(0.5, 0.35, 0.15))
        ).astype(np.int16)

        # Days before the end: density grows with age (more in the first phase, declining as the campaign works).
        day = np.minimum((DAYS * np.sqrt(rng.random(size))).astype(np.int64), DAYS - 1)
        seconds = rng.uniform(self.opens - 3600, self.closes - 1800, size=size)
        created = np.minimum(self.midnights[day] + seconds, self.now - 3600 * rng.random(size) - 60)

        bucket = np.where(day < 4, 0, np.where(day <= 20, 1, 2))
        cumulative = np.cumsum(self.status_p[bucket], axis=1)
        status = (rng.random(size)[:, None] > cumulative).sum(axis=1).astype(np.int16)
        status = np.minimum(status, len(STATUSES) - 1)
        s = {name: STATUSES.index(name) for name in STATUSES}
        task_unit = np.where((routes.unit_ids < 0) & (day >= 7), self.squad_id, routes.unit_ids)
        no_unit = task_unit < 0
        needs_unit = ~np.isin(status, [s["triage"], s["unrouted"], s["void"]])
        status[no_unit & needs_unit] = s["unrouted"]

        days_to_fix = self.type_days[problem_pos, severity]
        time_of_day = np.where(
            self.working[day] & (seconds >= self.opens) & (seconds < self.closes), seconds, float(self.opens)
        )
        time_of_day = np.where(self.working[day] & (seconds >= self.closes), float(self.opens), time_of_day)
        late_start = self.working[day] & (seconds >= self.closes)  # after hours counts from the next working day
        due = self.due_midnight[day, days_to_fix + late_start] + time_of_day
        has_deadline = ~np.isin(status, [s["triage"], s["unrouted"]]) & ~no_unit
        due = np.where(has_deadline, due, -1.0)
        extensions = (status == s["extension_requested"]) | (
            np.isin(status, [s["verified"], s["closed"]]) & (rng.random(size) < 0.06)
        )
        requested = np.where(status == s["extension_requested"], self.due_midnight[day, days_to_fix + 3] +
                             time_of_day, -1.0)  # fmt: skip
        # Fixes: most within the deadline, some late; verification a day or so later, closure soon after.
        span = np.where(due > 0, due - created, 3 * 86400.0)
        fixed = created + span * rng.uniform(0.2, 1.25, size=size)
        done = np.isin(status, [s["submitted"], s["verified"], s["closed"]])
        submitted = np.where(done, np.minimum(fixed, self.now - 120), -1.0)
        verified_at = np.minimum(submitted + rng.uniform(3600, 2 * 86400, size=size), self.now - 60)
        verified = np.where(np.isin(status, [s["verified"], s["closed"]]), verified_at, -1.0)
        closed = np.where(
            status == s["closed"], np.minimum(verified_at + rng.uniform(600, 86400, size=size), self.now - 30), -1.0
        )
        closed = np.where(status == s["void"], np.minimum(created + 86400, self.now - 30), closed)
        rework = (status == s["rejected"]) | (done & (rng.random(size) < 0.08))
        returns = (status == s["returned"]) | (rng.random(size) < 0.01)

        # One inspection per hotspot and day; off hotspots, per grid cell (deepest jurisdiction) and day.
        grp = np.where(
            routes.hotspot_ids >= 0, routes.hotspot_ids * 1000 + day, -(jurisdiction * 1000 + day) - 1
        ).astype(np.int64)
        return {
            "i": np.arange(k * CHUNK, k * CHUNK + size, dtype=np.int64) + 1,
            "lon": lons,
            "lat": lats,
            "hotspot": routes.hotspot_ids,
            "unit": routes.unit_ids,
            "task_unit": task_unit,
            "jurisdiction": jurisdiction,
            "rule": routes.rules.astype(np.int16),
            "problem": self.type_ids[problem_pos],
            "severity": severity,
            "status": status,
            "grp": grp,
            "day": day.astype(np.int16),
            "created": created,
            "due": due,
            "requested": requested,
            "submitted": submitted,
            "verified": verified,
            "closed": closed,
            "rework": rework.astype(np.int16),
            "extensions": extensions.astype(np.int16),
            "returns": returns.astype(np.int16),
        }


# ---------------------------------------------------------------- helpers for the layer benchmarks


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    count: int  # synthetic findings inside

    def param(self) -> str:
        """As the ``bbox`` query parameter."""
        return f"{self.min_lon:.6f},{self.min_lat:.6f},{self.max_lon:.6f},{self.max_lat:.6f}"

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)


def findings_bbox(ctx, info: FindingsInfo, target: int = 87_000) -> BBox:
    """A bbox around the centre of the synthetic area holding about ``target`` synthetic findings (the whole area's
    bbox when fewer exist). Found by bisecting the half-width of a square; counts go through the GiST index."""
    from django.db import connection

    from benchmarks.synthetic.dataset import CENTER

    def make() -> BBox:
        lon0, lat0 = CENTER
        cos = math.cos(math.radians(lat0))

        def box(half_deg_lat: float) -> tuple[float, float, float, float]:
            return (lon0 - half_deg_lat / cos, lat0 - half_deg_lat, lon0 + half_deg_lat / cos, lat0 + half_deg_lat)

        def count(b) -> int:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM inspections_finding WHERE created_by_id = %s "
                    "AND location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
                    [info.inspector_id, *b],
                )
                return cursor.fetchone()[0]

        lo, hi = 0.0, 0.08  # about 9 km: beyond the whole synthetic district
        if count(box(hi)) <= target:
            return BBox(*box(hi), count(box(hi)))
        best = None
        for _ in range(24):
            mid = (lo + hi) / 2
            got = count(box(mid))
            best = (mid, got)
            if abs(got - target) <= target * 0.005:
                break
            lo, hi = (mid, hi) if got < target else (lo, mid)
        return BBox(*box(best[0]), best[1])

    return ctx.cached(f"findings_bbox:{info.count}:{target}", make)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ (slippy map) tile holding a point at zoom z."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def dense_tiles(ctx, info: FindingsInfo, z: int, count: int = 8) -> list[tuple[int, int, int]]:
    """The ``count`` tiles (z, x, y) holding the most synthetic findings at zoom z, densest first."""
    from django.db import connection

    def make():
        n = 2**z
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT floor((ST_X(location) + 180) / 360 * %s)::int AS x, "
                "floor((1 - asinh(tan(radians(ST_Y(location)))) / pi()) / 2 * %s)::int AS y, count(*) AS n "
                "FROM inspections_finding WHERE created_by_id = %s GROUP BY 1, 2 ORDER BY n DESC, x, y LIMIT %s",
                [n, n, info.inspector_id, count],
            )
            return [(z, x, y) for x, y, _n in cursor.fetchall()]

    return ctx.cached(f"dense_tiles:{info.count}:{z}:{count}", make)
