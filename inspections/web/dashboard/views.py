"""The dashboard page: KPI tiles, ECharts charts whose bars filter the page (the URL keeps the filter), the rankings
as sortable tables, every table as a workbook, and links to the map and the briefings with the same filter."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from geo.models import COMMUNITY_LEVEL, HotspotCategory
from geo.selectors import jurisdictions_for_user, units_for_user
from inspections.models import Campaign, Phase, ProblemType
from inspections.permissions import can_view_dashboard
from inspections.reporting.briefings.tables import COUNT, RATE, cell_text
from inspections.reporting.dashboard import Dashboard, Kpi, dashboard_filter, dashboard_for_user, red_black_n
from inspections.web.dashboard.tables import TABLE_KEYS, all_tables, kpi_table, ranking_tables
from inspections.web.dashboard.xlsx import workbook_response

# What a click on each chart's bar sets: the layer filters' parameter names.
CHART_FILTERS = {
    "by_category": "category",
    "by_problem_type": "problem_type",
    "by_community": "community",
    "by_unit": "unit",
}


def _choices(user) -> dict:
    return {
        "campaigns": Campaign.objects.all(),
        "phases": Phase.objects.select_related("campaign").order_by("-starts_on", "pk"),
        "communities": jurisdictions_for_user(user).filter(level=COMMUNITY_LEVEL).order_by("code"),
        "units": units_for_user(user).filter(active=True).order_by("name"),
        "categories": HotspotCategory.objects.filter(active=True),
        "problem_types": ProblemType.objects.filter(active=True),
    }


def _map_url(board: Dashboard, layer: str, **extra) -> str:
    return f"{reverse('map')}?{urlencode({'layer': layer, **board.filter.query(**extra)})}"


def _chart_data(board: Dashboard) -> dict:
    c = board.charts
    bars = {
        name: [{"key": bar.key, "label": bar.label, "value": bar.value} for bar in getattr(c, name)]
        for name in (*CHART_FILTERS, "ageing")
    }
    return {
        "days": c.days,
        "findings_per_day": c.findings_per_day,
        "closures_per_day": c.closures_per_day,
        **bars,
        "filters": CHART_FILTERS,
        "text": {
            "findings": _("Findings"),
            "closures": _("Closed tasks"),
            "overdue": pgettext("dashboard", "Overdue tasks"),
        },
    }


@require_GET
@login_required
def dashboard_page(request):
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    try:
        flt, n = dashboard_filter(request.GET), red_black_n(request.GET.get("n"))
    except ValidationError as error:
        context = {"errors": error.message_dict, "choices": _choices(request.user), "given": request.GET}
        return render(request, "inspections/dashboard.html", context, status=400)
    board = dashboard_for_user(request.user, flt, n=n)
    query = flt.query(**({"n": n} if request.GET.get("n") else {}))
    context = {
        "board": board,
        "given": query,
        "choices": _choices(request.user),
        "tiles": [_tile(kpi) for kpi in board.kpis],
        "rankings": _ranking_cards(board),
        "ranking_notes": _ranking_notes(request.user, board),
        "kpi_table": kpi_table(board),
        "charts": _chart_data(board),
        "filtered": bool(flt.params),
        "query": urlencode(query),
        "map_findings": _map_url(board, "findings"),
        "map_overdue": _map_url(board, "tasks", status="overdue"),
        "briefing_url": f"{reverse('briefings:list')}?{urlencode(_briefing_initial(board))}",
    }
    return render(request, "inspections/dashboard.html", context)


def _ranking_cards(board: Dashboard) -> list[dict]:
    """Each ranking table with its rows' ids; the unit filtered by is marked in the unit ranking."""
    cards = []
    for table, keys in ranking_tables(board):
        marked = board.rankings.marked_unit if table.key == "unit-ranking" else None
        rows = [
            {"key": key, "cells": cells, "marked": key == marked} for key, cells in zip(keys, table.rows, strict=True)
        ]
        cards.append({"table": table, "rows": rows})
    return cards


