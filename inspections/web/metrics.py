"""The managers' metrics page (/tasks/metrics/): the evaluation table for a period, on screen and as CSV.

The numbers come from ``inspections.reporting.metrics`` (its docstring defines them); this module only lays them out.
"""

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from inspections.permissions import can_view_metrics
from inspections.rectification.workdays import CalendarError, WorkCalendar
from inspections.reporting.metrics import Grouping, Metrics, MetricsRow, checked_period, month_of, task_metrics_for_user
from inspections.web.widgets import DateInput


class MetricsForm(forms.Form):
    start = forms.DateField(label=pgettext_lazy("date", "From"), widget=DateInput())
    end = forms.DateField(label=pgettext_lazy("date", "To"), widget=DateInput())
    group = forms.ChoiceField(label=_("Group by"), choices=Grouping.choices)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            data["period"] = checked_period(data["start"], data["end"])
        return data


@dataclass(frozen=True)
class Column:
    label: str | Promise
    figure: str
    kind: str  # count, rate or days


COLUMNS = [
    Column(_("Tasks due"), "due", "count"),
    Column(_("Deferred tasks"), "deferred", "count"),
    Column(_("Closed tasks"), "closed", "count"),
    Column(_("Closed on time"), "closed_on_time", "count"),
    Column(_("On-time closure rate"), "on_time_closure_rate", "rate"),
    Column(_("Closure rate"), "closure_rate", "rate"),
    Column(_("Fixes submitted"), "submitted", "count"),
    Column(_("Late-synced fixes"), "late_synced", "count"),
    Column(_("Reworked tasks"), "reworked", "count"),
    Column(_("Rework rate"), "rework_rate", "rate"),
    Column(_("Extended tasks"), "extended", "count"),
    Column(_("Extension rate"), "extension_rate", "rate"),
    Column(_("Mean handling time (working days)"), "mean_handling_days", "days"),
]


def _display(value, kind: str) -> str:
    """A localized cell: a count, a percentage with one decimal, or days with two; — when there is no value."""
    if value is None:
        return "—"
    if kind == "rate":
        percent = Decimal(value * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return f"{number_format(percent, 1)}%"
    if kind == "days":
        return number_format(value, 2)
    return number_format(value)


@dataclass(frozen=True)
class Cell:
    text: str
    kind: str
    title: str = ""


def _cells(row: MetricsRow) -> list[Cell]:
    """The row's cells; a rate's title gives the counts it is made of, e.g. "5 / 12"."""
    parts = row.counts.parts()
    cells = []
    for column in COLUMNS:
        value = getattr(row.counts, column.figure)
        title = "{} / {}".format(*parts[column.figure]) if column.figure in parts else ""
        cells.append(Cell(_display(value, column.kind), column.kind, title))
    return cells


def _group_label(group: str) -> Promise:
    return _("Unit") if group == Grouping.UNIT else _("Community")


def _csv(metrics: Metrics) -> HttpResponse:
    period = metrics.period
    filename = f"metrics-{metrics.group}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    # A byte-order mark, so that spreadsheet programs read the Chinese names as UTF-8.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(_group_label(metrics.group)), *(str(column.label) for column in COLUMNS)])
    for row in [*metrics.rows, metrics.total]:
        writer.writerow([row.name, *(cell.text for cell in _cells(row))])
    return response


@login_required
def metrics_page(request):
    if not can_view_metrics(request.user):
        raise PermissionDenied
    month = month_of(timezone.localdate())
    defaults = {"start": month.start.isoformat(), "end": month.end.isoformat(), "group": Grouping.UNIT}
    asked = {name: request.GET.get(name) for name in defaults if request.GET.get(name)}
    form = MetricsForm({**defaults, **asked})
    metrics, problem = None, ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            metrics = task_metrics_for_user(
                request.user, group=data["group"], period=data["period"], calendar=WorkCalendar()
            )
        except CalendarError as error:
            problem = str(error)
    if metrics is not None and request.GET.get("format") == "csv":
        return _csv(metrics)
    context = {"form": form, "metrics": metrics, "problem": problem, "columns": COLUMNS}
    if metrics is not None:
        context.update(
            group_label=_group_label(metrics.group),
            rows=[(row, _cells(row)) for row in metrics.rows],
            total=(metrics.total, _cells(metrics.total)),
        )
    return render(request, "inspections/metrics.html", context)
