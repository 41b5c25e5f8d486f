"""Bulk onboarding from an .xlsx workbook: agencies, post holders, users.

Every row goes through the same services as the pages, each in a savepoint so
that every bad row is reported; if any row fails, the whole import is rolled
back and nothing is written. A wrong header, a formula, a file that is not an
.xlsx workbook or one too large is refused before any row is read.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from vigil.core import audit, dates
from vigil.core.audit import Actor
from vigil.core.classification import Classification
from vigil.core.xlsx import Sheet, workbook_bytes
from vigil.org.administration import queries as admin_queries
from vigil.org.models import SECOND_PERSON_ROLES, Agency, Committee, OrgAction, Post, Role
from vigil.org.people.services import create_member_user_nested
from vigil.org.services.directory import (
    add_member_agency_nested,
    appoint_holder_nested,
    create_agency_nested,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 2000
# Each new user's password is hashed with Argon2 (about 0.2 s a user on a small
# server): 200 users keep an import within about a minute of one request.
MAX_USER_ROWS = 200
MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED = 60 * 1024 * 1024  # a zip bomb stops here, before openpyxl inflates it
EXAMPLE_MARK = "(Ví dụ)"
NOTES_SHEET = "Huong_dan"


class ImportRefused(Exception):
    """The workbook as a whole is refused; no row was read."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    example: str
    note: str


@dataclass(frozen=True)
class SheetSpec:
    name: str
    title: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


# The file format is Vietnamese (what the office's spreadsheets use), whatever the UI language.
AGENCIES = SheetSpec("Co_quan", "Cơ quan", (
    Column("name", "Tên cơ quan", f"{EXAMPLE_MARK} Sở Giáo dục và Đào tạo", "Bắt buộc."),
    Column("short_name", "Tên viết tắt", "SGDĐT", "Không bắt buộc."),
    Column("kind", "Loại", "department", "Bắt buộc: một mã trong bảng “Loại cơ quan”."),
    Column("committee", "Ban Chỉ đạo", "Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh",
           "Tên đầy đủ của Ban Chỉ đạo nơi cơ quan trực thuộc; để trống cho tổ chức được cấp phép."),
    Column("electronic_code", "Mã định danh điện tử", "000.00.18.H46", "Không bắt buộc."),
    Column("licensed_by", "Cơ quan cấp phép", "",
           "Chỉ cho tổ chức được cấp phép: tên hoặc mã định danh của cơ quan cấp phép."),
    Column("member_from", "Thành viên từ ngày", "01/07/2025",
           "Nếu điền: cơ quan là thành viên của Ban Chỉ đạo từ ngày này (dd/mm/yyyy)."),
))  # fmt: skip
HOLDERS = SheetSpec("Nguoi_giu_chuc_vu", "Người giữ chức danh", (
    Column("committee", "Ban Chỉ đạo", "Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh",
           "Bắt buộc: tên đầy đủ của Ban Chỉ đạo."),
    Column("post", "Chức danh", f"{EXAMPLE_MARK} Ủy viên", "Bắt buộc: chức danh đã có trong Ban Chỉ đạo."),
    Column("post_agency", "Cơ quan của chức danh", "Sở Y tế",
           "Khi nhiều chức danh cùng tên: tên hoặc mã định danh của cơ quan giữ chức danh."),
    Column("holder_name", "Họ và tên", "Nguyễn Văn A", "Bắt buộc."),
    Column("position", "Chức vụ tại cơ quan", "Phó Giám đốc Sở Y tế", "Không bắt buộc."),
    Column("decision_number", "Số quyết định", "125/QĐ-UBND", "Không bắt buộc."),
    Column("decision_date", "Ngày quyết định", "20/06/2025", "dd/mm/yyyy, không bắt buộc."),
    Column("valid_from", "Từ ngày", "01/07/2025", "Bắt buộc, dd/mm/yyyy."),
    Column("valid_to", "Đến ngày", "", "Không bắt buộc; không trước “Từ ngày”."),
))  # fmt: skip
USERS = SheetSpec("Nguoi_dung", "Người dùng", (
    Column("username", "Tên đăng nhập", f"{EXAMPLE_MARK} lienlac_syt", "Bắt buộc, không trùng."),
    Column("full_name", "Họ và tên", "Trần Thị B", "Bắt buộc."),
    Column("email", "Thư điện tử", "lienlac@syt.example.vn", "Bắt buộc, đúng định dạng."),
    Column("password", "Mật khẩu ban đầu", "", "Bắt buộc, ít nhất 12 ký tự; giao tận tay người dùng."),
    Column("clearance", "Độ mật", "Thường",
           "Thường, Mật, Tối mật hoặc Tuyệt mật. Cao hơn độ mật của người quản trị: chờ lãnh đạo duyệt."),
    Column("agency", "Cơ quan", "Sở Y tế", "Bắt buộc: tên hoặc mã định danh điện tử."),
    Column("role", "Vai trò", "officer", "Bắt buộc: một mã trong bảng “Vai trò”."),
    Column("committee", "Ban Chỉ đạo", "",
           "Chỉ cho vai trò cấp Ban Chỉ đạo (committee_leader, standing_office, auditor, administrator)."),
    Column("valid_from", "Từ ngày", "01/07/2025", "Bắt buộc, dd/mm/yyyy."),
    Column("valid_to", "Đến ngày", "", "Không bắt buộc."),
))  # fmt: skip
SHEETS = (AGENCIES, HOLDERS, USERS)

