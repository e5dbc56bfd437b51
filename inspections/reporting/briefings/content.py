"""What a briefing says (通报 / 简报), read once from the database for a scope, a campaign phase and a period.

- **Scope**: what the viewer may see (the selectors), narrowed to the scope's jurisdiction subtree when one is given.
- **Findings**: those of the phase's inspections logged (``created_at``) in the period; **tasks by state**: the
  current status of those findings' tasks.
- **Figures** (on-time closure rate 按期结案率, closure, rework and extension rates): ``reporting.metrics`` over the
  tasks due in the period, exactly as the metrics page shows them.
- **Ranking** of communities and of units for the phase: ``reporting.rankings``, with the best and worst N (红榜/黑榜).
- **Top problems**: the problem types found most often. **Overdue units**: the units holding tasks past their
  deadline (超期) when the briefing is built, most overdue tasks first.
- **Photo pairs**: tasks whose fix was verified in the period, with the finding's first before-photo and the last
  after-photo, at most ``BRIEFING_MAX_PHOTO_PAIRS``; only the file names are read here, each image is opened when
  it is written, so a briefing never holds a collection of images.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from geo.bilingual import english_active
from geo.models import Jurisdiction, Unit
from inspections.models import Finding, Phase, Photo, PhotoRole, Task, TaskStatus
from inspections.rectification.workdays import WorkCalendar
from inspections.rectification.workflow import overdue_q
from inspections.reporting.metrics import Counts, Grouping, Period, task_metrics
from inspections.reporting.rankings import RankRow, ranking, red_and_black
from inspections.selectors import findings_for_user, tasks_for_user

RED_BLACK_SIZE = 5
TOP_PROBLEMS = 10


@dataclass(frozen=True)
class ProblemCount:
    code: str
    name: str
    findings: int


@dataclass(frozen=True)
class OverdueUnit:
    unit_id: int | None
    name: str
    overdue: int
    oldest_due_at: dt.datetime


@dataclass(frozen=True)
class PhotoPair:
    """A closed task's before and after photos, by their stored file names (display copy and thumbnail)."""

    task_id: str
    problem: str
    place: str
    unit: str
    verified_at: dt.datetime
    before_display: str
    before_thumbnail: str
    after_display: str
    after_thumbnail: str


@dataclass
class BriefingContent:
    scope_name: str
    phase: Phase
    period: Period
    built_at: dt.datetime
    findings: int
    tasks_by_status: list[tuple[str, str, int]]  # (status, label, count), in the workflow's order
    figures: Counts
    communities: list[RankRow]
    units: list[RankRow]
    red: list[RankRow]
    black: list[RankRow]
    top_problems: list[ProblemCount]
    overdue_units: list[OverdueUnit]
    photo_pairs: list[PhotoPair] = field(repr=False)
    scope_id: int | None = None


def scoped(queryset: QuerySet, scope: Jurisdiction | None) -> QuerySet:
    return queryset.filter(scope.subtree_q("jurisdiction__")) if scope is not None else queryset


def phase_findings(viewer, scope: Jurisdiction | None, phase: Phase, period: Period) -> QuerySet[Finding]:
    """The findings of the phase's inspections logged in the period that the viewer sees in the scope."""
    since, until = period.bounds(timezone.get_default_timezone())
    return scoped(findings_for_user(viewer), scope).filter(
        inspection__phase=phase, created_at__gte=since, created_at__lt=until
    )


