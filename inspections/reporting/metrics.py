"""Evaluation metrics of the rectification workflow (综合评价), per unit or per community over a period.

**Period** `[start, end]`: local dates in `settings.TIME_ZONE`, both included, at most 366 days, each between
2000-01-01 and 2099-12-31 (other days answer 400 naming the parameter). The tasks counted
are the caller's visible tasks (`tasks_for_user`) whose deadline `due_at` falls, as a local date, in the period,
except void ones (作废). Tasks without a deadline are not counted.

**Groups.** `unit`: the task's responsible unit (tasks without one form a group with id null). `community`: the
community or village whose subtree contains the task's jurisdiction (jurisdiction codes are hierarchical
prefixes, so a task in a grid cell counts for the community above it); tasks outside every community form a group
with id null. Every group with at least one counted task is a row; a total row covers all of them.

**Counts.**
- `due` (应结案数): the tasks counted;
- `deferred` (缓办数): those ever deferred (`was_deferred`);
- `closed` (结案数): those whose fix was verified (`verified_at` set: status verified or closed, 核查通过);
- `closed_on_time` (按期结案数): closed ones, never deferred, whose final fix was submitted (`submitted_at`) no
  later than the deadline in force (`due_at`, i.e. after approved extensions);
- `reworked`: those with at least one rejected fix (`rework_count` > 0, 返工);
- `submitted`: those with a fix submitted (`submitted_at` set);
- `extended`: those with at least one extension granted (`extension_count` > 0, 延期);
- `late_synced` (补传提交数): those whose final fix submission reached the server more than
  `settings.MOVE_LATE_SYNC_HOURS` after the time its tablet claims (offline submissions synced late). The fix
  counts at its bounded time (`inspections.rectification.timing`), never merely at the claimed one.

**Rates**, fractions (1 = 100 %), null when the denominator is 0:
- `on_time_closure_rate` (按期结案率) = closed_on_time / (due − deferred);
- `closure_rate` (结案率) = closed / due;
- `rework_rate` (返工率) = reworked / submitted;
- `extension_rate` (延期率) = extended / due.

Deferred tasks (缓办) leave the on-time rate altogether, numerator and denominator, so it stays within 0–1.

**Mean handling time** `mean_handling_days` (平均处置时长): the mean, over the closed tasks, of the working days
from dispatch (`dispatched_at`) to the final fix (`submitted_at`) on the official calendar with its make-up working
days (调休) (`WorkCalendar.working_days_between`: working hours over the length of the business day), rounded to
2 decimals; null when no task was closed. (A closed task always has both instants; one without them would be left
out of the mean.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.models import COMMUNITY_LEVEL, Jurisdiction, Unit
from inspections.models import Task, TaskEvent, TaskStatus
from inspections.rectification.timing import is_late_synced
from inspections.rectification.workdays import WorkCalendar
from inspections.rectification.workflow import Action
from inspections.selectors import tasks_for_user

MAX_PERIOD_DAYS = 366
# The days a period may cover: beyond them a day's bounds overflow the datetimes of Python or the database.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)
# The only columns the metrics read: one query, no model instances.
TASK_COLUMNS = (
    "unit_id",
    "jurisdiction__code",
    "due_at",
    "dispatched_at",
    "submitted_at",
    "verified_at",
    "rework_count",
    "extension_count",
    "was_deferred",
)


# Computed per task in the same query: the on-time rule (``closed_on_time_q``) and the last submission's times.
SUBMIT_COLUMNS = ("closed", "closed_on_time", "submit_claimed_at", "submit_received_at", "submit_clock_offset")


class Grouping(TextChoices):
    UNIT = "unit", gettext_lazy("Unit")
    COMMUNITY = "community", gettext_lazy("Community")


@dataclass(frozen=True)
class Period:
    """Local dates, both included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self, tz) -> tuple[dt.datetime, dt.datetime]:
        """The instants [from, until) the period covers in the time zone ``tz``."""
        since = timezone.make_aware(dt.datetime.combine(self.start, dt.time.min), tz)
        until = timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min), tz)
        return since, until


