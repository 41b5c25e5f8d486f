"""Bulk onboarding from an .xlsx workbook: agencies, post holders, users.

Every row goes through the same services as the pages, each in a savepoint so
that every bad row is reported; if any row fails, the whole import is rolled
back and nothing is written. A wrong header, a formula, a file that is not an
.xlsx workbook or one too large is refused before any row is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl.workbook.workbook import Workbook

from vigil.core import audit, xlsx_import
from vigil.core.audit import Actor
from vigil.core.classification import Classification
from vigil.core.xlsx import workbook_bytes
from vigil.core.xlsx_import import (
    EXAMPLE_MARK,
    NOTES_SHEET,
    XLSX_TYPE,
    Column,
    ImportRefused,
    Report,
    SheetSpec,
    cell_date,
    cell_text,
)
from vigil.org.administration import queries as admin_queries
from vigil.org.models import SECOND_PERSON_ROLES, Agency, Committee, OrgAction, Post, Role
from vigil.org.people.services import create_member_user_within
from vigil.org.services.directory import (
    add_member_agency_within,
    appoint_holder_within,
    create_agency_within,
)

__all__ = [
    "MAX_ROWS",
    "MAX_USER_ROWS",
    "NOTES_SHEET",
    "SHEETS",
    "XLSX_TYPE",
    "ImportRefused",
    "Report",
    "run_import",
    "template_bytes",
]

MAX_ROWS = 2000
# Each new user's password is hashed with Argon2 (about 0.2 s a user on a small
# server): 200 users keep an import within about a minute of one request.
MAX_USER_ROWS = 200


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
    sheets = [xlsx_import.template_sheet(spec) for spec in SHEETS]
    lines: list[tuple[str, ...]] = [
        ("Mỗi trang tính một loại dữ liệu; giữ nguyên tên trang và dòng tiêu đề.",),
        (xlsx_import.EXAMPLE_NOTE,),
        (xlsx_import.FORMULA_NOTE,),
        (f"Tối đa {MAX_ROWS} dòng, trong đó tối đa {MAX_USER_ROWS} người dùng mỗi lần nhập.",),
        (xlsx_import.ALL_OR_NOTHING_NOTE,),
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
    notes = xlsx_import.notes_sheet("Hướng dẫn nhập liệu Vigil", lines)
    return workbook_bytes([*sheets, notes])


# --- reading


def _check_structure(book: Workbook) -> None:
    xlsx_import.check_headers(book, SHEETS)
    filled = xlsx_import.refuse_formulas(book)
    xlsx_import.refuse_over(
        sum(n for name, n in filled.items() if name != NOTES_SHEET) - len(SHEETS), MAX_ROWS
    )
    if filled[USERS.name] - 1 > MAX_USER_ROWS:
        raise ImportRefused(
            _("Too many users: at most %(max)s in one import.") % {"max": MAX_USER_ROWS}
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
        kind = cell_text(row, "kind")
        if kind not in Agency.Kind.values:
            raise ValidationError(_("Loại: unknown kind “%(value)s”.") % {"value": kind})
        committee_name = cell_text(row, "committee")
        committee = self.committee(committee_name, "Ban Chỉ đạo") if committee_name else None
        licenser = cell_text(row, "licensed_by")
        licensers = [self.agency(licenser, "Cơ quan cấp phép")] if licenser else []
        agency = create_agency_within(
            name=cell_text(row, "name"), short_name=cell_text(row, "short_name"), kind=kind,
            committee=committee, electronic_code=cell_text(row, "electronic_code"),
            licensed_by=licensers, actor=self.actor,
        )  # fmt: skip
        member_from = cell_date(row, "member_from", "Thành viên từ ngày", required=False)
        if member_from is not None:
            if committee is None:
                raise ValidationError(_("Thành viên từ ngày: needs a committee."))
            add_member_agency_within(committee, agency, valid_from=member_from, actor=self.actor)
        return _("Agency %(name)s created.") % {"name": agency.name}

    def holder_row(self, row: dict[str, Any]) -> str:
        committee = self.committee(cell_text(row, "committee"), "Ban Chỉ đạo")
        posts = Post.objects.filter(committee=committee, title__iexact=cell_text(row, "post"))
        if cell_text(row, "post_agency"):
            posts = posts.filter(
                agency=self.agency(cell_text(row, "post_agency"), "Cơ quan của chức danh")
            )
        found = list(posts[:2])
        if len(found) != 1:
            message = (
                _("Chức danh: several posts are called “%(value)s”; fill in the post's agency.")
                if found
                else _("Chức danh: no post “%(value)s” in this committee.")
            )
            raise ValidationError(message % {"value": cell_text(row, "post")})
        holder = appoint_holder_within(
            found[0], holder_name=cell_text(row, "holder_name"), position=cell_text(row, "position"),
            decision_number=cell_text(row, "decision_number"),
            decision_date=cell_date(row, "decision_date", "Ngày quyết định", required=False),
            valid_from=cell_date(row, "valid_from", "Từ ngày", required=True),  # type: ignore[arg-type]
            valid_to=cell_date(row, "valid_to", "Đến ngày", required=False), actor=self.actor,
        )  # fmt: skip
        return _("%(name)s appointed.") % {"name": holder.holder_name}

    def user_row(self, row: dict[str, Any]) -> str:
        clearance_text = cell_text(row, "clearance").lower() or "thường"
        clearance = CLEARANCE_NAMES.get(clearance_text)
        if clearance is None and clearance_text.isdigit():
            clearance = int(clearance_text)
        if clearance not in Classification.values:
            raise ValidationError(
                _("Độ mật: unknown clearance “%(value)s”.") % {"value": clearance_text}
            )
        role = cell_text(row, "role")
        if role not in Role.values:
            raise ValidationError(_("Vai trò: unknown role “%(value)s”.") % {"value": role})
        committee_name = cell_text(row, "committee")
        password = cell_text(row, "password")
        if not password:
            raise ValidationError(_("Mật khẩu ban đầu: required."))
        user, pending = create_member_user_within(
            username=cell_text(row, "username"), full_name=cell_text(row, "full_name"),
            email=cell_text(row, "email"), password=password, clearance=clearance,
            agency=self.agency(cell_text(row, "agency"), "Cơ quan"), role=role,
            committee=self.committee(committee_name, "Ban Chỉ đạo") if committee_name else None,
            valid_from=cell_date(row, "valid_from", "Từ ngày", required=True),  # type: ignore[arg-type]
            valid_to=cell_date(row, "valid_to", "Đến ngày", required=False), actor=self.actor,
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


def run_import(upload: Any, *, actor: Actor) -> Report:
    """Validate and write every row, or nothing; return the row-by-row report."""
    if not admin_queries.is_administrator(actor):
        raise PermissionDenied(_("This page is for administrators."))
    book = xlsx_import.open_workbook(upload)
    _check_structure(book)
    importer = Importer(actor)
    handlers: list[tuple[SheetSpec, Callable[[dict[str, Any]], str]]] = [
        (AGENCIES, importer.agency_row),
        (HOLDERS, importer.holder_row),
        (USERS, importer.user_row),
    ]
    with transaction.atomic(durable=True):
        report = xlsx_import.import_rows(book, handlers, denied=_("Outside your administration."))
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