def briefing_content(
    *, viewer, scope: Jurisdiction | None, phase: Phase, period: Period, now: dt.datetime | None = None
) -> BriefingContent:
    now = now or timezone.now()
    calendar = WorkCalendar()
    since, until = period.bounds(timezone.get_default_timezone())
    findings = phase_findings(viewer, scope, phase, period)
    tasks = scoped(tasks_for_user(viewer), scope)
    communities = ranking(user=viewer, phase=phase, level="community")
    units = ranking(user=viewer, phase=phase, level="unit")
    red, black = red_and_black(communities, RED_BLACK_SIZE)
    return BriefingContent(
        scope_name=scope.display_name if scope is not None else "",
        scope_id=scope.pk if scope is not None else None,
        phase=phase,
        period=period,
        built_at=now,
        findings=findings.count(),
        tasks_by_status=_tasks_by_status(tasks.filter(finding__in=findings.values("pk"))),
        figures=task_metrics(tasks, group=Grouping.COMMUNITY, period=period, calendar=calendar).total.counts,
        communities=communities,
        units=units,
        red=red,
        black=black,
        top_problems=_top_problems(findings),
        overdue_units=_overdue_units(tasks, now),
        photo_pairs=_photo_pairs(tasks, since, until),
    )


def _tasks_by_status(tasks: QuerySet[Task]) -> list[tuple[str, str, int]]:
    counted = dict(tasks.order_by().values_list("status").annotate(n=Count("pk")))
    return [(status.value, str(status.label), counted[status.value]) for status in TaskStatus if status in counted]


def _top_problems(findings: QuerySet[Finding]) -> list[ProblemCount]:
    rows = (
        findings.order_by()
        .values("problem_type__code", "problem_type__name", "problem_type__name_en")
        .annotate(n=Count("pk"))
        .order_by("-n", "problem_type__code")[:TOP_PROBLEMS]
    )
    english = english_active()
    return [
        ProblemCount(
            row["problem_type__code"],
            (row["problem_type__name_en"] if english and row["problem_type__name_en"] else row["problem_type__name"]),
            row["n"],
        )
        for row in rows
    ]


def _overdue_units(tasks: QuerySet[Task], now: dt.datetime) -> list[OverdueUnit]:
    rows = list(
        tasks.filter(overdue_q(now))
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"), oldest=Min("due_at"))
        .order_by("-n", "oldest")
    )
    names = {unit.pk: unit.display_name for unit in Unit.objects.filter(pk__in=[r["unit_id"] for r in rows])}
    return [OverdueUnit(r["unit_id"], names.get(r["unit_id"], "—"), r["n"], r["oldest"]) for r in rows]


def _photo_pairs(tasks: QuerySet[Task], since: dt.datetime, until: dt.datetime) -> list[PhotoPair]:
    limit = int(getattr(settings, "BRIEFING_MAX_PHOTO_PAIRS", 200))
    closed = list(
        tasks.filter(status__in=(TaskStatus.VERIFIED, TaskStatus.CLOSED), verified_at__gte=since, verified_at__lt=until)
        .filter(Q(finding__photos__role=PhotoRole.BEFORE))
        .filter(Q(finding__photos__role=PhotoRole.AFTER))
        .distinct()
        .order_by("verified_at", "pk")[:limit]
    )
    photos: dict[tuple, tuple[str, str]] = {}
    rows = (
        Photo.objects.filter(finding_id__in=[task.finding_id for task in closed])
        .order_by("uploaded_at", "pk")
        .values_list("finding_id", "role", "display", "thumbnail")
    )
    for finding_id, role, display, thumbnail in rows:
        key = (finding_id, role)
        if role == PhotoRole.AFTER or key not in photos:  # the first before-photo, the last after-photo
            photos[key] = (display, thumbnail)
    pairs = []
    for task in closed:
        before, after = photos.get((task.finding_id, PhotoRole.BEFORE)), photos.get((task.finding_id, PhotoRole.AFTER))
        if before is None or after is None:
            continue
        place = task.hotspot.name if task.hotspot_id else task.jurisdiction.display_name
        pairs.append(
            PhotoPair(
                task_id=str(task.pk),
                problem=task.finding.problem_type.display_name,
                place=place,
                unit=task.unit.display_name if task.unit_id else "—",
                verified_at=task.verified_at,
                before_display=before[0],
                before_thumbnail=before[1],
                after_display=after[0],
                after_thumbnail=after[1],
            )
        )
    return pairs
