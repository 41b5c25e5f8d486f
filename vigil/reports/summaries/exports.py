"""A summary report's figures and tables as an .xlsx workbook: a first sheet of every
figure (section, figure, value, unit), then one sheet per table, in the report's
words (Vietnamese), marked as classified as the report is (``vigil.core.xlsx``)."""

from __future__ import annotations

import re

from vigil.core.xlsx import Sheet, workbook_bytes
from vigil.reports.sections.base import SectionContent
from vigil.reports.summaries.models import SummaryReport

FIGURES_SHEET = "Số liệu"
# Excel refuses these in a sheet's name, and names longer than 31 characters.
NOT_IN_NAMES = re.compile(r"[\[\]:*?/\\]")
NAME_LENGTH = 31


def _sheet_name(title: str, taken: set[str]) -> str:
    base = NOT_IN_NAMES.sub(" ", title).strip().strip("'")[:NAME_LENGTH].strip() or "Bảng"
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name = base[: NAME_LENGTH - len(suffix)].rstrip() + suffix
        n += 1
    taken.add(name.casefold())
    return name


def xlsx_bytes(report: SummaryReport) -> bytes:
    """Every table of the report, a sheet each, with the figures on the first sheet."""
    sections = [
        (s.title, SectionContent.from_json(s.content)) for s in report.sections.order_by("order")
    ]
    figures = Sheet(
        FIGURES_SHEET,
        ["Mục", "Chỉ tiêu", "Số liệu", "Đơn vị tính"],
        [[title, f.label, f.value, f.unit] for title, content in sections for f in content.figures],
        widths=(40, 60, 12, 14),
    )
    taken = {FIGURES_SHEET.casefold()}
    tables = [
        Sheet(_sheet_name(table.title, taken), table.header, table.rows)
        for _title, content in sections
        for table in content.tables
    ]
    return workbook_bytes([figures, *tables], classification=int(report.classification))