CLEARANCE_NAMES = {"thường": 0, "mật": 1, "tối mật": 2, "tuyệt mật": 3}
# Vietnamese names of the codes, for the notes sheet.
KIND_NAMES = {
    "peoples_committee": "Ủy ban nhân dân", "police": "Công an", "military": "Quân sự",
    "border_guard": "Bộ đội Biên phòng", "department": "Sở, ngành",
    "inspectorate": "Thanh tra", "enterprise": "Doanh nghiệp nhà nước, cảng hàng không",
    "commune_body": "Cơ quan cấp xã", "licensed_organisation": "Tổ chức được cấp phép",
    "other": "Khác",
}  # fmt: skip
ROLE_NAMES = {
    Role.COMMITTEE_LEADER: "Lãnh đạo Ban Chỉ đạo", Role.STANDING_OFFICE: "Thường trực",
    Role.AUDITOR: "Kiểm tra, thanh tra (chỉ đọc)", Role.ADMINISTRATOR: "Quản trị",
    Role.AGENCY_HEAD: "Thủ trưởng cơ quan", Role.OFFICER: "Cán bộ đầu mối", Role.STOREKEEPER: "Thủ kho",
}  # fmt: skip


def template_bytes() -> bytes:
    """The workbook to fill in: one sheet per kind with an example row, and the notes.

    Written by the one safe writer (``vigil.core.xlsx``): nothing in it is a formula."""
    sheets = [
        Sheet(
            spec.name,
            spec.headers,
            [[c.example for c in spec.columns]],
            widths=[max(14, len(c.header) + 4) for c in spec.columns],
        )
        for spec in SHEETS
    ]
    lines: list[tuple[str, ...]] = [
        ("Mỗi trang tính một loại dữ liệu; giữ nguyên tên trang và dòng tiêu đề.",),
        (f"Dòng bắt đầu bằng “{EXAMPLE_MARK}” là dòng ví dụ và được bỏ qua.",),
        ("Không dùng công thức: tệp có công thức bị từ chối.",),
        (f"Tối đa {MAX_ROWS} dòng, trong đó tối đa {MAX_USER_ROWS} người dùng mỗi lần nhập.",),
        ("Chỉ khi mọi dòng hợp lệ mới ghi; nếu không, không ghi gì.",),
        ("Ngày ghi theo dạng dd/mm/yyyy.",),
        (),
    ]
    for spec in SHEETS:
        lines.append((f"Trang {spec.name} — {spec.title}",))
        lines.extend((c.header, c.note) for c in spec.columns)
        lines.append(())
    lines.append(("Loại cơ quan", "Mã"))
    lines.extend((name, code) for code, name in KIND_NAMES.items())
    lines.append(())
    lines.append(("Vai trò", "Mã"))
    lines.extend((name, str(code)) for code, name in ROLE_NAMES.items())
    notes = Sheet(NOTES_SHEET, ("Hướng dẫn nhập liệu Vigil",), lines, widths=(40, 90))
    return workbook_bytes([*sheets, notes])


