"""A summary report's outputs: its charts as PNG (the same bytes twice), its Decree 30
.docx (draft and issued) with the charts embedded and nothing the checker finds, the
issued report as an edXML package that reads back, its figures and tables as .xlsx."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from vigil.core.documents.check import check_docx
from vigil.core.documents.edxml import parse_package
from vigil.org.models import Committee
from vigil.reports.charts import MAX_BARS, OTHERS, chart_png, shortened
from vigil.reports.models import ReportKind, SummaryReport
from vigil.reports.sections.base import Chart, SectionContent
from vigil.reports.summaries import services
from vigil.reports.summaries.documents import docx_bytes, edxml_bytes
from vigil.reports.summaries.exports import xlsx_bytes

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n"
CHART = Chart(
    "by_type", "Diễn tập theo loại hình",
    ["hội thảo", "diễn tập trên bàn (sa bàn)", "diễn tập tổng hợp (thực binh) của các lực lượng"],
    [3.0, 12.0, 2.5], "cuộc",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _in_english() -> Any:
    with translation.override("en"):
        yield


def province() -> Committee:
    return Committee.objects.get(name__endswith="tỉnh Quảng Ninh")


def images(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [n for n in package.namelist() if n.startswith("word/media/")]


def text_of(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def charts_of(report: SummaryReport) -> int:
    return sum(
        1
        for s in report.sections.all()
        for c in SectionContent.from_json(s.content).charts
        if c.labels
    )


def issued(report: SummaryReport, leader: Any) -> SummaryReport:
    return services.issue_report(
        report, actor=leader, version=report.version, recipients=["Sở Công Thương", "Như trên"]
    )


# Charts ------------------------------------------------------------------------


def test_a_chart_is_a_png_with_the_same_bytes_every_time() -> None:
    started = time.perf_counter()
    first = chart_png(CHART)
    elapsed = time.perf_counter() - started
    assert first.startswith(PNG)
    assert chart_png(CHART) == first
    assert b"tIME" not in first and b"Matplotlib" not in first  # no time, no version
    assert elapsed < 2
    # 12 cm at 200 dpi: wide enough to print at 16 cm, its text large on a phone.
    width = int.from_bytes(first[16:20], "big")
    assert 900 <= width <= 1000
    other = chart_png(Chart("x", "x", ["một"], [1.0]))
    assert other != first


def test_a_chart_with_no_bars_still_draws() -> None:
    assert chart_png(Chart("x", "Không có gì", [], [])).startswith(PNG)


# The .docx ---------------------------------------------------------------------


def test_the_annual_report_draft_and_issued_pass_the_checker_with_its_charts(
    persona: Callable[[str], Any],
) -> None:
    report = services.draft_report(province(), ReportKind.ANNUAL, 2026, actor=persona("thuongtruc"))
    charts = charts_of(report)
    assert charts >= 1  # the demo's drills by type
    draft = docx_bytes(report)
    assert check_docx(draft) == []
    assert len(images(draft)) == charts
    text = text_of(draft)
    assert "DỰ THẢO" in text and "Biểu đồ 1. " in text
    assert "Diễn tập theo loại hình" in text
    assert "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH" in text
    assert "Kính gửi:" in text
    assert "- Ban Chỉ đạo Phòng, chống khủng bố quốc gia;" in text
    assert "Ủy ban nhân dân tỉnh Quảng Ninh." in text
    assert "- Lưu: VT, VPTT." in text
    assert "I. TÌNH HÌNH LIÊN QUAN ĐẾN KHỦNG BỐ" in text

    report = issued(report, persona("lanhdao"))
    data = docx_bytes(report)
    assert check_docx(data) == []
    assert len(images(data)) == charts
    text = text_of(data)
    number = report.number.split("/")[0].zfill(2)
    assert f"Số: {number}/BC-BCĐ" in text and "DỰ THẢO" not in text
    # "Như trên" once, for the addressees; the others given, the archive last.
    assert text.count("Như trên") == 1
    assert "- Sở Công Thương;" in text and "- Lưu: VT, VPTT." in text


def test_a_quarterly_report_passes_the_checker(persona: Callable[[str], Any]) -> None:
    report = services.draft_report(
        province(), ReportKind.QUARTERLY, 2026, 2, actor=persona("thuongtruc")
    )
    assert check_docx(docx_bytes(report)) == []
    report = issued(report, persona("lanhdao"))
    assert check_docx(docx_bytes(report)) == []
    assert f"Số: {report.number.split('/')[0].zfill(2)}/" in text_of(docx_bytes(report))


def test_a_report_with_no_data_still_builds(persona: Callable[[str], Any]) -> None:
    report = services.draft_report(province(), ReportKind.ANNUAL, 2019, actor=persona("thuongtruc"))
    assert charts_of(report) == 0
    data = docx_bytes(report)
    assert check_docx(data) == []
    assert images(data) == []
    report = issued(report, persona("lanhdao"))
    assert check_docx(docx_bytes(report)) == []


# edXML and .xlsx -----------------------------------------------------------------


def test_the_issued_report_goes_out_as_edxml_and_reads_back(
    persona: Callable[[str], Any],
) -> None:
    # A year with nothing classified in it (2026's drills include Mật ones); 2019 is before the demo's first key site.
    report = services.draft_report(province(), ReportKind.ANNUAL, 2019, actor=persona("thuongtruc"))
    assert report.classification == 0
    with pytest.raises(ValidationError, match="draft"):
        edxml_bytes(report)
    report = issued(report, persona("lanhdao"))
    package = parse_package(edxml_bytes(report))
    number, _slash, notation = report.number.partition("/")
    assert (package.number, package.notation) == (number, notation)
    assert package.subject == report.title and package.type_name == "Báo cáo"
    assert package.type_detail == "14"  # BC
    assert package.sender.name == province().name
    assert "Ban Chỉ đạo Phòng, chống khủng bố quốc gia" in [r.name for r in package.recipients]
    assert package.date == report.issued_on
    (attachment,) = package.attachments
    assert attachment.data == docx_bytes(report)
    assert attachment.name.endswith(".docx")


def test_a_classified_report_does_not_go_out_as_edxml(persona: Callable[[str], Any]) -> None:
    report = services.draft_report(province(), ReportKind.ANNUAL, 2026, actor=persona("thuongtruc"))
    report = issued(report, persona("lanhdao"))
    assert report.classification > 0  # Mật drills counted in the exercises section
    with pytest.raises(ValidationError, match="classified"):
        edxml_bytes(report)


def test_the_xlsx_has_the_figures_and_a_sheet_per_table(persona: Callable[[str], Any]) -> None:
    report = services.draft_report(province(), ReportKind.ANNUAL, 2026, actor=persona("thuongtruc"))
    book = load_workbook(io.BytesIO(xlsx_bytes(report)))
    assert book.sheetnames[0] == "Số liệu"
    figures = book["Số liệu"]
    # As classified as the report: every sheet marked on its first row.
    assert report.classification > 0
    assert all(book[name]["A1"].value == "MẬT" for name in book.sheetnames)
    header = [c.value for c in figures[2]]
    assert header == ["Mục", "Chỉ tiêu", "Số liệu", "Đơn vị tính"]
    rows = {(r[0], r[1]): (r[2], r[3]) for r in figures.iter_rows(min_row=3, values_only=True)}
    exercises = SectionContent.from_json(report.sections.get(key="exercises").content)
    assert rows[("Công tác tập huấn, diễn tập", "Cuộc diễn tập")] == (
        exercises.figure("exercises"),
        "cuộc",
    )
    tables = [t for s in report.sections.all() for t in SectionContent.from_json(s.content).tables]
    assert len(book.sheetnames) == 1 + len(tables)
    by_type = next(t for t in tables if t.key == "exercises_by_type")
    sheet = book[by_type.title[:31]]
    assert [c.value for c in sheet[2]] == by_type.header
    assert [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)] == by_type.rows


def test_a_chart_of_many_bars_keeps_the_largest_and_sums_the_rest() -> None:
    labels = [f"Đơn vị {n}" for n in range(40)]
    values = [float(n) for n in range(40)]
    kept, sums = shortened(labels, values)
    assert len(kept) == MAX_BARS and kept[-1] == OTHERS
    assert kept[:-1] == labels[40 - MAX_BARS + 1 :]
    assert sum(sums) == sum(values)
    assert chart_png(Chart("k", "Nhiều đơn vị", labels, values)).startswith(b"\x89PNG")
