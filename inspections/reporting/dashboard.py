"""The managers' dashboard (/dashboard/, /api/dashboard/): KPI tiles with their trend, the charts' data and the
rankings, for one filter over the findings and tasks a person may see.

**Filter.** The parameters of the map's layer filtersets, named as they name them (``FILTERS``): ``start`` and
``end`` (local dates, both included; default the 30 days ending today, at most 366 days), ``campaign``, ``phase``,
``community`` (a jurisdiction and its subtree), ``unit`` (the task's responsible unit), ``category`` (the hotspot
category's code) and ``problem_type`` (its code). Everything but the dates is applied by ``FindingLayerFilter`` to
the findings and ``TaskLayerFilter`` to the tasks (an id that names nothing the person may see matches nothing);
the dates bound each figure as said below. The period P is [start, end]; the previous period P′ is as many days
ending the day before ``start``. Every time compared is one the server recorded or bounded (``created_at``,
``registered_at``, ``due_at``, ``submitted_at``, ``verified_at``), never a time a tablet merely claims.

**KPI tiles** (each beside the same figure for the previous span; the trend is the difference):
- ``findings_week``: findings created from the Monday of the anchor day's week to the anchor day (``end``, or
  today when ``end`` lies ahead); before: the same days a week earlier. ``findings_month``: from the first of the
  anchor day's month to it; before: the same days of the month before (cut at its last day);
- ``open_tasks``: tasks registered in P that are still to be done (with a manager, with the unit, or awaiting
  verification: ``UNFINISHED``); ``overdue``: those of them still with the unit past their deadline
  (``overdue_q``, 超期). Before: the same of the tasks registered in P′. These are the tasks the map's ``tasks``
  layer shows for the same filter with ``status`` set to those states;
- ``on_time_closure_rate`` (按期结案率), ``rework_rate`` (返工率), ``extension_rate`` (延期率): the metrics' rates
  (``inspections.reporting.metrics``, the same on-time rule ``closed_on_time_q``) over the tasks due in P, against
  those due in P′.

**Charts**: findings created and tasks closed (fix verified) per day of P; the findings of P by hotspot category,
problem type, community and responsible unit; the overdue tasks of P by how many days they are past their
deadline (``AGEING``: calendar days). **Rankings**: ``inspections.reporting.rankings`` for the filter's phase, or
the phase running on ``end`` (of the filter's campaign, if any), over the person's area, the whole phase (the dates
only choose the phase), narrowed by ``community``, ``category`` and ``unit`` as ``RankingFilter`` says (``unit``:
the community ranking on the hotspots the unit sponsors; the unit ranking is not narrowed, the unit's row is
marked). ``problem_type`` does not apply to them (scores come from checklists, not findings): ``not_applied``
names it.

Every figure is one SQL statement with conditional aggregates or a GROUP BY; only names are looked up afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from geo.models import HotspotCategory, Jurisdiction, Unit
from inspections.layers import FindingLayerFilter, TaskLayerFilter
from inspections.models import Finding, Phase, ProblemType, Task
from inspections.rectification.workflow import UNFINISHED, overdue_q
from inspections.reporting.metrics import Period, checked_period, closed_on_time_q, closed_q, counted_q
from inspections.reporting.rankings import EVERY_HOTSPOT, RankingFilter, RankRow, ranking, red_and_black
from inspections.reporting.scores import CommunityIndex
from inspections.selectors import findings_for_user, tasks_for_user

FILTERS = ("start", "end", "campaign", "phase", "community", "unit", "category", "problem_type")
DEFAULT_DAYS = 30
RED_BLACK_N = 3
# Overdue ageing: (key, label, fewest days past the deadline, most days or None).
AGEING = (
    ("1-3", gettext_lazy("1–3 days"), 0, 3),
    ("4-7", gettext_lazy("4–7 days"), 3, 7),
    ("8-14", gettext_lazy("8–14 days"), 7, 14),
    ("15-30", gettext_lazy("15–30 days"), 14, 30),
    ("30+", gettext_lazy("More than 30 days"), 30, None),
)


@dataclass(frozen=True)
class DashboardFilter:
    period: Period
    params: dict  # the filter's other parameters as given (validated), by their layer names

    def query(self, **changes) -> dict:
        """The filter as query parameters (for links), with ``changes`` (None drops one)."""
        values = {
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            **{k: v for k, v in self.params.items() if v not in (None, "")},
        }
        values.update(changes)
        return {k: str(v) for k, v in values.items() if v is not None}

    @property
    def previous(self) -> Period:
        days = dt.timedelta(days=self.period.days)
        return Period(self.period.start - days, self.period.start - dt.timedelta(days=1))


def dashboard_filter(data: Mapping[str, str], *, today: dt.date | None = None) -> DashboardFilter:
    """The filter in ``data`` (query parameters), or a ValidationError naming each wrong parameter."""
    given = {name: data.get(name, "") for name in FILTERS}
    checked = FindingLayerFilter(data=given, queryset=Finding.objects.none())
    if not checked.is_valid():
        raise ValidationError({name: list(messages) for name, messages in checked.form.errors.items()})
    cleaned = checked.form.cleaned_data
    end = cleaned.get("end") or today or timezone.localdate()
    start = cleaned.get("start") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    period = checked_period(start, end)
    params = {name: given[name].strip() for name in FILTERS[2:] if given[name].strip()}
    return DashboardFilter(period=period, params=params)


def red_black_n(value: str | None, *, most: int = 50) -> int:
    """How many groups the red and black lists name: ``n`` in the query (default ``RED_BLACK_N``), 0 to ``most``."""
    if value in (None, ""):
        return RED_BLACK_N
    try:
        n = int(value)
    except ValueError:
        n = -1
    if not 0 <= n <= most:
        raise ValidationError({"n": _("n is a whole number from 0 to %(most)s.") % {"most": most}})
    return n


def filtered_findings(user, flt: DashboardFilter) -> QuerySet[Finding]:
    """The person's findings narrowed by the filter's parameters other than the dates."""
    return FindingLayerFilter(data=flt.params, queryset=findings_for_user(user)).qs.order_by()


def filtered_tasks(user, flt: DashboardFilter) -> QuerySet[Task]:
    return TaskLayerFilter(data=flt.params, queryset=tasks_for_user(user)).qs.order_by()


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    return period.bounds(timezone.get_current_timezone())


def _within(field_name: str, period: Period) -> Q:
    since, until = _bounds(period)
    return Q(**{f"{field_name}__gte": since, f"{field_name}__lt": until})


def week_spans(end: dt.date) -> tuple[Period, Period]:
    this = Period(end - dt.timedelta(days=end.weekday()), end)
    return this, Period(this.start - dt.timedelta(days=7), end - dt.timedelta(days=7))


def month_spans(end: dt.date) -> tuple[Period, Period]:
    this = Period(end.replace(day=1), end)
    last_of_before = this.start - dt.timedelta(days=1)
    before_start = last_of_before.replace(day=1)
    return this, Period(before_start, before_start.replace(day=min(end.day, last_of_before.day)))


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    kind: str  # count or rate
    value: float | None
    previous: float | None
    parts: tuple[int, int] | None = None  # a rate's numerator and denominator
    previous_parts: tuple[int, int] | None = None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def anchor_day(flt: DashboardFilter, now: dt.datetime) -> dt.date:
    """The day "this week" and "this month" end on: the period's last day, or today when that lies ahead."""
    return min(flt.period.end, timezone.localdate(now))