def checked_period(start: dt.date, end: dt.date) -> Period:
    """The period from ``start`` to ``end``, or a ValidationError on the field that is wrong saying what is wrong."""
    bounds = {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
    if not FIRST_DAY <= start <= LAST_DAY:
        raise ValidationError({"start": _("The first day must lie between %(first)s and %(last)s.") % bounds})
    if not FIRST_DAY <= end <= LAST_DAY:
        raise ValidationError({"end": _("The last day must lie between %(first)s and %(last)s.") % bounds})
    if end < start:
        raise ValidationError(
            {
                "end": _("The period ends on %(end)s, before it starts (%(start)s).")
                % {"end": end.isoformat(), "start": start.isoformat()}
            }
        )
    period = Period(start, end)
    if period.days > MAX_PERIOD_DAYS:
        raise ValidationError(
            {
                "end": _("The period is %(days)s days long; choose at most %(max)s days.")
                % {"days": period.days, "max": MAX_PERIOD_DAYS}
            }
        )
    return period


def month_of(day: dt.date) -> Period:
    """The calendar month that contains ``day``."""
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(first, following - dt.timedelta(days=1))


def counted_q(since: dt.datetime | None, until: dt.datetime, prefix: str = "") -> Q:
    """The tasks a period counts (``due``): not void, with a deadline in [since, until) (no lower bound for None)."""
    q = Q(**{f"{prefix}due_at__lt": until}) & ~Q(**{f"{prefix}status": TaskStatus.VOID})
    return q & Q(**{f"{prefix}due_at__gte": since}) if since is not None else q


def closed_q(prefix: str = "") -> Q:
    """``closed``: the fix was verified (status verified or closed)."""
    return Q(**{f"{prefix}verified_at__isnull": False})


def closed_on_time_q(prefix: str = "") -> Q:
    """``closed_on_time``: closed, never deferred, the final fix submitted no later than the deadline in force. The
    one definition of "on time": the metrics, the dashboard and the map's aggregates all count through it."""
    return closed_q(prefix) & Q(
        **{
            f"{prefix}submitted_at__isnull": False,
            f"{prefix}submitted_at__lte": F(f"{prefix}due_at"),
            f"{prefix}was_deferred": False,
        }
    )


def _fraction(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass
class Counts:
    """The counts of one group and the rates they give."""

    due: int = 0
    deferred: int = 0
    closed: int = 0
    closed_on_time: int = 0
    reworked: int = 0
    submitted: int = 0
    extended: int = 0
    late_synced: int = 0
    handling_days: list[float] = field(default_factory=list, repr=False)

    def parts(self) -> dict[str, tuple[int, int]]:
        """Each rate's numerator and denominator."""
        return {
            "on_time_closure_rate": (self.closed_on_time, self.due - self.deferred),
            "closure_rate": (self.closed, self.due),
            "rework_rate": (self.reworked, self.submitted),
            "extension_rate": (self.extended, self.due),
        }

    @property
    def on_time_closure_rate(self) -> float | None:
        return _fraction(*self.parts()["on_time_closure_rate"])

    @property
    def closure_rate(self) -> float | None:
        return _fraction(*self.parts()["closure_rate"])

    @property
    def rework_rate(self) -> float | None:
        return _fraction(*self.parts()["rework_rate"])

    @property
    def extension_rate(self) -> float | None:
        return _fraction(*self.parts()["extension_rate"])

    @property
    def mean_handling_days(self) -> float | None:
        if not self.handling_days:
            return None
        return round(sum(self.handling_days) / len(self.handling_days), 2)

    def add(self, task, handling_days: float | None) -> None:
        self.due += 1
        self.deferred += task.was_deferred
        self.extended += task.extension_count > 0
        if task.submitted_at is not None:
            self.submitted += 1
            self.reworked += task.rework_count > 0
            self.late_synced += is_late_synced(
                task.submit_claimed_at, task.submit_received_at, task.submit_clock_offset
            )
        if task.closed:
            self.closed += 1
            self.closed_on_time += task.closed_on_time
            if handling_days is not None:
                self.handling_days.append(handling_days)


@dataclass
class MetricsRow:
    id: int | None
    name: str
    counts: Counts


@dataclass
class Metrics:
    group: str
    period: Period
    rows: list[MetricsRow]
    total: MetricsRow


def task_metrics_for_user(user, *, group: str, period: Period, calendar: WorkCalendar | None = None) -> Metrics:
    """The metrics of the tasks this person may see (a unit member: the unit's; a manager: the area's)."""
    return task_metrics(tasks_for_user(user), group=group, period=period, calendar=calendar)


def task_metrics(tasks: QuerySet[Task], *, group: str, period: Period, calendar: WorkCalendar | None = None) -> Metrics:
    """The metrics of ``tasks`` due in ``period``, one row per ``group`` (``Grouping``) and a total.

    Reads the tasks once (only the columns it needs) and the groups' names once. Raises CalendarError when the
    working-day calendar does not describe a year a handling time reaches.
    """
    calendar = calendar or WorkCalendar()
    since, until = period.bounds(calendar.tz)
    submits = TaskEvent.objects.filter(task=OuterRef("pk"), action=Action.SUBMIT).order_by("-at", "-pk")
    rows = (
        tasks.filter(counted_q(since, until))
        .order_by()
        .annotate(
            closed=ExpressionWrapper(closed_q(), output_field=BooleanField()),
            closed_on_time=ExpressionWrapper(closed_on_time_q(), output_field=BooleanField()),
            submit_claimed_at=Subquery(submits.values("claimed_at")[:1]),
            submit_received_at=Subquery(submits.values("at")[:1]),
            submit_clock_offset=Subquery(submits.values("clock_offset")[:1]),
        )
        .values_list(*TASK_COLUMNS, *SUBMIT_COLUMNS, named=True)
    )
    if group == Grouping.UNIT:
        key_of, names_of = _by_unit()
    elif group == Grouping.COMMUNITY:
        key_of, names_of = _by_community()
    else:
        raise ValueError(f"Unknown grouping {group!r}.")
    groups: dict[int | None, Counts] = {}
    total = Counts()
    for task in rows:
        handling = None
        if task.verified_at is not None and task.dispatched_at is not None and task.submitted_at is not None:
            handling = calendar.working_days_between(task.dispatched_at, task.submitted_at)
        groups.setdefault(key_of(task), Counts()).add(task, handling)
        total.add(task, handling)
    named = names_of(key for key in groups if key is not None)
    table = [MetricsRow(key, name, groups[key]) for key, name in named]
    if None in groups:
        table.append(
            MetricsRow(None, _("No unit") if group == Grouping.UNIT else _("Outside any community"), groups[None])
        )
    return Metrics(group=group, period=period, rows=table, total=MetricsRow(None, _("All"), total))


Names = Callable[[Iterable[int]], list[tuple[int, str]]]


def _by_unit() -> tuple[Callable, Names]:
    def names(ids: Iterable[int]) -> list[tuple[int, str]]:
        units = Unit.objects.filter(pk__in=list(ids)).only("pk", "name", "name_en")
        # Sorted here, not by the database, so that every backend's collation gives the same order.
        return sorted(((unit.pk, unit.display_name) for unit in units), key=lambda pair: pair[1])

    return (lambda task: task.unit_id), names


def _by_community() -> tuple[Callable, Names]:
    communities = {
        community.code: community
        for community in Jurisdiction.objects.filter(level=COMMUNITY_LEVEL).only("pk", "code", "name", "name_en")
    }
    lengths = sorted({len(code) for code in communities})

    def key(task) -> int | None:
        code = task.jurisdiction__code
        for length in lengths:
            community = communities.get(code[:length])
            if community is not None:
                return community.pk
        return None

    def names(ids: Iterable[int]) -> list[tuple[int, str]]:
        wanted = set(ids)
        ordered = sorted((c for c in communities.values() if c.pk in wanted), key=lambda c: c.code)
        return [(community.pk, community.display_name) for community in ordered]

    return key, names
