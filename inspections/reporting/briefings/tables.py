"""The briefing's tables, laid out once for both files: the DOCX shows each cell as localized text, the XLSX keeps
the numbers with a number format. Figures come from the content (and so from ``reporting.metrics`` and
``reporting.rankings``); nothing here computes one."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from inspections.reporting.briefings.content import BriefingContent
from inspections.reporting.rankings import RankRow

TEXT, COUNT, RATE, SCORE, MOVEMENT, DAYS, DATE = "text", "count", "rate", "score", "movement", "days", "date"


@dataclass(frozen=True)
class Cell:
    value: object
    kind: str = TEXT

    @property
    def text(self) -> str:
        return cell_text(self.value, self.kind)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]


def _row(values: list, kinds: list[str]) -> list[Cell]:
    return [Cell(value, kind) for value, kind in zip(values, kinds, strict=True)]


def cell_text(value, kind: str) -> str:
    """A cell as the reader sees it: localized numbers, a percentage with one decimal, ↑/↓ for movements."""
    if value is None or value == "":
        return "—"
    if kind == RATE:
        percent = Decimal(value * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return f"{number_format(percent, 1)}%"
    if kind in (SCORE, DAYS):
        return number_format(Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP), 2)
    if kind == COUNT:
        return number_format(value, force_grouping=True)
    if kind == MOVEMENT:
        return "→ 0" if value == 0 else (f"↑ {value}" if value > 0 else f"↓ {-value}")
    if kind == DATE:
        return date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")
    return str(value)


def summary_table(content: BriefingContent) -> Table:
    figures = content.figures
    pairs = [(_("Findings logged in the period"), content.findings, COUNT)]
    pairs += [(_("Tasks: %(status)s") % {"status": label}, n, COUNT) for _status, label, n in content.tasks_by_status]
    pairs += [
        (_("Tasks due in the period"), figures.due, COUNT),
        (_("Closed on time"), figures.closed_on_time, COUNT),
        (_("On-time closure rate"), figures.on_time_closure_rate, RATE),
        (_("Closure rate"), figures.closure_rate, RATE),
        (_("Rework rate"), figures.rework_rate, RATE),
        (_("Extension rate"), figures.extension_rate, RATE),
        (_("Mean handling time (working days)"), figures.mean_handling_days, DAYS),
    ]
    rows = [[Cell(label), Cell(value, kind)] for label, value, kind in pairs]
    return Table("summary", _("Counts"), [_("Figure"), _("Value")], rows)


def ranking_table(key: str, title: str, name_header: str, rows: list[RankRow]) -> Table:
    return Table(
        key,
        title,
        [_("Rank"), name_header, _("Score"), _("Inspections"), _("Deductions"), _("Previous rank"), _("Movement")],
        [
            _row(
                [row.rank, row.name, row.score, row.inspections, row.deductions, row.previous_rank, row.movement],
                [COUNT, TEXT, SCORE, COUNT, SCORE, COUNT, MOVEMENT],
            )
            for row in rows
        ],
    )


def problems_table(content: BriefingContent) -> Table:
    return Table(
        "problems",
        _("Top problems"),
        [_("Problem type"), _("Findings")],
        [_row([problem.name, problem.findings], [TEXT, COUNT]) for problem in content.top_problems],
    )


def overdue_table(content: BriefingContent) -> Table:
    return Table(
        "overdue",
        _("Units with overdue tasks"),
        [_("Unit"), _("Overdue tasks"), _("Oldest deadline")],
        [_row([unit.name, unit.overdue, unit.oldest_due_at], [TEXT, COUNT, DATE]) for unit in content.overdue_units],
    )


def all_tables(content: BriefingContent) -> list[Table]:
    """Every table of the briefing, in the order both files show them (the photos and the map follow)."""
    return [
        summary_table(content),
        ranking_table("communities", _("Ranking of communities"), _("Community"), content.communities),
        ranking_table("red", _("Red list (best)"), _("Community"), content.red),
        ranking_table("black", _("Black list (worst)"), _("Community"), content.black),
        ranking_table("units", _("Ranking of units"), _("Unit"), content.units),
        problems_table(content),
        overdue_table(content),
    ]