def finding_counts(findings: QuerySet[Finding], end: dt.date) -> dict[str, int]:
    """Findings this week and month up to ``end`` and in the spans before (one statement)."""
    week, week_before = week_spans(end)
    month, month_before = month_spans(end)
    spans = {"week": week, "week_before": week_before, "month": month, "month_before": month_before}
    earliest = min(span.start for span in spans.values())
    return findings.filter(_within("created_at", Period(earliest, end))).aggregate(
        **{key: Count("pk", filter=_within("created_at", span)) for key, span in spans.items()}
    )


def _task_aggregates(suffix: str, period: Period, now: dt.datetime) -> dict:
    since, until = _bounds(period)
    registered = _within("registered_at", period)
    due = counted_q(since, until)
    submitted = due & Q(submitted_at__isnull=False)
    return {
        f"open{suffix}": Count("pk", filter=registered & Q(status__in=UNFINISHED)),
        f"overdue{suffix}": Count("pk", filter=registered & overdue_q(now)),
        f"due{suffix}": Count("pk", filter=due),
        f"deferred{suffix}": Count("pk", filter=due & Q(was_deferred=True)),
        f"closed_on_time{suffix}": Count("pk", filter=due & closed_on_time_q()),
        f"submitted{suffix}": Count("pk", filter=submitted),
        f"reworked{suffix}": Count("pk", filter=submitted & Q(rework_count__gt=0)),
        f"extended{suffix}": Count("pk", filter=due & Q(extension_count__gt=0)),
    }