def _ranking_notes(user, board: Dashboard) -> list[str]:
    """What the filter does to the rankings, in words: which hotspots are scored, and what does not apply."""
    within, params = board.rankings.within, board.filter.params
    notes = [_("The rankings cover the whole phase: the dates only choose it.")]
    if within.community_code is not None:
        place = jurisdictions_for_user(user).filter(pk=params["community"]).first()
        notes.append(
            _("Only the hotspots in %(place)s are scored.")
            % {"place": place.display_name if place else _("the chosen community")}
        )
    if within.category is not None:
        category = HotspotCategory.objects.filter(code=within.category).first()
        notes.append(
            _("Only hotspots of the category %(category)s are scored.")
            % {"category": category.display_name if category else within.category}
        )
    if within.unit is not None:
        unit = units_for_user(user).filter(pk=within.unit).first()
        notes.append(
            _(
                "The community ranking scores the hotspots %(unit)s sponsors; the unit ranking is not narrowed by "
                "the unit: its row is marked."
            )
            % {"unit": unit.display_name if unit else _("the chosen unit")}
        )
    if "problem_type" in board.rankings.not_applied:
        notes.append(
            _(
                "The problem type does not apply to the rankings: the scores come from the checklists' deductions, "
                "not from findings."
            )
        )
    return notes


# Figures whose rise is bad news (red) or good news (green); the findings' counts are neither.
WORSE_WHEN_UP = frozenset({"open_tasks", "overdue", "rework_rate", "extension_rate"})
BETTER_WHEN_UP = frozenset({"on_time_closure_rate"})


def _tile(kpi: Kpi) -> dict:
    """A KPI tile's texts: the value, the previous one, and the change (a rate's in percentage points)."""
    kind = RATE if kpi.kind == "rate" else COUNT
    change, direction = "", "flat"
    if kpi.change is not None:
        direction = "up" if kpi.change > 0 else ("down" if kpi.change < 0 else "flat")
        if kind == RATE:
            points = number_format(round(abs(kpi.change) * 100, 1), 1)
            change = _("%(points)s pts") % {"points": points}
        else:
            change = number_format(abs(kpi.change), force_grouping=True)
    parts = ""
    if kpi.parts is not None:
        parts = _("%(value)s now, %(previous)s before") % {
            "value": _fraction(kpi.parts),
            "previous": _fraction(kpi.previous_parts),
        }
    return {
        "kpi": kpi,
        "value": cell_text(kpi.value, kind),
        "previous": cell_text(kpi.previous, kind),
        "change": change,
        "direction": direction,
        "tone": _tone(kpi.key, direction),
        "parts": parts,
    }


def _fraction(parts: tuple[int, int]) -> str:
    return " / ".join(number_format(part, force_grouping=True) for part in parts)


def _tone(key: str, direction: str) -> str:
    if direction == "flat" or (key not in WORSE_WHEN_UP and key not in BETTER_WHEN_UP):
        return ""
    return "good" if (direction == "up") == (key in BETTER_WHEN_UP) else "bad"


def _briefing_initial(board: Dashboard) -> dict:
    initial = {"start": board.filter.period.start.isoformat(), "end": board.filter.period.end.isoformat()}
    if board.rankings.phase is not None:
        initial["phase"] = board.rankings.phase.pk
    return initial


@require_GET
@login_required
def dashboard_export(request, table: str):
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    if table not in TABLE_KEYS:
        raise Http404(_("There is no table “%(table)s” on the dashboard.") % {"table": table})
    try:
        flt, n = dashboard_filter(request.GET), red_black_n(request.GET.get("n"))
    except ValidationError as error:
        messages = "; ".join(f"{name}: {' '.join(texts)}" for name, texts in error.message_dict.items())
        return HttpResponse(messages, status=400, content_type="text/plain; charset=utf-8")
    tables = all_tables(dashboard_for_user(request.user, flt, n=n))
    period = flt.period
    filename = f"dashboard-{table}-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
    return workbook_response(tables[table], filename)
