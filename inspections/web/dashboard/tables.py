"""The dashboard's tables, laid out once for the page and the XLSX export (the briefings' ``Table`` and ``Cell``):
the rankings with their red and black lists, the KPIs, and each chart's figures. Nothing here computes a figure."""

from __future__ import annotations

from django.utils.translation import gettext as _

from inspections.reporting.briefings.tables import COUNT, RATE, TEXT, Cell, Table, ranking_table
from inspections.reporting.dashboard import Bar, Dashboard

# The list column's cells: on the red list (红榜), the black list (黑榜), or neither.
RED, BLACK, LIST = "red", "black", "list"


def _with_lists(table: Table, keys: list[int], red: list[int], black: list[int]) -> Table:
    def mark(key: int) -> Cell:
        if key in red:
            return Cell(_("Red list"), RED)
        return Cell(_("Black list"), BLACK) if key in black else Cell("", LIST)

    rows = [[*row, mark(key)] for row, key in zip(table.rows, keys, strict=True)]
    return Table(table.key, table.title, [*table.headers, _("List")], rows)


def ranking_tables(board: Dashboard) -> list[tuple[Table, list[int]]]:
    """The community and unit rankings, each with the ids of its rows (for the page's links and lists)."""
    r = board.rankings
    result = []
    for level, title, header, rows in (
        ("community", _("Ranking of communities"), _("Community"), r.community),
        ("unit", _("Ranking of units"), _("Unit"), r.unit),
    ):
        keys = [row.key for row in rows]
        table = ranking_table(f"{level}-ranking", title, header, rows)
        result.append((_with_lists(table, keys, r.red[level], r.black[level]), keys))
    return result


def kpi_table(board: Dashboard) -> Table:
    rows = []
    for kpi in board.kpis:
        kind = RATE if kpi.kind == "rate" else COUNT
        rows.append([Cell(kpi.label), Cell(kpi.value, kind), Cell(kpi.previous, kind), Cell(kpi.change, kind)])
    return Table("kpis", _("Key figures"), [_("Figure"), _("Value"), _("Previous period"), _("Change")], rows)


def _bars_table(key: str, title: str, header: str, bars: list[Bar]) -> Table:
    return Table(key, title, [header, _("Count")], [[Cell(bar.label), Cell(bar.value, COUNT)] for bar in bars])


def chart_tables(board: Dashboard) -> list[Table]:
    c = board.charts
    daily = Table(
        "per-day",
        _("Findings and closures per day"),
        [_("Day"), _("Findings"), _("Closed tasks")],
        [
            [Cell(day, TEXT), Cell(found, COUNT), Cell(closed, COUNT)]
            for day, found, closed in zip(c.days, c.findings_per_day, c.closures_per_day, strict=True)
        ],
    )
    return [
        daily,
        _bars_table("category", _("Findings by hotspot category"), _("Hotspot category"), c.by_category),
        _bars_table("problem-type", _("Findings by problem type"), _("Problem type"), c.by_problem_type),
        _bars_table("community", _("Findings by community"), _("Community"), c.by_community),
        _bars_table("unit", _("Findings by responsible unit"), _("Unit"), c.by_unit),
        _bars_table("ageing", _("Overdue tasks by days past the deadline"), _("Past the deadline"), c.ageing),
    ]


# Every table's key, as /dashboard/export/<key>/ names it.
TABLE_KEYS = frozenset(
    {"community-ranking", "unit-ranking", "kpis", "per-day", "category", "problem-type", "community", "unit", "ageing"}
)


def all_tables(board: Dashboard) -> dict[str, Table]:
    tables = [table for table, _keys in ranking_tables(board)] + [kpi_table(board)] + chart_tables(board)
    return {table.key: table for table in tables}
