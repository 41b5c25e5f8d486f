"""The one .xlsx reader every bulk import uses (the writer is ``vigil.core.xlsx``).

An import describes its workbook with ``SheetSpec``s; this module writes the
template to fill in, refuses a workbook as a whole (``ImportRefused``: not an
.xlsx file, too large, a missing sheet, columns other than the template's, a
formula anywhere, too many rows) before any row is read, yields the rows that
hold data (blank rows and the template's example rows are skipped), reads a
cell as text or as a date, and runs every row through the app's handler in a
savepoint so that each bad row is reported (``import_rows``). Writing nothing
unless every row passed stays with the caller, inside its own transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from vigil.core import dates
from vigil.core.xlsx import XLSX_TYPE, Sheet

__all__ = [
    "EXAMPLE_MARK",
    "NOTES_SHEET",
    "XLSX_TYPE",
    "Column",
    "ImportRefused",
    "Report",
    "RowResult",
    "SheetSpec",
    "cell_date",
    "cell_text",
    "check_headers",
    "import_rows",
    "notes_sheet",
    "open_workbook",
    "refuse_formulas",
    "refuse_over",
    "row_message",
    "rows",
    "template_sheet",
]

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED = 60 * 1024 * 1024  # a zip bomb stops here, before openpyxl inflates it
EXAMPLE_MARK = "(Ví dụ)"
NOTES_SHEET = "Huong_dan"
# The notes every template carries (the file format is Vietnamese, whatever the UI language).
EXAMPLE_NOTE = f"Dòng bắt đầu bằng “{EXAMPLE_MARK}” là dòng ví dụ và được bỏ qua."
FORMULA_NOTE = "Không dùng công thức: tệp có công thức bị từ chối."
ALL_OR_NOTHING_NOTE = "Chỉ khi mọi dòng hợp lệ mới ghi; nếu không, không ghi gì."


class ImportRefused(Exception):
    """The workbook as a whole is refused; no row was read."""


@dataclass(frozen=True)
class Column:
    """One column of a template: the row's key, the header cell, the example and the note."""

    key: str
    header: str
    example: str
    note: str


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of a template: its name, its title in the notes, its columns in order."""

    name: str
    title: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


@dataclass
class RowResult:
    sheet: str
    row: int
    ok: bool
    message: str


@dataclass
class Report:
    """The row-by-row outcome of an import; ``written`` is 0 unless every row passed."""

    rows: list[RowResult] = field(default_factory=list)
    written: int = 0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]


# --- the template


def template_sheet(spec: SheetSpec) -> Sheet:
    """The sheet to fill in: the headers and one example row, nothing a formula."""
    return Sheet(
        spec.name,
        spec.headers,
        [[c.example for c in spec.columns]],
        widths=[max(14, len(c.header) + 4) for c in spec.columns],
    )


def notes_sheet(title: str, lines: Sequence[tuple[str, ...]]) -> Sheet:
    """The notes sheet (``NOTES_SHEET``), which the reader neither checks nor counts."""
    return Sheet(NOTES_SHEET, (title,), lines, widths=(40, 90))


# --- refusing a workbook as a whole


def open_workbook(upload: Any) -> Workbook:
    """The uploaded file as a workbook, formulas kept (to be refused); or ``ImportRefused``."""
    if not str(getattr(upload, "name", "")).lower().endswith(".xlsx"):
        raise ImportRefused(_("Upload an .xlsx workbook (Excel 2007 or later)."))
    if getattr(upload, "size", 0) > MAX_BYTES:
        raise ImportRefused(_("The file is larger than 5 MB."))
    data = upload.read()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED:
                raise ImportRefused(_("The workbook is too large once unpacked."))
        return load_workbook(io.BytesIO(data), data_only=False)
    except ImportRefused:
        raise
    except Exception:  # a corrupt or disguised file fails anywhere inside openpyxl
        raise ImportRefused(_("This file is not a readable .xlsx workbook.")) from None


def check_headers(book: Workbook, specs: Sequence[SheetSpec]) -> None:
    """Refuse a workbook missing one of the sheets or whose header row is not the template's."""
    for spec in specs:
        if spec.name not in book.sheetnames:
            raise ImportRefused(
                _("The sheet “%(sheet)s” is missing: start from the template.")
                % {"sheet": spec.name}
            )
        sheet = book[spec.name]
        header = [
            str(c.value).strip() if c.value is not None else ""
            for c in next(sheet.iter_rows(min_row=1, max_row=1), ())
        ]
        while header and not header[-1]:
            header.pop()
        if header != spec.headers:
            raise ImportRefused(
                _("The columns of sheet “%(sheet)s” are not the template's: expected %(cols)s.")
                % {"sheet": spec.name, "cols": ", ".join(spec.headers)}
            )