# --- reading


@dataclass
class RowResult:
    sheet: str
    row: int
    ok: bool
    message: str


@dataclass
class Report:
    rows: list[RowResult] = field(default_factory=list)
    written: int = 0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]


def _open(upload: Any) -> Any:
    name = str(getattr(upload, "name", ""))
    if not name.lower().endswith(".xlsx"):
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


def _check_structure(book: Any) -> None:
    for spec in SHEETS:
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
    rows = users = 0
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
            if name != NOTES_SHEET and any(c.value not in (None, "") for c in row):
                rows += 1
                users += name == USERS.name
    if rows - len(SHEETS) > MAX_ROWS:
        raise ImportRefused(_("Too many rows: at most %(max)s.") % {"max": MAX_ROWS})
    if users - 1 > MAX_USER_ROWS:
        raise ImportRefused(
            _("Too many users: at most %(max)s in one import.") % {"max": MAX_USER_ROWS}
        )


def _rows(sheet: Any, spec: SheetSpec) -> Iterator[tuple[int, dict[str, Any]]]:
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


def _text(row: dict[str, Any], key: str) -> str:
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


def _date(row: dict[str, Any], key: str, label: str, *, required: bool) -> dt.date | None:
    value = row.get(key)
    if isinstance(value, dt.datetime):
        return _plausible(value.date(), label)
    if isinstance(value, dt.date):
        return _plausible(value, label)
    text = _text(row, key)
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