def task_counts(tasks: QuerySet[Task], flt: DashboardFilter, now: dt.datetime) -> dict[str, int]:
    """The tasks' counts of P (no suffix) and P′ (suffix ``_before``), in one statement."""
    both = Period(flt.previous.start, flt.period.end)
    touched = _within("registered_at", both) | _within("due_at", both)
    return tasks.filter(touched).aggregate(
        **_task_aggregates("", flt.period, now), **_task_aggregates("_before", flt.previous, now)
    )


def kpis(user, flt: DashboardFilter, *, now: dt.datetime | None = None) -> list[Kpi]:
    now = now or timezone.now()
    f = finding_counts(filtered_findings(user, flt), anchor_day(flt, now))
    t = task_counts(filtered_tasks(user, flt), flt, now)

    def rate(key, label, numerator, denominator) -> Kpi:
        parts = (t[numerator], denominator(t, ""))
        before = (t[f"{numerator}_before"], denominator(t, "_before"))
        return Kpi(key, label, "rate", _rate(*parts), _rate(*before), parts, before)

    return [
        Kpi("findings_week", _("Findings this week"), "count", f["week"], f["week_before"]),
        Kpi("findings_month", _("Findings this month"), "count", f["month"], f["month_before"]),
        Kpi("open_tasks", pgettext("dashboard", "Open tasks"), "count", t["open"], t["open_before"]),
        Kpi("overdue", _("Overdue"), "count", t["overdue"], t["overdue_before"]),
        rate(
            "on_time_closure_rate",
            _("On-time closure rate"),
            "closed_on_time",
            lambda c, s: c[f"due{s}"] - c[f"deferred{s}"],
        ),
        rate("rework_rate", _("Rework rate"), "reworked", lambda c, s: c[f"submitted{s}"]),
        rate("extension_rate", _("Extension rate"), "extended", lambda c, s: c[f"due{s}"]),
    ]


@dataclass(frozen=True)
class Bar:
    key: str | int | None  # the filter value a click sets (None: nothing to filter by)
    label: str
    value: int


@dataclass
class Charts:
    days: list[str] = field(default_factory=list)
    findings_per_day: list[int] = field(default_factory=list)
    closures_per_day: list[int] = field(default_factory=list)
    by_category: list[Bar] = field(default_factory=list)
    by_problem_type: list[Bar] = field(default_factory=list)
    by_community: list[Bar] = field(default_factory=list)
    by_unit: list[Bar] = field(default_factory=list)
    ageing: list[Bar] = field(default_factory=list)