def refuse_formulas(book: Workbook) -> Counter[str]:
    """Refuse a workbook with a formula in any cell of any sheet.

    A formula is a cell openpyxl reads as one or text starting with "=". Returns,
    per sheet name, how many rows hold something (the header row included)."""
    filled: Counter[str] = Counter()
    for name in book.sheetnames:
        for row in book[name].iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
                    raise ImportRefused(
                        _(
                            "Cell %(cell)s of sheet “%(sheet)s” holds a formula; formulas are refused."
                        )
                        % {"cell": cell.coordinate, "sheet": name}
                    )
            if any(c.value not in (None, "") for c in row):
                filled[name] += 1
    return filled


def refuse_over(rows: int, maximum: int) -> None:
    """Refuse a workbook with more than ``maximum`` rows of data."""
    if rows > maximum:
        raise ImportRefused(_("Too many rows: at most %(max)s.") % {"max": maximum})


# --- reading rows and cells


def rows(sheet: Worksheet, spec: SheetSpec) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows below the header as (row number, {column key: value}), text stripped.

    Blank rows and example rows (a cell starting with ``EXAMPLE_MARK``) are skipped."""
    width = len(spec.columns)
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        cells = list(values[:width]) + [None] * (width - len(values[:width]))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        row = {
            c.key: (v.strip() if isinstance(v, str) else v)
            for c, v in zip(spec.columns, cells, strict=True)
        }
        if any(isinstance(v, str) and v.startswith(EXAMPLE_MARK) for v in row.values()):
            continue
        yield number, row


def cell_text(row: dict[str, Any], key: str) -> str:
    """A cell as text: "" when empty, a whole number without its ".0"."""
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _plausible(day: dt.date, label: str) -> dt.date:
    if not dates.FIRST <= day <= dates.LAST:
        raise ValidationError(
            _("%(col)s: enter a date between %(first)s and %(last)s.")
            % {"col": label, "first": dates.shown(dates.FIRST), "last": dates.shown(dates.LAST)}
        )
    return day


def cell_date(row: dict[str, Any], key: str, label: str, *, required: bool) -> dt.date | None:
    """A cell as a date: a date cell, or text dd/mm/yyyy or yyyy-mm-dd, within plausible years.

    ``label`` (the column's header) names the column in the ``ValidationError``."""
    value = row.get(key)
    if isinstance(value, dt.datetime):
        return _plausible(value.date(), label)
    if isinstance(value, dt.date):
        return _plausible(value, label)
    text = cell_text(row, key)
    if not text:
        if required:
            raise ValidationError(_("%(col)s: required.") % {"col": label})
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
        return _plausible(day, label)
    raise ValidationError(
        _("%(col)s: “%(value)s” is not a date (dd/mm/yyyy).") % {"col": label, "value": text}
    )


# --- running the rows


def row_message(exc: Exception, spec: SheetSpec, *, denied: str) -> str:
    """What a refused row's report says; ``denied`` when a bare PermissionDenied says nothing."""
    headers = {c.key: c.header for c in spec.columns}
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            # Name the template's column where the service names a field.
            return "; ".join(
                f"{headers.get(name, name)}: {m}" if name != "__all__" else str(m)
                for name, errors in exc.error_dict.items()
                for e in errors
                for m in e.messages
            )
        return "; ".join(exc.messages)
    if isinstance(exc, PermissionDenied):
        return str(exc) or denied
    return _("The database refused this row.")


def import_rows(
    book: Workbook,
    handlers: Sequence[tuple[SheetSpec, Callable[[dict[str, Any]], str]]],
    *,
    denied: str,
) -> Report:
    """Run every row of each sheet through its handler, each in a savepoint.

    A handler returns the row's report line or raises ValidationError,
    PermissionDenied or DatabaseError, which the report records for that row.
    Call it inside the caller's transaction, which rolls back unless ``report.ok``."""
    report = Report()
    for spec, handle in handlers:
        for number, row in rows(book[spec.name], spec):
            try:
                with transaction.atomic():
                    message = handle(row)
            except (ValidationError, PermissionDenied, DatabaseError) as exc:
                report.rows.append(
                    RowResult(spec.name, number, False, row_message(exc, spec, denied=denied))
                )
            else:
                report.rows.append(RowResult(spec.name, number, True, message))
    return report