class Importer:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.committees = admin_queries.committees_administered(actor)

    def committee(self, name: str, label: str) -> Committee:
        found = list(self.committees.filter(name__iexact=name)[:2])
        if len(found) != 1:
            raise ValidationError(
                _("%(col)s: no committee named “%(value)s” in your administration.")
                % {"col": label, "value": name}
            )
        return found[0]

    def agency(self, ref: str, label: str) -> Agency:
        # Looked up afresh: an agency created by an earlier row counts.
        agencies = admin_queries.agencies_administered(self.actor)
        found = list(agencies.filter(Q(name__iexact=ref) | Q(electronic_code=ref))[:2])
        if len(found) != 1:
            message = (
                _("%(col)s: several agencies match “%(value)s”; use the electronic code.")
                if found
                else _("%(col)s: no agency “%(value)s” in your administration.")
            )
            raise ValidationError(message % {"col": label, "value": ref})
        return found[0]

    def agency_row(self, row: dict[str, Any]) -> str:
        kind = _text(row, "kind")
        if kind not in Agency.Kind.values:
            raise ValidationError(_("Loại: unknown kind “%(value)s”.") % {"value": kind})
        committee_name = _text(row, "committee")
        committee = self.committee(committee_name, "Ban Chỉ đạo") if committee_name else None
        licenser = _text(row, "licensed_by")
        licensers = [self.agency(licenser, "Cơ quan cấp phép")] if licenser else []
        agency = create_agency_nested(
            name=_text(row, "name"), short_name=_text(row, "short_name"), kind=kind,
            committee=committee, electronic_code=_text(row, "electronic_code"),
            licensed_by=licensers, actor=self.actor,
        )  # fmt: skip
        member_from = _date(row, "member_from", "Thành viên từ ngày", required=False)
        if member_from is not None:
            if committee is None:
                raise ValidationError(_("Thành viên từ ngày: needs a committee."))
            add_member_agency_nested(committee, agency, valid_from=member_from, actor=self.actor)
        return _("Agency %(name)s created.") % {"name": agency.name}

    def holder_row(self, row: dict[str, Any]) -> str:
        committee = self.committee(_text(row, "committee"), "Ban Chỉ đạo")
        posts = Post.objects.filter(committee=committee, title__iexact=_text(row, "post"))
        if _text(row, "post_agency"):
            posts = posts.filter(
                agency=self.agency(_text(row, "post_agency"), "Cơ quan của chức danh")
            )
        found = list(posts[:2])
        if len(found) != 1:
            message = (
                _("Chức danh: several posts are called “%(value)s”; fill in the post's agency.")
                if found
                else _("Chức danh: no post “%(value)s” in this committee.")
            )
            raise ValidationError(message % {"value": _text(row, "post")})
        holder = appoint_holder_nested(
            found[0], holder_name=_text(row, "holder_name"), position=_text(row, "position"),
            decision_number=_text(row, "decision_number"),
            decision_date=_date(row, "decision_date", "Ngày quyết định", required=False),
            valid_from=_date(row, "valid_from", "Từ ngày", required=True),  # type: ignore[arg-type]
            valid_to=_date(row, "valid_to", "Đến ngày", required=False), actor=self.actor,
        )  # fmt: skip
        return _("%(name)s appointed.") % {"name": holder.holder_name}

    def user_row(self, row: dict[str, Any]) -> str:
        clearance_text = _text(row, "clearance").lower() or "thường"
        clearance = CLEARANCE_NAMES.get(clearance_text)
        if clearance is None and clearance_text.isdigit():
            clearance = int(clearance_text)
        if clearance not in Classification.values:
            raise ValidationError(
                _("Độ mật: unknown clearance “%(value)s”.") % {"value": clearance_text}
            )
        role = _text(row, "role")
        if role not in Role.values:
            raise ValidationError(_("Vai trò: unknown role “%(value)s”.") % {"value": role})
        committee_name = _text(row, "committee")
        password = _text(row, "password")
        if not password:
            raise ValidationError(_("Mật khẩu ban đầu: required."))
        user, pending = create_member_user_nested(
            username=_text(row, "username"), full_name=_text(row, "full_name"),
            email=_text(row, "email"), password=password, clearance=clearance,
            agency=self.agency(_text(row, "agency"), "Cơ quan"), role=role,
            committee=self.committee(committee_name, "Ban Chỉ đạo") if committee_name else None,
            valid_from=_date(row, "valid_from", "Từ ngày", required=True),  # type: ignore[arg-type]
            valid_to=_date(row, "valid_to", "Đến ngày", required=False), actor=self.actor,
        )  # fmt: skip
        if role in SECOND_PERSON_ROLES:
            return _("User %(name)s created; the role waits for a leader.") % {
                "name": user.username
            }
        if pending is not None:
            return _("User %(name)s created; the clearance waits for a leader.") % {
                "name": user.username
            }
        return _("User %(name)s created.") % {"name": user.username}


def _message(exc: Exception, spec: SheetSpec) -> str:
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
        return str(exc) or _("Outside your administration.")
    return _("The database refused this row.")


def run_import(upload: Any, *, actor: Any) -> Report:
    """Validate and write every row, or nothing; return the row-by-row report."""
    if not admin_queries.is_administrator(actor):
        raise PermissionDenied(_("This page is for administrators."))
    book = _open(upload)
    _check_structure(book)
    importer = Importer(actor)
    handlers: list[tuple[SheetSpec, Callable[[dict[str, Any]], str]]] = [
        (AGENCIES, importer.agency_row),
        (HOLDERS, importer.holder_row),
        (USERS, importer.user_row),
    ]
    report = Report()
    with transaction.atomic(durable=True):
        for spec, handle in handlers:
            for number, row in _rows(book[spec.name], spec):
                try:
                    with transaction.atomic():
                        message = handle(row)
                except (ValidationError, PermissionDenied, DatabaseError) as exc:
                    report.rows.append(RowResult(spec.name, number, False, _message(exc, spec)))
                else:
                    report.rows.append(RowResult(spec.name, number, True, message))
        if not report.ok or not report.rows:
            transaction.set_rollback(True)
            return report
        report.written = len(report.rows)
        audit.record(
            OrgAction.IMPORT_COMPLETED, actor=actor, object_type="org.import",
            object_id=str(getattr(upload, "name", ""))[:100],
            after={spec.name: sum(1 for r in report.rows if r.sheet == spec.name) for spec in SHEETS},
        )  # fmt: skip
    return report
