"""Bulk onboarding from .xlsx: every row valid or nothing written, with a row-by-row report."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from vigil.accounts.models import User
from vigil.core.models import AuditEvent, AuditHead
from vigil.org.imports import services as imports
from vigil.org.models import Agency, ClearanceRequest, PostHolder

pytestmark = pytest.mark.django_db
PROVINCE = "Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh"
COMMUNE_B = "Ban Chỉ đạo Phòng, chống khủng bố phường Móng Cái 1"
PASSWORD = "Mat-khau-rat-dai-2026"


def good_rows() -> dict[str, list[list[Any]]]:
    return {
        "Co_quan": [
            ["Sở Giáo dục và Đào tạo", "SGDĐT", "department", PROVINCE, "000.00.18.H46", "", "01/07/2025"],
            ["Sở Tư pháp", "STP", "department", PROVINCE, "", "", None],
        ],
        "Nguoi_giu_chuc_vu": [
            [PROVINCE, "Ủy viên", "Sở Y tế", "Nguyễn Văn A", "Phó Giám đốc", "125/QĐ-UBND",
             "20/06/2025", "01/07/2025", None],
        ],
        "Nguoi_dung": [
            ["lienlac_sgd", "Trần Thị B", "b@sgd.example.vn", PASSWORD, "Thường",
             "Sở Giáo dục và Đào tạo", "officer", "", "01/07/2025", ""],
            ["lienlac_stp", "Lê Văn C", "c@stp.example.vn", PASSWORD, "Mật",
             "Sở Tư pháp", "officer", "", "01/07/2025", ""],
        ],
    }  # fmt: skip


def workbook(
    rows: dict[str, list[list[Any]]], *, headers: dict[str, list[str]] | None = None
) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for spec in imports.SHEETS:
        sheet = book.create_sheet(spec.name)
        sheet.append((headers or {}).get(spec.name, spec.headers))
        for row in rows.get(spec.name, []):
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: Client, data: bytes, name: str = "nhap.xlsx") -> Any:
    return client.post(
        reverse("org:admin_import"), {"file": SimpleUploadedFile(name, data, imports.XLSX_TYPE)}
    )


def seq() -> int:
    return AuditHead.objects.get(id=1).seq


def test_a_valid_workbook_writes_every_row(client_for: Callable[[str], Client]) -> None:
    response = upload(client_for("quantri"), workbook(good_rows()))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok, [r.message for r in report.rows]
    assert report.written == 5
    education = Agency.objects.get(name="Sở Giáo dục và Đào tạo")
    assert education.memberships_in.filter(committee__name=PROVINCE).exists()
    assert PostHolder.objects.filter(
        holder_name="Nguyễn Văn A", decision_number="125/QĐ-UBND"
    ).exists()
    assert User.objects.get(username="lienlac_sgd").memberships.get().agency == education
    # quantri is cleared Thường: the Mật clearance waits for a leader.
    stp = User.objects.get(username="lienlac_stp")
    assert stp.clearance == 0
    assert ClearanceRequest.objects.filter(user=stp, level=1, status="pending").exists()
    assert AuditEvent.objects.filter(action="import.completed").exists()
    assert AuditEvent.objects.filter(action="agency.created", object_id=str(education.pk)).exists()
    # The new liaison signs in with the initial password.
    response = Client().post(
        reverse("accounts:login"), {"username": "lienlac_sgd", "password": PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("sheet", "index", "column", "bad", "expected"),
    [
        ("Nguoi_dung", 1, 2, "not-an-address", [("Nguoi_dung", 3)]),  # not an e-mail
        ("Nguoi_dung", 1, 0, "lienlac_sgd", [("Nguoi_dung", 3)]),  # a duplicate username
        ("Nguoi_dung", 0, 6, "auditor", [("Nguoi_dung", 2)]),  # committee role, no committee
        ("Nguoi_giu_chuc_vu", 0, 8, "01/01/2025", [("Nguoi_giu_chuc_vu", 2)]),  # ends first
        # An unknown committee; the user of that agency fails with it.
        ("Co_quan", 1, 3, COMMUNE_B + " khác", [("Co_quan", 3), ("Nguoi_dung", 3)]),
    ],
)
def test_one_bad_row_and_nothing_is_written(
    sheet: str, index: int, column: int, bad: str, expected: list[tuple[str, int]],
    client_for: Callable[[str], Client],
) -> None:  # fmt: skip
    rows = good_rows()
    rows[sheet][index][column] = bad
    before = (seq(), Agency.objects.count(), User.objects.count(), PostHolder.objects.count())
    response = upload(client_for("quantri"), workbook(rows))
    report = response.context["report"]
    assert not report.ok
    errors = [(r.sheet, r.row) for r in report.errors]
    assert errors == expected, [r.message for r in report.rows]
    if bad == "not-an-address":
        assert report.errors[0].message.startswith("Thư điện tử: ")
    # The other rows were checked too, and reported valid.
    assert sum(r.ok for r in report.rows) == 5 - len(expected)
    after = (seq(), Agency.objects.count(), User.objects.count(), PostHolder.objects.count())
    assert after == before


def test_a_role_outside_the_administrators_tree_is_refused(
    client_for: Callable[[str], Client],
) -> None:
    from vigil.core.audit import SystemActor
    from vigil.org import services

    services.create_member_user(
        username="quantri_a", full_name="Quản trị xã A", email="qa@demo.vigil.invalid",
        password=PASSWORD, agency=Agency.objects.get(name="Công an đặc khu Vân Đồn"),
        role="administrator", committee=Agency.objects.get(name="Công an đặc khu Vân Đồn").committee,
        valid_from=dt.date(2025, 7, 1), actor=SystemActor("test"),
    )  # fmt: skip
    rows = {
        "Nguoi_dung": [
            ["la_b", "X", "x@b.example.vn", PASSWORD, "Thường", "Công an phường Móng Cái 1",
             "officer", "", "01/07/2025", ""],
        ]
    }  # fmt: skip
    response = upload(client_for("quantri_a"), workbook(rows))
    report = response.context["report"]
    assert [(r.sheet, r.row, r.ok) for r in report.rows] == [("Nguoi_dung", 2, False)]
    assert not User.objects.filter(username="la_b").exists()


def test_a_formula_is_refused(client_for: Callable[[str], Client]) -> None:
    rows = good_rows()
    rows["Co_quan"][1][1] = '=HYPERLINK("http://x","y")'
    before = seq()
    response = upload(client_for("quantri"), workbook(rows))
    assert response.context["report"] is None
    assert "B3" in str(response.context["form"].errors)
    assert seq() == before
    assert not Agency.objects.filter(name="Sở Giáo dục và Đào tạo").exists()


def test_wrong_columns_are_refused(client_for: Callable[[str], Client]) -> None:
    headers = {"Co_quan": ["Tên", "Loại"]}
    response = upload(client_for("quantri"), workbook(good_rows(), headers=headers))
    assert response.context["report"] is None
    assert "Co_quan" in str(response.context["form"].errors)
    assert not Agency.objects.filter(name="Sở Giáo dục và Đào tạo").exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("nhap.csv", b"a,b\n1,2\n"),
        ("nhap.xlsx", b"PK\x03\x04 not really a zip"),
        ("nhap.xlsx", b""),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(
    name: str, data: bytes, client_for: Callable[[str], Client]
) -> None:
    response = upload(client_for("quantri"), data, name=name)
    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["form"].errors


def test_too_many_rows_are_refused(
    client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    response = upload(client_for("quantri"), workbook(good_rows()))
    assert response.context["report"] is None
    assert not Agency.objects.filter(name="Sở Giáo dục và Đào tạo").exists()


def test_too_many_users_are_refused(
    client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_USER_ROWS", 1)
    response = upload(client_for("quantri"), workbook(good_rows()))
    assert response.context["report"] is None
    assert "1" in str(response.context["form"].errors)
    assert not User.objects.filter(username="lienlac_sgd").exists()


def test_the_template_is_formula_safe_and_imports_as_nothing(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("quantri")
    response = client.get(reverse("org:admin_import_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), data_only=False)
    assert imports.NOTES_SHEET in book.sheetnames
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
    # The example rows are skipped: the untouched template has nothing to import.
    response = upload(client, response.content)
    assert response.context["report"].rows == []


def test_only_administrators_import(client_for: Callable[[str], Client]) -> None:
    response = upload(client_for("thuongtruc"), workbook(good_rows()))
    assert response.status_code == 403
    assert not Agency.objects.filter(name="Sở Giáo dục và Đào tạo").exists()
