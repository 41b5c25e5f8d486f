"""The shared .xlsx reader: formulas and wrong headers refused, blank and example rows skipped."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from vigil.core.xlsx import workbook_bytes
from vigil.core.xlsx_import import (
    EXAMPLE_MARK,
    Column,
    ImportRefused,
    SheetSpec,
    cell_text,
    check_headers,
    notes_sheet,
    refuse_formulas,
    rows,
    template_sheet,
)

SPEC = SheetSpec(
    "Danh_sach",
    "Danh sách",
    (
        Column("name", "Tên", f"{EXAMPLE_MARK} Sở Y tế", "Bắt buộc."),
        Column("code", "Mã", "000.00.18.H46", "Không bắt buộc."),
    ),
)


def _book(data: list[list[Any]], headers: list[str] | None = None) -> Workbook:
    """A real workbook, saved and read back as an upload would be."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SPEC.name
    sheet.append(headers or SPEC.headers)
    for row in data:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return load_workbook(io.BytesIO(out.getvalue()), data_only=False)


def test_a_formula_cell_is_refused() -> None:
    book = _book([["Sở Y tế", "=1+1"]])
    with pytest.raises(ImportRefused, match="B2"):
        refuse_formulas(book)


def test_rows_skip_blank_and_example_rows_and_count_filled_ones() -> None:
    book = _book(
        [[f"{EXAMPLE_MARK} Sở Y tế", "x"], [None, None], [None, "  "], [" Sở Tư pháp ", 12.0]]
    )
    check_headers(book, [SPEC])
    # Counted against the maximum: every row with a cell that is not empty, spaces too.
    assert refuse_formulas(book)[SPEC.name] == 4
    read = list(rows(book[SPEC.name], SPEC))
    assert read == [(5, {"name": "Sở Tư pháp", "code": 12})]
    assert cell_text(read[0][1], "code") == "12"


def test_a_wrong_header_is_refused() -> None:
    book = _book([["Sở Y tế", ""]], headers=["Tên cơ quan", "Mã"])
    with pytest.raises(ImportRefused, match="Tên, Mã"):
        check_headers(book, [SPEC])


def test_the_template_reads_back_as_no_row() -> None:
    data = workbook_bytes([template_sheet(SPEC), notes_sheet("Hướng dẫn", [("Tên", "Bắt buộc.")])])
    book = load_workbook(io.BytesIO(data), data_only=False)
    check_headers(book, [SPEC])
    refuse_formulas(book)
    assert list(rows(book[SPEC.name], SPEC)) == []
