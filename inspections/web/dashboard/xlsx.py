"""A dashboard table as a one-sheet workbook (openpyxl), headers in the reader's language, numbers kept as numbers."""

from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook

from inspections.reporting.briefings.tables import Table
from inspections.reporting.briefings.xlsx import sheet_title, write_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(table.title)
    write_table(sheet, table)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def workbook_response(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(table), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
