"""The briefing as a Word document (python-docx): title, counts, map, rankings, 红榜/黑榜, top problems, overdue
units and the before/after photo pairs of closed tasks.

Photos are read, downscaled and added one at a time (``photos.downscaled_jpeg``); what the document keeps is the
small JPEGs (about 60 KB each at ``PHOTO_SIDE_PX``), never a decoded image.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from inspections.reporting.briefings.content import BriefingContent
from inspections.reporting.briefings.photos import downscaled_jpeg
from inspections.reporting.briefings.tables import Table, all_tables

PHOTO_SIDE_PX = 640
PHOTO_WIDTH = Cm(7.8)
MAP_WIDTH = Cm(16)
CJK_FONT = "Noto Sans CJK SC"

Progress = Callable[[int, int], None]


def briefing_title(content: BriefingContent) -> str:
    if content.scope_name:
        return _("Briefing of %(scope)s · %(phase)s") % {"scope": content.scope_name, "phase": content.phase}
    return _("Briefing · %(phase)s") % {"phase": content.phase}


def period_line(content: BriefingContent) -> str:
    return _("Period: %(start)s – %(end)s · built %(built)s") % {
        "start": date_format(content.period.start, "DATE_FORMAT"),
        "end": date_format(content.period.end, "DATE_FORMAT"),
        "built": date_format(timezone.localtime(content.built_at), "DATETIME_FORMAT"),
    }


def write_docx(content: BriefingContent, out: BinaryIO, *, map_png: BinaryIO, progress: Progress | None = None) -> None:
    document = Document()
    _east_asian_font(document)
    document.add_heading(briefing_title(content), level=0)
    document.add_paragraph(period_line(content))
    tables = all_tables(content)
    add_table(document, tables[0])
    document.add_heading(_("Map of findings and community scores"), level=1)
    document.add_picture(map_png, width=MAP_WIDTH)
    for table in tables[1:]:
        add_table(document, table)
    _photo_pairs(document, content, progress)
    document.save(out)


def _east_asian_font(document) -> None:
    """Chinese text in a CJK font in every style (Word otherwise falls back to a Latin font's substitutes)."""
    for style in document.styles:
        element = getattr(style, "element", None)
        if element is None or not hasattr(style, "font"):
            continue
        fonts = element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), CJK_FONT)
    document.styles["Normal"].font.size = Pt(10.5)


def add_table(document, table: Table) -> None:
    document.add_heading(table.title, level=1)
    if not table.rows:
        document.add_paragraph(_("None."))
        return
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value.text


def _photo_pairs(document, content: BriefingContent, progress: Progress | None) -> None:
    document.add_heading(_("Before and after: closed tasks"), level=1)
    pairs = content.photo_pairs
    if not pairs:
        document.add_paragraph(_("None."))
    for index, pair in enumerate(pairs, start=1):
        caption = _("%(index)s. %(problem)s · %(place)s · %(unit)s · verified %(date)s") % {
            "index": index,
            "problem": pair.problem,
            "place": pair.place,
            "unit": pair.unit,
            "date": date_format(timezone.localtime(pair.verified_at), "SHORT_DATE_FORMAT"),
        }
        document.add_paragraph(caption)
        grid = document.add_table(rows=2, cols=2)
        labels, images = grid.rows
        labels.cells[0].text, labels.cells[1].text = _("Before"), _("After")
        for cell, name in zip(images.cells, (pair.before_display, pair.after_display), strict=True):
            cell.paragraphs[0].add_run().add_picture(downscaled_jpeg(name, PHOTO_SIDE_PX), width=PHOTO_WIDTH)
        if progress is not None:
            progress(index, len(pairs))