def _per_day(qs: QuerySet, field_name: str, period: Period) -> list[int]:
    tz = timezone.get_current_timezone()
    rows = (
        qs.filter(_within(field_name, period))
        .annotate(day=TruncDate(field_name, tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    counts = dict(rows)
    return [counts.get(period.start + dt.timedelta(days=i), 0) for i in range(period.days)]


def _grouped(qs: QuerySet, column: str) -> list[tuple[int | None, int]]:
    return list(qs.values(column).annotate(n=Count("pk")).values_list(column, "n"))


def _bars(counts: list[tuple], names: Mapping, none_label: str) -> list[Bar]:
    bars = []
    for key, n in counts:
        if key is None:
            bars.append(Bar(None, none_label, n))
        elif key in names:
            filter_value, label = names[key]
            bars.append(Bar(filter_value, label, n))
    return sorted(bars, key=lambda bar: (-bar.value, bar.label))


def charts(user, flt: DashboardFilter, *, now: dt.datetime | None = None) -> Charts:
    now = now or timezone.now()
    findings = filtered_findings(user, flt)
    tasks = filtered_tasks(user, flt)
    period = flt.period
    result = Charts(days=[(period.start + dt.timedelta(days=i)).isoformat() for i in range(period.days)])
    result.findings_per_day = _per_day(findings, "created_at", period)
    result.closures_per_day = _per_day(tasks.filter(closed_q()), "verified_at", period)
    in_period = findings.filter(_within("created_at", period))
    categories = _grouped(in_period, "inspection__hotspot__category")
    names = {c.pk: (c.code, c.display_name) for c in HotspotCategory.objects.filter(pk__in=[k for k, _n in categories])}
    result.by_category = _bars(categories, names, _("No hotspot"))
    types = _grouped(in_period, "problem_type")
    names = {p.pk: (p.code, p.display_name) for p in ProblemType.objects.filter(pk__in=[k for k, _n in types])}
    result.by_problem_type = _bars(types, names, "")
    result.by_community = _communities(_grouped(in_period, "jurisdiction__code"))
    units = _grouped(in_period, "task__unit")
    names = {u.pk: (u.pk, u.display_name) for u in Unit.objects.filter(pk__in=[k for k, _n in units if k])}
    result.by_unit = _bars(units, names, _("No unit"))
    result.ageing = ageing(tasks.filter(_within("registered_at", period)), now)
    return result


def _communities(by_code: list[tuple[str, int]]) -> list[Bar]:
    index = CommunityIndex()
    sums: dict[int | None, int] = {}
    names: dict[int, tuple[int, str]] = {}
    for code, n in by_code:
        community = index.community_of(code)
        key = community.pk if community else None
        sums[key] = sums.get(key, 0) + n
        if community is not None:
            names[community.pk] = (community.pk, community.display_name)
    return _bars(list(sums.items()), names, _("Outside any community"))


def ageing(tasks: QuerySet[Task], now: dt.datetime) -> list[Bar]:
    """The overdue tasks by days past their deadline (calendar days, ``AGEING``), one statement."""
    overdue = tasks.filter(overdue_q(now))
    buckets = {}
    for key, _label, fewest, most in AGEING:
        q = Q(due_at__lt=now - dt.timedelta(days=fewest))
        if most is not None:
            q &= Q(due_at__gte=now - dt.timedelta(days=most))
        buckets[key] = Count("pk", filter=q)
    counts = overdue.aggregate(**buckets)
    return [Bar(key, str(label), counts[key]) for key, label, _fewest, _most in AGEING]


# The filters that narrow no ranking (see the module's docstring).
NOT_RANKING_FILTERS = ("problem_type",)
# A code no jurisdiction has (they are digits): what a community filter naming no jurisdiction narrows to.
NO_JURISDICTION = "!"


@dataclass(frozen=True)
class Rankings:
    phase: Phase | None
    community: list[RankRow]
    unit: list[RankRow]
    red: dict[str, list[int]]
    black: dict[str, list[int]]
    within: RankingFilter = EVERY_HOTSPOT
    not_applied: tuple[str, ...] = ()  # the filter's parameters given that narrow no ranking

    @property
    def marked_unit(self) -> int | None:
        """The unit filtered by: its row in the unit ranking is marked (that ranking is not narrowed by it)."""
        return self.within.unit


def ranked_phase(flt: DashboardFilter) -> Phase | None:
    """The filter's phase, else the phase running on its last day (of its campaign, if one is given)."""
    phases = Phase.objects.select_related("campaign")
    phase_id = flt.params.get("phase")
    if phase_id:
        return phases.filter(pk=phase_id).first()
    day = flt.period.end
    running = phases.filter(starts_on__lte=day, ends_on__gte=day)
    if flt.params.get("campaign"):
        running = running.filter(campaign_id=flt.params["campaign"])
    return running.order_by("-starts_on", "-pk").first()


def ranking_filter(flt: DashboardFilter) -> RankingFilter:
    """The rankings' part of the dashboard's filter (``community``, ``category``, ``unit``)."""
    params = flt.params
    code = None
    if params.get("community"):
        found = Jurisdiction.objects.filter(pk=params["community"]).values_list("code", flat=True).first()
        code = found if found is not None else NO_JURISDICTION
    unit = params.get("unit")
    return RankingFilter(community_code=code, category=params.get("category"), unit=int(unit) if unit else None)


def rankings(user, flt: DashboardFilter, *, n: int = RED_BLACK_N) -> Rankings:
    phase = ranked_phase(flt)
    within = ranking_filter(flt)
    not_applied = tuple(name for name in NOT_RANKING_FILTERS if flt.params.get(name))
    if phase is None:
        empty = {"community": [], "unit": []}
        return Rankings(None, [], [], empty, dict(empty), within, not_applied)
    rows = {level: ranking(user=user, phase=phase, level=level, within=within) for level in ("community", "unit")}
    red, black = {}, {}
    for level, ranked in rows.items():
        best, worst = red_and_black(ranked, n)
        red[level], black[level] = [row.key for row in best], [row.key for row in worst]
    return Rankings(phase, rows["community"], rows["unit"], red, black, within, not_applied)


@dataclass(frozen=True)
class Dashboard:
    filter: DashboardFilter
    kpis: list[Kpi]
    charts: Charts
    rankings: Rankings


def dashboard_for_user(
    user, flt: DashboardFilter, *, n: int = RED_BLACK_N, now: dt.datetime | None = None
) -> Dashboard:
    now = now or timezone.now()
    return Dashboard(flt, kpis(user, flt, now=now), charts(user, flt, now=now), rankings(user, flt, n=n))
