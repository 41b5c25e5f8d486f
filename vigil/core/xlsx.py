"""The one .xlsx writer every export uses.

A text cell that a spreadsheet would read as a formula (it starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is written as text with
``quotePrefix`` set, so opening an export never runs anything a user typed.
Header row bold and frozen; column widths from the content.

A classified workbook (``classification`` > 0) carries its stamp ("MẬT",
"TỐI MẬT", "TUYỆT MẬT", the labels the Decree 30 documents print) on every
sheet: a bold red first row above the headers, the printed page header and
footer, and the workbook's keywords and category. The level belongs to the
file, not to a sheet: a derived file is at least as classified as anything in
it, so every sheet is marked alike. Unclassified workbooks are unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from vigil.core.classification import STAMPS, Classification

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_WIDTH = 60


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = field(default_factory=tuple)


def _cell_value(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # Spreadsheets have no time zones: show Vietnam time, as the pages do.
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | dt.date):
        return value
    return str(value)


def _put(cell: Cell, value: Any) -> None:
    value = _cell_value(value)
    if isinstance(value, str):
        # openpyxl writes any string starting with "=" as a formula: keep it as text.
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
            cell.alignment = Alignment(horizontal="left")
    else:
        cell.value = value
        if isinstance(value, dt.datetime):
            cell.number_format = "dd/mm/yyyy hh:mm"
        elif isinstance(value, dt.date):
            cell.number_format = "dd/mm/yyyy"


def stamp(classification: int) -> str:
    """The secrecy stamp of a level, "" when unclassified (nothing is printed then)."""
    return STAMPS[Classification(classification)] if classification > 0 else ""


def _mark(ws: Worksheet, mark: str, columns: int) -> None:
    cell = ws.cell(row=1, column=1, value=mark)
    cell.font = Font(bold=True, color="FF0000")
    cell.alignment = Alignment(horizontal="center")
    if columns > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    for part in (ws.oddHeader.center, ws.oddFooter.center):
        part.text = mark
        part.font = "Times New Roman,Bold"
        part.color = "FF0000"
    # The mark and the headers repeat on every printed page.
    ws.print_title_rows = "1:2"


def workbook_bytes(sheets: Sequence[Sheet], *, classification: int = 0) -> bytes:
    """An .xlsx file with one worksheet per ``Sheet``, each marked when classified."""
    mark = stamp(classification)
    book = Workbook(write_only=False)
    book.remove(book.active)
    if mark:
        book.properties.keywords = mark
        book.properties.category = mark
    top = 2 if mark else 1  # the header row
    for sheet in sheets:
        ws = book.create_sheet(title=sheet.title[:31] or "Sheet")
        if mark:
            _mark(ws, mark, len(sheet.headers))
        lengths = [len(str(h)) for h in sheet.headers]
        bold = Font(bold=True)
        for col, header in enumerate(sheet.headers, start=1):
            cell = ws.cell(row=top, column=col)
            _put(cell, header)
            cell.font = bold
        for r, row in enumerate(sheet.rows, start=top + 1):
            for col, value in enumerate(row, start=1):
                _put(ws.cell(row=r, column=col), value)
                if col <= len(lengths):
                    lengths[col - 1] = max(lengths[col - 1], len(str(value or "")))
        ws.freeze_panes = f"A{top + 1}"
        for col, length in enumerate(lengths, start=1):
            given = sheet.widths[col - 1] if col <= len(sheet.widths) else 0
            ws.column_dimensions[get_column_letter(col)].width = given or min(
                MAX_WIDTH, max(8, length + 2)
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(
    filename: str, sheets: Sequence[Sheet], *, classification: int = 0
) -> HttpResponse:
    """An HTTP download of the workbook; ``filename`` may hold Vietnamese letters."""
    from vigil.core.attachments import content_disposition

    response = HttpResponse(
        workbook_bytes(sheets, classification=classification), content_type=XLSX_TYPE
    )
    name = filename if filename.lower().endswith(".xlsx") else f"{filename}.xlsx"
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
