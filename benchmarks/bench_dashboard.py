"""`dashboard_kpis`: the dashboard's KPI tiles (`inspections.reporting.dashboard.kpis`) over the synthetic findings
with their tasks (1,000,000 by default, `synthetic/findings.py`), as the bench manager (the whole district) sees them,
filtered by the synthetic campaign over the last 30 of its days (previous period: the 30 days before).

Ours: the two ORM statements (the findings' and the tasks' conditional aggregates, through the layer filtersets and
the person's scope) and the tiles built from them. Baseline ``raw_sql_group_by``: `benchmarks.dashboard_sql`, the
same counts as two hand-written statements with the scope as a jurisdiction-code prefix. Check: the counts agree.
"""

from __future__ import annotations

import datetime as dt

from benchmarks.harness import Context, Issue, Measurement, register

TARGET_RATIO = 1.3
DAYS = 30


def _check(last: dict) -> list[Issue]:
    ours, theirs = last["ours"][1], last["raw_sql_group_by"]
    if not any(theirs.values()):
        return [Issue("error", "dashboard_kpis", "the filter matched nothing")]
    if ours != theirs:
        differing = {key: (ours.get(key), theirs.get(key)) for key in theirs if ours.get(key) != theirs.get(key)}
        return [Issue("error", "dashboard_kpis", f"ours and the SQL disagree (ours, sql): {differing}")]
    return []


@register("dashboard_kpis", order=62)
def dashboard_kpis(ctx: Context) -> Measurement:
    from django.utils import timezone

    from benchmarks.dashboard_sql import dashboard_kpis_sql
    from benchmarks.synthetic.findings import bench_user
    from geo.selectors import scope_root
    from inspections.reporting.dashboard import dashboard_filter, kpis

    info = ctx.ensure_findings()
    user = bench_user(info, "manager")
    end = dt.date.fromisoformat(info.ends_on)
    start = end - dt.timedelta(days=DAYS - 1)
    flt = dashboard_filter({"start": start.isoformat(), "end": end.isoformat(), "campaign": str(info.campaign_id)})
    now = timezone.now()
    root = scope_root(user)

    def ours():
        tiles = kpis(user, flt, now=now)
        counts = {}
        for kpi in tiles:
            if kpi.parts is None:
                counts[kpi.key] = (kpi.value, kpi.previous)
            else:
                counts[kpi.key] = (kpi.parts, kpi.previous_parts)
        return tiles, _comparable(counts)

    def baseline():
        sql = dashboard_kpis_sql(
            start=start, end=end, now=now, filters={"campaign": info.campaign_id}, scope_code=root.code
        )
        return _comparable_sql(sql)

    return Measurement(
        name="dashboard_kpis",
        unit="ms/dashboard",
        n=1,
        scale=1e3,
        repeats=7,
        ours=ours,
        baselines={"raw_sql_group_by": baseline},
        check=_check,
        notes=[
            f"{info.count:,} findings with tasks; manager of the district; campaign filter, {DAYS} days ending "
            f"{end.isoformat()} against the {DAYS} before; target ratio ≤ {TARGET_RATIO}"
        ],
    )


def _comparable(counts: dict) -> dict:
    return {
        "findings_week": counts["findings_week"],
        "findings_month": counts["findings_month"],
        "open_tasks": counts["open_tasks"],
        "overdue": counts["overdue"],
        "on_time_closure_rate": counts["on_time_closure_rate"],
        "rework_rate": counts["rework_rate"],
        "extension_rate": counts["extension_rate"],
    }


def _comparable_sql(c: dict) -> dict:
    return {
        "findings_week": (c["week"], c["week_before"]),
        "findings_month": (c["month"], c["month_before"]),
        "open_tasks": (c["open"], c["open_before"]),
        "overdue": (c["overdue"], c["overdue_before"]),
        "on_time_closure_rate": (
            (c["closed_on_time"], c["due"] - c["deferred"]),
            (c["closed_on_time_before"], c["due_before"] - c["deferred_before"]),
        ),
        "rework_rate": ((c["reworked"], c["submitted"]), (c["reworked_before"], c["submitted_before"])),
        "extension_rate": ((c["extended"], c["due"]), (c["extended_before"], c["due_before"])),
    }
