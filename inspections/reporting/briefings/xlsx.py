"""The briefing as a workbook (openpyxl): a summary sheet with the counts and the map, one sheet per table with
numbers kept as numbers (rates as percentages), and a sheet of the photo pairs with their thumbnails.

Thumbnails are read one at a time, re-encoded small (``THUMB_SIDE_PX``) and only those small JPEGs are kept until
the workbook is saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from inspections.reporting.briefings.content import BriefingContent
from inspections.reporting.briefings.docx import briefing_title, period_line
from inspections.reporting.briefings.photos import downscaled_jpeg
from inspections.reporting.briefings.tables import COUNT, DATE, DAYS, MOVEMENT, RATE, SCORE, Cell, Table, all_tables

THUMB_SIDE_PX = 160
ROW_HEIGHT_PT = 125
NUMBER_FORMATS = {RATE: "0.0%", SCORE: "0.00", DAYS: "0.00", COUNT: "#,##0", MOVEMENT: "+0;-0;0", DATE: "yyyy-mm-dd"}
BOLD = Font(bold=True)

Progress = Callable[[int, int], None]


def sheet_title(text: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:31]


def write_xlsx(content: BriefingContent, out: BinaryIO, *, map_png: BinaryIO, progress: Progress | None = None) -> None:
    workbook = Workbook()
    tables = all_tables(content)
    summary = workbook.active
    summary.title = sheet_title(tables[0].title)
    summary.append([briefing_title(content)])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([period_line(content)])
    summary.append([])
    write_table(summary, tables[0])
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 14
    summary.add_image(SheetImage(map_png), "D3")
    for table in tables[1:]:
        write_table(workbook.create_sheet(sheet_title(table.title)), table)
    _photo_pairs(workbook.create_sheet(sheet_title(_("Before and after"))), content, progress)
    workbook.save(out)


def _value(cell: Cell):
    if cell.kind == DATE and cell.value is not None:
        return timezone.localtime(cell.value).replace(tzinfo=None)
    return cell.value


def write_table(sheet, table: Table) -> None:
    """The table on ``sheet``: a bold header row, then its rows with numbers kept as numbers."""
    sheet.append(table.headers)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for row in table.rows:
        sheet.append([_value(cell) for cell in row])
        for written, cell in zip(sheet[sheet.max_row], row, strict=True):
            if cell.kind in NUMBER_FORMATS:
                written.number_format = NUMBER_FORMATS[cell.kind]
    for index, header in enumerate(table.headers, start=1):
        width = max(len(header) * 2, 10)
        sheet.column_dimensions[get_column_letter(index)].width = max(
            sheet.column_dimensions[get_column_letter(index)].width or 0, width
        )


def _photo_pairs(sheet, content: BriefingContent, progress: Progress | None) -> None:
    sheet.append(["#", _("Problem type"), _("Place"), _("Unit"), _("Verified"), _("Before"), _("After")])
    for cell in sheet[1]:
        cell.font = BOLD
    for column, width in zip("ABCDEFG", (5, 16, 24, 20, 12, 24, 24), strict=True):
        sheet.column_dimensions[column].width = width
    pairs = content.photo_pairs
    for index, pair in enumerate(pairs, start=1):
        verified = timezone.localtime(pair.verified_at).replace(tzinfo=None)
        sheet.append([index, pair.problem, pair.place, pair.unit, verified])
        row = sheet.max_row
        sheet[f"E{row}"].number_format = NUMBER_FORMATS[DATE]
        sheet.row_dimensions[row].height = ROW_HEIGHT_PT
        for column, name in (("F", pair.before_thumbnail), ("G", pair.after_thumbnail)):
            sheet.add_image(SheetImage(downscaled_jpeg(name, THUMB_SIDE_PX)), f"{column}{row}")
        if progress is not None:
            progress(index, len(pairs))
