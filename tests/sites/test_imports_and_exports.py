"""Bulk import of key sites from .xlsx (all rows or none, a report row by row, in
Vietnamese) and the export of the filtered list through the safe writer, in scope."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from tests.sites.helpers import SYSTEM, commune_a, new_site
from vigil.core.models import AdminUnit, AuditEvent
from vigil.sites import demo, exports, imports, services
from vigil.sites.models import KeySite, Plan, SiteAction

pytestmark = pytest.mark.django_db
GOOD = ["Nhà máy nước Diễn Vọng", "water_works", "", "Công an tỉnh Quảng Ninh",
        "Công ty CP Nước sạch Quảng Ninh", "", "Tổ 5, khu 3", 20.99, 107.05, 4, "Thường",
        "+ ghi chú"]  # fmt: skip


def _book(*rows: list[Any], headers: list[str] | None = None) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = imports.SITES.name
    sheet.append(headers or imports.SITES.headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("muc-tieu.xlsx", out.getvalue())


def _row(**changes: Any) -> list[Any]:
    keys = [c.key for c in imports.SITES.columns]
    row = list(GOOD)
    row[keys.index("commune")] = AdminUnit.objects.get(code="06994").name  # Đặc khu Vân Đồn
    for key, value in changes.items():
        row[keys.index(key)] = value
    return row


def test_the_template_is_the_import_format_without_formulas(
    client_for: Callable[[str], Client],
) -> None:
    response = client_for("thuongtruc").get("/sites/import/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book[imports.SITES.name][1]]
    assert header == imports.SITES.headers
    assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)
    assert client_for("congthuong").get("/sites/import/template.xlsx").status_code == 404


def test_good_rows_are_written(persona: Callable[[str], Any]) -> None:
    report = imports.run_import(
        _book(_row(), _row(name="Trạm bơm Yên Lập", latitude=None, longitude=None)),
        actor=persona("thuongtruc"),
    )
    assert report.ok and report.written == 2
    site = KeySite.objects.get(name="Nhà máy nước Diễn Vọng")
    assert site.commune is not None and site.commune.code == "06994"
    assert site.notes == "+ ghi chú" and site.criticality == 4
    assert AuditEvent.objects.filter(action=SiteAction.SITES_IMPORTED).count() == 1


def test_one_bad_row_writes_nothing_and_each_bad_row_is_named(
    persona: Callable[[str], Any],
) -> None:
    before = KeySite.objects.count()
    report = imports.run_import(
        _book(
            _row(),
            _row(name="Sai xã", commune="Xã Không Tồn Tại"),
            _row(name="Ngoài biển", latitude=30.5),
            _row(name="Sai loại", category="castle"),
        ),
        actor=persona("thuongtruc"),
    )
    assert not report.ok and report.written == 0
    assert KeySite.objects.count() == before
    assert [(r.row, r.ok) for r in report.rows] == [(2, True), (3, False), (4, False), (5, False)]
    assert report.rows[1].message == (
        "Xã, phường, đặc khu: không có đơn vị hành chính “Xã Không Tồn Tại” trong tỉnh của bạn."
    )
    assert report.rows[2].message == (
        "Vĩ độ: Vĩ độ phải nằm trong lãnh thổ Việt Nam: từ 6,0 đến 23,5 độ Bắc."
    )
    assert report.rows[3].message == "Loại: không có loại mục tiêu “castle”."


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: _book(_row(name='=HYPERLINK("http://x")')), "công thức"),
        (lambda: _book(_row(), headers=["Tên", *imports.SITES.headers[1:]]), "cột"),
    ],
)
def test_a_formula_or_a_wrong_column_refuses_the_file(
    upload: Callable[[], SimpleUploadedFile], message: str, persona: Callable[[str], Any]
) -> None:
    before = KeySite.objects.count()
    with pytest.raises(imports.ImportRefused) as info:
        imports.run_import(upload(), actor=persona("thuongtruc"))
    assert message in str(info.value)
    assert KeySite.objects.count() == before


def test_the_upload_page_shows_the_report(client_for: Callable[[str], Client]) -> None:
    client = client_for("thuongtruc")
    assert client.get("/sites/import/").status_code == 200
    body = client.post("/sites/import/",
                       {"file": _book(_row(), _row(name="Sai", commune="Xã Ma"))}).content.decode()  # fmt: skip
    assert "Chưa ghi gì: hãy sửa các dòng được đánh dấu dưới đây." in body
    assert "Xã Ma" in body
    assert not KeySite.objects.filter(name="Nhà máy nước Diễn Vọng").exists()
    assert client_for("congthuong").get("/sites/import/").status_code == 404


def _exported(data: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(data))[imports.SITES.name]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_export_is_the_filtered_list_and_escapes_formulas(
    client_for: Callable[[str], Client], persona: Callable[[str], Any]
) -> None:
    new_site("=1+1 Trạm", notes="@cmd")
    response = client_for("thuongtruc").get("/sites/export.xlsx", {"q": "tram"})
    assert response.status_code == 200
    rows = _exported(response.content)
    names = [row[0] for row in rows[1:]]
    assert names == ["=1+1 Trạm"]
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for row in book[imports.SITES.name].iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    name_cell = book[imports.SITES.name]["A2"]
    assert name_cell.quotePrefix


def test_xa_b_cannot_export_xa_a_site(client_for: Callable[[str], Client]) -> None:
    names_a = [r[0] for r in _exported(client_for("xa_a").get("/sites/export.xlsx").content)]
    names_b = [r[0] for r in _exported(client_for("xa_b").get("/sites/export.xlsx").content)]
    assert demo.AIRPORT in names_a
    assert demo.AIRPORT not in names_b
    # A filter naming the site changes nothing.
    response = client_for("xa_b").get("/sites/export.xlsx", {"q": "Vân Đồn"})
    assert demo.AIRPORT not in [r[0] for r in _exported(response.content)]


def test_a_plan_above_clearance_is_absent_from_exports(persona: Callable[[str], Any]) -> None:
    secret = Plan.objects.get(code_name=demo.CASE_6_PLAN)
    seaport = secret.sites.get()
    seen = exports.export_sites(persona("lanhdao"))
    hidden = exports.export_sites(persona("thuongtruc"))
    assert demo.CASE_6_PLAN in _plans_of(seen.data, seaport.name)
    assert demo.CASE_6_PLAN not in _plans_of(hidden.data, seaport.name)
    assert "KB-CB 01" in _plans_of(hidden.data, seaport.name)


def _plans_of(data: bytes, site: str) -> str:
    book = load_workbook(io.BytesIO(data))
    sheet = book[imports.SITES.name]
    for row in sheet.iter_rows(values_only=True):
        if row[0] == site:
            return str(row[-1])
    raise AssertionError(site)


def test_the_export_costs_the_same_queries_for_more_rows(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("xa_a")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/sites/export.xlsx").status_code == 200
        return len(ctx.captured_queries)

    count()
    before = count()
    for i in range(4):
        site = new_site(f"Mục tiêu xuất {i}", committee=commune_a())
        services.create_plan(site.owning_committee, code_name=f"XK {i}", sites=[site],
                             actor=SYSTEM)  # fmt: skip
    assert count() == before
