"""Bulk import of key sites from an .xlsx workbook (the spreadsheets agencies keep).

Read as org's bulk onboarding, by the shared reader (``vigil.core.xlsx_import``):
a file that is not an .xlsx workbook, too large, with a formula or with columns
other than the template's is refused before any row is read; then every row goes through the
same service as the page (``services.create_site_within``), each in a savepoint
so that every bad row is reported; if any row fails, the whole import is rolled
back and nothing is written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from openpyxl.workbook.workbook import Workbook

from vigil.core import audit, xlsx_import
from vigil.core.audit import Actor
from vigil.core.classification import Classification
from vigil.core.models import AdminUnit
from vigil.core.xlsx import workbook_bytes
from vigil.core.xlsx_import import (
    EXAMPLE_MARK,
    XLSX_TYPE,
    Column,
    ImportRefused,
    Report,
    SheetSpec,
    cell_text,
)
from vigil.org.models import Agency, Committee
from vigil.org.scope import Viewer, committees_with_role, scope_for
from vigil.sites import services
from vigil.sites.forms import communes_for
from vigil.sites.models import SiteAction, SiteCategory
from vigil.sites.queries import categories_for

__all__ = ["XLSX_TYPE", "ImportRefused", "Report", "run_import", "template_bytes"]

MAX_ROWS = 2000
CLEARANCE_NAMES = {"thường": 0, "mật": 1, "tối mật": 2, "tuyệt mật": 3}

# The file format is Vietnamese (what the agencies' spreadsheets use), whatever the UI language.
SITES = SheetSpec("Muc_tieu", "Mục tiêu, công trình trọng điểm", (
    Column("name", "Tên mục tiêu", f"{EXAMPLE_MARK} Cảng hàng không Vân Đồn", "Bắt buộc."),
    Column("category", "Loại", "airport", "Bắt buộc: một mã hoặc tên trong bảng “Loại mục tiêu”."),
    Column("committee", "Ban Chỉ đạo", "",
           "Tên đầy đủ của Ban Chỉ đạo; để trống: Ban Chỉ đạo cấp cao nhất bạn quản lý."),
    Column("responsible_agency", "Cơ quan chịu trách nhiệm", "Công an tỉnh Quảng Ninh",
           "Bắt buộc: tên hoặc mã định danh điện tử của cơ quan thành viên."),
    Column("owner_name", "Tổ chức quản lý", "Công ty CP Cảng hàng không Vân Đồn", "Không bắt buộc."),
    Column("commune", "Xã, phường, đặc khu", "Đặc khu Vân Đồn",
           "Không bắt buộc: tên đơn vị hành chính cấp xã trong tỉnh."),
    Column("address", "Địa chỉ", "", "Không bắt buộc."),
    Column("latitude", "Vĩ độ", "21.1175", "Không bắt buộc; từ 6.0 đến 23.5; đi cùng kinh độ."),
    Column("longitude", "Kinh độ", "107.4147", "Không bắt buộc; từ 102.0 đến 118.0; đi cùng vĩ độ."),
    Column("criticality", "Mức độ trọng yếu", "4", "Từ 1 (thấp) đến 5 (cao nhất); mặc định 3."),
    Column("classification", "Độ mật", "Thường",
           "Thường, Mật, Tối mật hoặc Tuyệt mật; không cao hơn độ mật của bạn."),
    Column("notes", "Ghi chú", "", "Không bắt buộc."),
))  # fmt: skip


def template_bytes(user: Viewer) -> bytes:
    """The workbook to fill in, with an example row and the notes; nothing in it is a formula."""
    sheet = xlsx_import.template_sheet(SITES)
    lines: list[tuple[str, ...]] = [
        ("Giữ nguyên tên trang tính và dòng tiêu đề.",),
        (xlsx_import.EXAMPLE_NOTE,),
        (xlsx_import.FORMULA_NOTE,),
        (f"Tối đa {MAX_ROWS} dòng mỗi lần nhập.",),
        (xlsx_import.ALL_OR_NOTHING_NOTE,),
        (),
        *((c.header, c.note) for c in SITES.columns),
        (),
        ("Loại mục tiêu", "Mã"),
        *((c.name, c.code) for c in categories_for(user).order_by("order", "name")),
    ]
    notes = xlsx_import.notes_sheet("Hướng dẫn nhập mục tiêu, công trình trọng điểm", lines)
    return workbook_bytes([sheet, notes])


# --- reading


def _check_structure(book: Workbook) -> None:
    xlsx_import.check_headers(book, [SITES])
    xlsx_import.refuse_over(xlsx_import.refuse_formulas(book)[SITES.name] - 1, MAX_ROWS)


def _number(row: dict[str, Any], key: str) -> Any:
    """A coordinate as written: a number cell exactly, text as typed (the service checks it)."""
    value = row.get(key)
    if isinstance(value, int | float):
        return Decimal(str(value))
    return cell_text(row, key)


def keeping_committees(user: Any) -> QuerySet[Committee]:
    return Committee.objects.filter(
        pk__in=committees_with_role(user, "standing_office", "committee_leader")
    ).order_by("path")


class Importer:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.committees = list(keeping_committees(actor))
        self.clearance = scope_for(actor).clearance
        self.communes = communes_for(actor)
        self.categories = categories_for(actor)
        self.agencies = Agency.objects.visible_to(actor).exclude(
            kind=Agency.Kind.LICENSED_ORGANISATION
        )

    def committee(self, name: str) -> Committee:
        if not name:
            # The one committee at the top of those the user keeps (the others are below it).
            tops = [c for c in self.committees
                    if not any(c.path.startswith(o.path) and c.pk != o.pk for o in self.committees)]  # fmt: skip
            if len(tops) == 1:
                return tops[0]
            raise ValidationError(_("Ban Chỉ đạo: required (you keep several committees)."))
        found = [c for c in self.committees if c.name.casefold() == name.casefold()]
        if len(found) != 1:
            raise ValidationError(
                _("Ban Chỉ đạo: no committee named “%(value)s” whose sites you keep.")
                % {"value": name}
            )
        return found[0]

    def category(self, ref: str) -> SiteCategory:
        found = list(self.categories.filter(Q(code__iexact=ref) | Q(name__iexact=ref))[:2])
        if len(found) != 1:
            raise ValidationError(_("Loại: unknown category “%(value)s”.") % {"value": ref})
        return found[0]

    def agency(self, ref: str) -> Agency:
        if not ref:
            raise ValidationError(_("Cơ quan chịu trách nhiệm: required."))
        found = list(self.agencies.filter(Q(name__iexact=ref) | Q(electronic_code=ref))[:2])
        if len(found) != 1:
            message = (
                _("Cơ quan chịu trách nhiệm: several agencies match “%(value)s”; use the code.")
                if found
                else _("Cơ quan chịu trách nhiệm: no agency “%(value)s”.")
            )
            raise ValidationError(message % {"value": ref})
        return found[0]

    def commune(self, name: str) -> AdminUnit | None:
        if not name:
            return None
        found = list(self.communes.filter(name__iexact=name)[:2])
        if len(found) != 1:
            raise ValidationError(
                _("Xã, phường, đặc khu: no commune “%(value)s” in your province.") % {"value": name}
            )
        return found[0]

    def classification(self, text: str) -> int:
        text = text.lower() or "thường"
        level = CLEARANCE_NAMES.get(text)
        if level is None and text.isdigit():
            level = int(text)
        if level not in Classification.values:
            raise ValidationError(_("Độ mật: unknown level “%(value)s”.") % {"value": text})
        if level > self.clearance:
            raise ValidationError(_("Độ mật: above your own clearance."))
        return level

    def criticality(self, text: str) -> int:
        if not text:
            return 3
        if not text.isdigit() or not 1 <= int(text) <= 5:
            raise ValidationError(_("Mức độ trọng yếu: a number from 1 to 5."))
        return int(text)

    def site_row(self, row: dict[str, Any]) -> str:
        site = services.create_site_within(
            self.committee(cell_text(row, "committee")),
            name=cell_text(row, "name"),
            category=self.category(cell_text(row, "category")),
            responsible_agency=self.agency(cell_text(row, "responsible_agency")),
            commune=self.commune(cell_text(row, "commune")),
            owner_name=cell_text(row, "owner_name"),
            address=cell_text(row, "address"),
            latitude=_number(row, "latitude"),
            longitude=_number(row, "longitude"),
            criticality=self.criticality(cell_text(row, "criticality")),
            notes=cell_text(row, "notes"),
            classification=self.classification(cell_text(row, "classification")),
            actor=self.actor,
        )
        return _("Key site %(name)s added.") % {"name": site.name}


def run_import(upload: Any, *, actor: Actor) -> Report:
    """Validate and write every row, or nothing; return the row-by-row report."""
    if not keeping_committees(actor).exists():
        raise PermissionDenied(_("Only the standing office may add key sites."))
    book = xlsx_import.open_workbook(upload)
    _check_structure(book)
    importer = Importer(actor)
    with transaction.atomic(durable=True):
        report = xlsx_import.import_rows(
            book,
            [(SITES, importer.site_row)],
            denied=_("You may not add key sites to this committee."),
        )
        if not report.ok or not report.rows:
            transaction.set_rollback(True)
            return report
        report.written = len(report.rows)
        audit.record(
            SiteAction.SITES_IMPORTED, actor=actor, object_type="sites.import",
            object_id=str(getattr(upload, "name", ""))[:100], after={"sites": report.written},
        )  # fmt: skip
    return report
