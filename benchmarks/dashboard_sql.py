"""The dashboard's KPI counts as two hand-written statements with conditional aggregates (portable: PostgreSQL and
SQLite), the baseline ``raw_sql_group_by`` of `dashboard_kpis` and what the tests compare
`inspections.reporting.dashboard.finding_counts` and `task_counts` with.

Same definitions as `inspections.reporting.dashboard` (see its docstring): findings by ``created_at`` in this week
and month up to the anchor day (``end``, or today when it lies ahead) and the spans before; tasks registered in
P / P′ still to be done or overdue; tasks due in P / P′ (not void) with their deferred, closed-on-time, submitted,
reworked and extended counts. ``scope_code`` keeps the rows whose
jurisdiction code starts with it (a manager's area; empty: everything, as for an administrator).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from inspections.models import TaskStatus
from inspections.rectification.workflow import UNFINISHED, WITH_UNIT


def _in(statuses) -> str:
    return ", ".join(f"'{status}'" for status in sorted(statuses))


FINDINGS_SQL = """
SELECT
  COUNT(CASE WHEN f.created_at >= %(week0)s AND f.created_at < %(week1)s THEN 1 END),
  COUNT(CASE WHEN f.created_at >= %(wb0)s AND f.created_at < %(wb1)s THEN 1 END),
  COUNT(CASE WHEN f.created_at >= %(month0)s AND f.created_at < %(month1)s THEN 1 END),
  COUNT(CASE WHEN f.created_at >= %(mb0)s AND f.created_at < %(mb1)s THEN 1 END)
FROM inspections_finding f
JOIN geo_jurisdiction j ON j.id = f.jurisdiction_id
JOIN inspections_inspection i ON i.id = f.inspection_id
LEFT JOIN inspections_task t ON t.finding_id = f.id
{joins}
WHERE f.created_at >= %(earliest)s AND f.created_at < %(week1)s AND j.code LIKE %(scope)s {where}
"""

TASKS_SQL = """
SELECT {columns}
FROM inspections_task t
JOIN geo_jurisdiction j ON j.id = t.jurisdiction_id
JOIN inspections_finding f ON f.id = t.finding_id
JOIN inspections_inspection i ON i.id = f.inspection_id
{joins}
WHERE ((t.registered_at >= %(prev0)s AND t.registered_at < %(p1)s) OR (t.due_at >= %(prev0)s AND t.due_at < %(p1)s))
  AND j.code LIKE %(scope)s {where}
