"""Key sites and plans (*công tác bảo vệ mục tiêu, công trình trọng điểm và xây dựng
phương án*): the sites app's figures for the committee and the period
(``vigil.sites.figures.site_figures``, the function its figures page and API call).
``limitations`` reads ``plans_overdue``, ``plans_revision_required`` and
``sites_without_plan`` from here."""

from __future__ import annotations

from vigil.reports.sections.base import (
    Chart,
    Context,
    Figure,
    SectionContent,
    TableData,
    number,
)
from vigil.reports.sections.situation import page_url
from vigil.sites.figures import STATES, SiteFigures, site_figures
from vigil.sites.models import Freshness

# The states as the report names them (the document's words), in the sites app's order.
STATE_WORDS = {
    Freshness.CURRENT: "Còn hiệu lực",
    Freshness.REVIEW_DUE: "Sắp đến hạn rà soát",
    Freshness.NOT_APPROVED: "Chưa được phê duyệt",
    Freshness.OVERDUE: "Quá hạn rà soát, bổ sung",
    Freshness.REVISION_REQUIRED: "Phải sửa đổi",
}


def _day(f: SiteFigures) -> str:
    return f.as_of.strftime("%d/%m/%Y")


def compute(ctx: Context) -> SectionContent:
    f = site_figures(ctx.viewer, committee=ctx.committee, start=ctx.period.start,
                     end=ctx.period.end)  # fmt: skip
    page = page_url("sites:figures", ctx)
    figures = [
        Figure("sites_total", "Mục tiêu, công trình trọng điểm", f.sites_total, "mục tiêu", page),
        Figure("plans_total", "Phương án xử lý tình huống khủng bố", f.plans_total, "phương án",
               page),
        Figure("plans_current", "Phương án còn hiệu lực", f.plans_current, "phương án", page),
        Figure("plans_review_due", "Phương án sắp đến hạn rà soát", f.plans_review_due,
               "phương án", page),
        Figure("plans_not_approved", "Phương án chưa được phê duyệt", f.plans_not_approved,
               "phương án", page),
        Figure("plans_overdue", "Phương án quá hạn rà soát, bổ sung", f.plans_overdue,
               "phương án", page),
        Figure("plans_revision_required", "Phương án phải sửa đổi", f.plans_revision_required,
               "phương án", page),
        Figure("sites_without_plan", "Mục tiêu chưa có phương án", f.sites_without_plan,
               "mục tiêu", page),
        Figure("versions_approved", "Phiên bản phương án được phê duyệt trong kỳ",
               f.versions_approved, "phiên bản", page),
        Figure("plans_revised", "Phương án được sửa đổi, bổ sung trong kỳ", f.plans_revised,
               "phương án", page),
        Figure("plans_exercised", "Phương án được diễn tập trong 12 tháng", f.plans_exercised,
               "phương án", page),
        Figure("assessments", "Lượt đánh giá nguy cơ trong kỳ", f.assessments, "lượt", page),
    ]  # fmt: skip
    states = [(STATE_WORDS[Freshness(s)], f.state(s)) for s in STATES]
    tables = []
    if f.plans_total:
        tables.append(TableData(
            "plans_by_state", f"Phương án theo tình trạng (đến ngày {_day(f)})",
            ["Tình trạng", "Số phương án"], [[label, n] for label, n in states],
        ))  # fmt: skip
    if f.by_category:
        tables.append(TableData(
            "sites_by_category", "Mục tiêu, công trình trọng điểm theo loại",
            ["Loại mục tiêu", "Số mục tiêu", "Chưa có phương án"],
            [[c.name, c.sites, c.without_plan] for c in f.by_category],
        ))  # fmt: skip
    charts = [
        Chart("plans_by_state", "Phương án theo tình trạng",
              [label for label, _n in states], [float(n) for _label, n in states], "phương án"),
    ] if f.plans_total else []  # fmt: skip
    notes: list[str] = []
    if not f.sites_total and not f.plans_total:
        notes.append("Chưa có mục tiêu, công trình trọng điểm hoặc phương án nào được ghi nhận.")
    if not f.exact:
        notes.append(
            f"Tình trạng phương án tính đến ngày {_day(f)} theo hồ sơ phương án hiện có "
            "(hệ thống không lưu lịch sử ngày rà soát)."
        )
    return SectionContent(
        figures=figures, tables=tables, charts=charts, text=_text(f),
        classification=f.classification, notes=notes,
        links=[("Thống kê mục tiêu, phương án", page)],
    )  # fmt: skip


def _text(f: SiteFigures) -> str:
    if not f.sites_total and not f.plans_total:
        return "Trong kỳ chưa có số liệu về mục tiêu, công trình trọng điểm và phương án."
    lines: list[str] = []
    kinds = ", ".join(f"{number(c.sites)} {c.name.lower()}" for c in f.by_category)
    lines.append(
        f"Xác định {number(f.sites_total)} mục tiêu, công trình trọng điểm"
        + (f" ({kinds})" if kinds else "")
        + "."
    )
    if f.plans_total:
        parts = [f"{number(n)} {STATE_WORDS[Freshness(s)].lower()}"
                 for s in STATES if (n := f.state(s))]  # fmt: skip
        lines.append(
            f"Đã xây dựng {number(f.plans_total)} phương án xử lý tình huống khủng bố; tính "
            f"đến ngày {_day(f)}: " + ", ".join(parts) + "."
        )
    if f.sites_without_plan:
        lines.append(f"Còn {number(f.sites_without_plan)} mục tiêu chưa có phương án.")
    done = []
    if f.versions_approved:
        done.append(
            f"phê duyệt {number(f.versions_approved)} phiên bản phương án (sửa đổi, bổ sung "
            f"{number(f.plans_revised)} phương án)"
        )
    if f.assessments:
        done.append(
            f"thực hiện {number(f.assessments)} lượt đánh giá nguy cơ đối với "
            f"{number(f.sites_assessed)} mục tiêu"
        )
    if done:
        lines.append("Trong kỳ đã " + "; ".join(done) + ".")
    else:
        lines.append("Trong kỳ không có phương án nào được phê duyệt, sửa đổi, bổ sung.")
    if f.plans_total:
        lines.append(
            f"{number(f.plans_exercised)}/{number(f.plans_total)} phương án được diễn tập "
            "trong 12 tháng qua."
        )
    return "\n".join(lines)
