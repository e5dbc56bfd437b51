"""`ranking_phase`: the ranking of a campaign phase (with the movement against the previous phase) over synthetic
inspections with checklist answers, against one hand-written GROUP BY giving the same ranking.

Data (seeded, labelled synthetic, generated once and reused while its parameters stay the same): a campaign with
two phases over the synthetic district's hotspots; 1,000,000 inspections (20,000 with ``--quick``), half in each
phase, each of a random hotspot, with a snapshot of a five-item checklist (items losing 1, 2, 3, 5 and 10 points)
whose failed items are drawn with a per-hotspot probability, so hotspots, communities and units differ. The rows
are written with COPY; each row's `deduction` is the sum of its snapshot's deductions, as the services store it.

Ours: `inspections.reporting.rankings.ranking` for an administrator (the whole district), level community and
level unit, and level community on one category's hotspots (the dashboard's category filter:
``ranking_phase_category``). Baseline ``raw_sql_group_by``: `benchmarks.ranking_sql.ranking_sql`, one statement
per level. Check: both give the same rows (id, rank, score, inspections, points lost, previous rank).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
import uuid

import numpy as np

from benchmarks.harness import Context, Issue, Measurement, read_marker, register, write_marker

INSPECTIONS = 1_000_000
QUICK_INSPECTIONS = 20_000
CAMPAIGN = "BENCH 测评排名基准（合成）"
USERNAME = "bench_rankings_admin"
DEDUCTIONS = (1.0, 2.0, 3.0, 5.0, 10.0)
TARGET_RATIO = 1.3
NAMESPACE = uuid.UUID("0b6f7e3c-1d2a-4c55-8e8e-2f4b9d0a7c13")


def _patterns() -> tuple[list[str], np.ndarray]:
    """The 32 possible snapshots of the five items (bit i set: item i failed), as JSON, and their deductions."""
    texts, totals = [], []
    for mask in range(2 ** len(DEDUCTIONS)):
        items = []
        for i, points in enumerate(DEDUCTIONS):
            failed = bool(mask >> i & 1)
            items.append(
                {
                    "name": f"q{i + 1}",
                    "type": "yes_no",
                    "label": f"检查项{i + 1}",
                    "label_en": f"Item {i + 1}",
                    "value": not failed,
                    "deduction": points if failed else 0.0,
                    "failed": failed,
                    "value_label": "否" if failed else "是",
                    "value_label_en": "No" if failed else "Yes",
                }
            )
        texts.append(json.dumps(items, ensure_ascii=False, separators=(",", ":")))
        totals.append(round(sum(item["deduction"] for item in items), 2))
    return texts, np.array(totals)


class _World:
    def __init__(self, ctx: Context, count: int):
        from django.utils import timezone

        from accounts.models import Role, User
        from benchmarks.synthetic import HOTSPOT_PREFIX
        from geo.models import Hotspot
        from inspections.models import Campaign, Phase, PhaseKind

        ctx.ensure_geo_data()
        self.user, _ = User.objects.update_or_create(
            username=USERNAME, defaults={"role": Role.ADMIN, "is_active": True}
        )
        today = timezone.localdate()
        campaign, _ = Campaign.objects.update_or_create(
            name=CAMPAIGN,
            defaults={"starts_on": today - dt.timedelta(days=60), "ends_on": today + dt.timedelta(days=30)},
        )
        self.previous, _ = Phase.objects.update_or_create(
            campaign=campaign,
            kind=PhaseKind.SELF_INSPECTION,
            defaults={"starts_on": today - dt.timedelta(days=60), "ends_on": today - dt.timedelta(days=31)},
        )
        self.phase, _ = Phase.objects.update_or_create(
            campaign=campaign,
            kind=PhaseKind.CROSS_INSPECTION,
            defaults={"starts_on": today - dt.timedelta(days=30), "ends_on": today + dt.timedelta(days=30)},
        )
        self.hotspots = list(
            Hotspot.objects.filter(name__startswith=HOTSPOT_PREFIX).order_by("pk").values("pk", "jurisdiction_id")
        )
        self.count = count
        self.ensure_inspections(ctx)

    def ensure_inspections(self, ctx: Context) -> None:
        from django.db import connection, transaction

        from inspections.models import Inspection

        wanted = {"geo": read_marker("geo"), "count": self.count, "seed": ctx.seed, "phases": self.phase_ids}
        qs = Inspection.objects.filter(phase__in=self.phase_ids)
        if not ctx.refresh and read_marker("rankings") == wanted and qs.count() == self.count:
            ctx.log(f"ranking inspections present ({self.count:,})")
            return
        ctx.log(f"writing {self.count:,} synthetic inspections with answers (COPY) …")
        started = time.perf_counter()
        write_marker("rankings", None)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM inspections_inspection WHERE phase_id = ANY(%s)", [self.phase_ids])
            self._copy(cursor, ctx.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE inspections_inspection")
        write_marker("rankings", wanted)
        ctx.log(f"inspections written in {time.perf_counter() - started:.1f} s")

    @property
    def phase_ids(self) -> list[int]:
        return [self.phase.pk, self.previous.pk]

    def _copy(self, cursor, seed: int) -> None:
        from django.utils import timezone

        from geo.models import Hotspot
        from inspections.evidence.inspections import hotspot_anchor

        rng = np.random.default_rng(seed + 130)
        texts, totals = _patterns()
        anchors = {
            h.pk: hotspot_anchor(h).hexewkb.decode()
            for h in Hotspot.objects.filter(pk__in=[h["pk"] for h in self.hotspots]).only("pk", "geometry")
        }
        # How often each hotspot fails each item: a hotspot's own level of care.
        care = rng.uniform(0.02, 0.5, size=len(self.hotspots))
        version = uuid.uuid5(NAMESPACE, "checklist")
        now = timezone.now()
        chunk = 100_000
        columns = (
            "id, inspector_id, hotspot_id, phase_id, jurisdiction_id, location, started_at, checklist_version, "
            "answers, deduction, received_at"
        )
        for start in range(0, self.count, chunk):
            n = min(chunk, self.count - start)
            which = rng.integers(0, len(self.hotspots), size=n)
            failed = rng.random((n, len(DEDUCTIONS))) < care[which, None]
            masks = (failed * (1 << np.arange(len(DEDUCTIONS)))).sum(axis=1)
            minutes = rng.integers(0, 60 * 24 * 25, size=n)
            buffer = io.StringIO()
            for offset in range(n):
                index = start + offset
                hotspot = self.hotspots[which[offset]]
                phase = self.phase if index % 2 == 0 else self.previous
                started = dt.datetime.combine(phase.starts_on, dt.time(8), tzinfo=dt.UTC) + dt.timedelta(
                    minutes=int(minutes[offset])
                )
                mask = int(masks[offset])
                answers = texts[mask].replace("\\", "\\\\")
                buffer.write(
                    f"{uuid.uuid5(NAMESPACE, f'{seed}-{index}')}\t{self.user.pk}\t{hotspot['pk']}\t{phase.pk}\t"
                    f"{hotspot['jurisdiction_id']}\t{anchors[hotspot['pk']]}\t{started.isoformat()}\t{version}\t"
                    f"{answers}\t{totals[mask]}\t{now.isoformat()}\n"
                )
            buffer.seek(0)
            with cursor.cursor.copy(f"COPY inspections_inspection ({columns}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())


def _prepared(ctx: Context) -> _World:
    return ctx.cached("rankings_world", lambda: _World(ctx, QUICK_INSPECTIONS if ctx.quick else INSPECTIONS))


def _commonest_category(world: _World) -> str:
    """The code of the category most of the synthetic hotspots have (the dashboard's category filter)."""
    from django.db.models import Count

    from geo.models import Hotspot

    hotspots = Hotspot.objects.filter(pk__in=[h["pk"] for h in world.hotspots])
    top = hotspots.values("category__code").annotate(n=Count("pk")).order_by("-n", "category__code").first()
    return top["category__code"]


def _ours(world: _World, level: str, category: str | None = None) -> list[tuple]:
    from inspections.reporting.rankings import RankingFilter, ranking

    rows = ranking(user=world.user, phase=world.phase, level=level, within=RankingFilter(category=category))
    return [(r.key, r.rank, r.score, r.inspections, r.deductions, r.previous_rank) for r in rows]


def _baseline(world: _World, level: str, category: str | None = None) -> list[tuple]:
    from benchmarks.ranking_sql import ranking_sql

    return ranking_sql(phase_id=world.phase.pk, previous_id=world.previous.pk, level=level, category=category)


def _check(name: str, last: dict) -> list[Issue]:
    ours, theirs = sorted(last["ours"]), sorted(last["raw_sql_group_by"])
    same = len(ours) == len(theirs) and all(
        a[:4] == b[:4] and a[5] == b[5] and abs(a[4] - b[4]) < 0.01 for a, b in zip(ours, theirs, strict=True)
    )
    if not ours:
        return [Issue("error", name, "the ranking is empty")]
    if not same:
        return [Issue("error", name, f"ours and the SQL disagree: {ours[:3]} … vs {theirs[:3]} …")]
    return []


def _measurement(ctx: Context, name: str, level: str, *, by_category: bool = False) -> Measurement:
    world = _prepared(ctx)
    category = _commonest_category(world) if by_category else None
    return Measurement(
        name=name,
        unit="ms/ranking",
        n=1,
        scale=1e3,
        repeats=7,
        ours=lambda: _ours(world, level, category),
        baselines={"raw_sql_group_by": lambda: _baseline(world, level, category)},
        check=lambda last: _check(name, last),
        notes=[
            f"{world.count:,} inspections with answers over {len(world.hotspots)} hotspots, two phases; "
            f"level {level}{f', category {category}' if category else ''}; target ratio ≤ {TARGET_RATIO}"
        ],
    )


@register("ranking_phase", order=60)
def ranking_phase(ctx: Context) -> Measurement:
    return _measurement(ctx, "ranking_phase", "community")


@register("ranking_phase_unit", order=61)
def ranking_phase_unit(ctx: Context) -> Measurement:
    return _measurement(ctx, "ranking_phase_unit", "unit")


@register("ranking_phase_category", order=62)
def ranking_phase_category(ctx: Context) -> Measurement:
    """The dashboard's category filter: the communities ranked on the commonest category's hotspots only."""
    return _measurement(ctx, "ranking_phase_category", "community", by_category=True)