"""

TASK_COLUMNS = """
  COUNT(CASE WHEN {reg} AND t.status IN ({unfinished}) THEN 1 END),
  COUNT(CASE WHEN {reg} AND t.status IN ({with_unit}) AND t.due_at < %(now)s THEN 1 END),
  COUNT(CASE WHEN {due} THEN 1 END),
  COUNT(CASE WHEN {due} AND t.was_deferred THEN 1 END),
  COUNT(CASE WHEN {due} AND t.verified_at IS NOT NULL AND t.submitted_at IS NOT NULL
                  AND t.submitted_at <= t.due_at AND NOT t.was_deferred THEN 1 END),
  COUNT(CASE WHEN {due} AND t.submitted_at IS NOT NULL THEN 1 END),
  COUNT(CASE WHEN {due} AND t.submitted_at IS NOT NULL AND t.rework_count > 0 THEN 1 END),
  COUNT(CASE WHEN {due} AND t.extension_count > 0 THEN 1 END)"""

TASK_KEYS = ("open", "overdue", "due", "deferred", "closed_on_time", "submitted", "reworked", "extended")


def _columns(since: str, until: str) -> str:
    reg = f"t.registered_at >= %({since})s AND t.registered_at < %({until})s"
    due = f"t.due_at >= %({since})s AND t.due_at < %({until})s AND t.status <> '{TaskStatus.VOID}'"
    return TASK_COLUMNS.format(reg=reg, due=due, unfinished=_in(UNFINISHED), with_unit=_in(WITH_UNIT))


def _filters(filters: dict, task_side: bool) -> tuple[str, str, dict]:
    """Joins, conditions and parameters of the layer filters (their names), for the findings or the tasks."""
    joins, where, params = [], [], {}
    hotspot = "t.hotspot_id" if task_side else "i.hotspot_id"
    if filters.get("community"):
        joins.append("JOIN geo_jurisdiction fc ON fc.id = %(community)s")
        where.append("j.code LIKE fc.code || '%%'")
        params["community"] = filters["community"]
    if filters.get("unit"):
        where.append("t.unit_id = %(unit)s")
        params["unit"] = filters["unit"]
    if filters.get("category"):
        joins.append(f"JOIN geo_hotspot h ON h.id = {hotspot} JOIN geo_hotspotcategory hc ON hc.id = h.category_id")
        where.append("hc.code = %(category)s")
        params["category"] = filters["category"]
    if filters.get("problem_type"):
        joins.append("JOIN inspections_problemtype pt ON pt.id = f.problem_type_id")
        where.append("pt.code = %(problem_type)s")
        params["problem_type"] = filters["problem_type"]
    if filters.get("phase"):
        where.append("i.phase_id = %(phase)s")
        params["phase"] = filters["phase"]
    if filters.get("campaign"):
        joins.append("JOIN inspections_phase ph ON ph.id = i.phase_id")
        where.append("ph.campaign_id = %(campaign)s")
        params["campaign"] = filters["campaign"]
    return " ".join(joins), "".join(f" AND {w}" for w in where), params


def _instant(day: dt.date):
    aware = timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())
    return connection.ops.adapt_datetimefield_value(aware)


def dashboard_kpis_sql(
    *,
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    filters: dict | None = None,
    scope_code: str = "",
) -> dict[str, int]:
    """The counts of ``finding_counts`` and ``task_counts`` (P: [start, end]; P′: as many days before)."""
    filters = filters or {}
    days = (end - start).days + 1
    period_end, end = end, min(end, timezone.localdate(now))  # the findings' anchor day
    week0 = end - dt.timedelta(days=end.weekday())
    month0 = end.replace(day=1)
    before_month_end = month0 - dt.timedelta(days=1)
    mb0 = before_month_end.replace(day=1)
    mb_last = mb0.replace(day=min(end.day, before_month_end.day))
    day = dt.timedelta(days=1)
    common = {"scope": f"{scope_code}%", "now": connection.ops.adapt_datetimefield_value(now)}
    finding_params = {
        **common,
        "week0": _instant(week0),
        "week1": _instant(end + day),
        "wb0": _instant(week0 - dt.timedelta(days=7)),
        "wb1": _instant(end - dt.timedelta(days=6)),
        "month0": _instant(month0),
        "month1": _instant(end + day),
        "mb0": _instant(mb0),
        "mb1": _instant(mb_last + day),
        "earliest": _instant(min(week0 - dt.timedelta(days=7), mb0)),
    }
    task_params = {
        **common,
        "p0": _instant(start),
        "p1": _instant(period_end + day),
        "prev0": _instant(start - dt.timedelta(days=days)),
    }
    result = {}
    with connection.cursor() as cursor:
        joins, where, params = _filters(filters, task_side=False)
        cursor.execute(FINDINGS_SQL.format(joins=joins, where=where), {**finding_params, **params})
        result.update(zip(("week", "week_before", "month", "month_before"), cursor.fetchone(), strict=True))
        joins, where, params = _filters(filters, task_side=True)
        columns = f"{_columns('p0', 'p1')},{_columns('prev0', 'p0')}"
        cursor.execute(TASKS_SQL.format(columns=columns, joins=joins, where=where), {**task_params, **params})
        row = cursor.fetchone()
    keys = [*TASK_KEYS, *(f"{key}_before" for key in TASK_KEYS)]
    result.update(zip(keys, (int(n) for n in row), strict=True))
    return result
