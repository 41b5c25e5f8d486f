"""Weapons, explosives and support tools (*công tác quản lý vũ khí, vật liệu nổ, công cụ
hỗ trợ*): the ledger's figures of the period (``vigil.controlled.figures.queries.
period_figures``: received, used, destroyed, lost, closing per item and by
organisation) and the inspections held and the stock counts' discrepancies
(``vigil.controlled.figures.oversight.oversight_figures``), the functions the
controlled figures page calls. A report counts the stores of its committee's tree (those
owned by the committee or a committee below it) that its drafter sees; a commune
committee's, of those, the stores of its commune. Each figure links to the figures page
asked the same (period, committee, commune), which shows the same numbers."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from vigil.controlled.catalogue.models import shown
from vigil.controlled.figures.oversight import Oversight, oversight_figures
from vigil.controlled.figures.queries import Line, period_figures
from vigil.org.models import Committee
from vigil.reports.sections.base import Context, Figure, SectionContent, TableData, number

HEADER = ["Loại", "Đơn vị tính", "Nhập", "Sử dụng", "Hủy", "Mất", "Tồn cuối kỳ"]


def figures_url(ctx: Context) -> str:
    """The controlled figures page for the same period, committee (and commune)."""
    period = ctx.period
    query: dict[str, object] = (
        {"year": period.year} if period.is_annual
        else {"start": period.start.strftime("%d/%m/%Y"), "end": period.end.strftime("%d/%m/%Y")}
    )  # fmt: skip
    query["committee"] = ctx.committee.pk
    unit = commune_of(ctx.committee)
    if unit is not None:
        query["commune"] = unit
    return reverse("controlled:figures") + "?" + urlencode(query)


def commune_of(committee: Committee) -> int | None:
    if committee.level == Committee.Level.COMMUNE and committee.admin_unit_id:
        return committee.admin_unit_id
    return None


def _row(line: Line, *, group: bool = False) -> list[str | int | float | None]:
    unit = line.unit

    def q(v: int) -> str:
        return shown(line.item_class, v).split(" ", 1)[0]

    head: list[str | int | float | None] = [line.group_name] if group else []
    return [*head, line.item_name, unit, q(line.received), q(line.used), q(line.destroyed),
            q(line.lost), q(line.closing)]  # fmt: skip


def compute(ctx: Context) -> SectionContent:
    unit = commune_of(ctx.committee)
    period = ctx.period
    f = period_figures(ctx.viewer, start=period.start, end=period.end, admin_unit=unit,
                       committee=ctx.committee)  # fmt: skip
    o = oversight_figures(ctx.viewer, start=period.start, end=period.end, admin_unit=unit,
                          committee=ctx.committee)  # fmt: skip
    page = figures_url(ctx)
    totals = f.by_item
    figures = [
        Figure("items", "Loại vũ khí, vật liệu nổ, công cụ hỗ trợ có biến động",
               len(totals), "loại", page),
        Figure("organisations", "Tổ chức có kho được quản lý",
               len({line.group_id for line in f.by_organisation}), "tổ chức", page),
        Figure("inspections", "Lượt kiểm tra kho", o.inspections, "lượt", page),
        Figure("inspections_with_deficiencies", "Lượt kiểm tra phát hiện thiếu sót",
               o.inspections_with_deficiencies, "lượt", page),
        Figure("discrepancies_found", "Chênh lệch kiểm kê phát hiện", o.discrepancies_found,
               "trường hợp", page),
        Figure("discrepancies_resolved", "Chênh lệch kiểm kê đã giải quyết",
               o.discrepancies_resolved, "trường hợp", page),
        Figure("discrepancies_open", "Chênh lệch kiểm kê chưa giải quyết",
               o.discrepancies_open, "trường hợp", page),
    ]  # fmt: skip
    tables = []
    if totals:
        tables.append(TableData("controlled_items", "Số liệu nhập, sử dụng, hủy, mất, tồn theo loại",
                                HEADER, [_row(line) for line in totals]))  # fmt: skip
    if f.by_organisation:
        tables.append(TableData(
            "controlled_organisations", "Số liệu theo tổ chức", ["Tổ chức", *HEADER],
            [_row(line, group=True) for line in f.by_organisation],
        ))  # fmt: skip
    return SectionContent(
        figures=figures, tables=tables, text=_text(ctx, len(totals), o),
        classification=max(f.classification, o.classification),
        notes=[] if totals or o.inspections or o.discrepancies_found else
        [f"Không có số liệu quản lý vũ khí, vật liệu nổ, công cụ hỗ trợ trong {period.label}."],
        links=[("Số liệu vũ khí, vật liệu nổ, công cụ hỗ trợ", page)],
    )  # fmt: skip


def _text(ctx: Context, items: int, o: Oversight) -> str:
    lines = []
    if items:
        lines.append(
            f"Theo dõi nhập, xuất, sử dụng, hủy và tồn kho của {number(items)} loại vũ khí, vật "
            "liệu nổ, công cụ hỗ trợ (chi tiết tại bảng kèm theo)."
        )
    if o.inspections:
        lines.append(
            f"Tổ chức {number(o.inspections)} lượt kiểm tra kho, trong đó "
            f"{number(o.inspections_with_deficiencies)} lượt phát hiện thiếu sót."
        )
    if o.discrepancies_found or o.discrepancies_open:
        lines.append(
            f"Kiểm kê phát hiện {number(o.discrepancies_found)} trường hợp chênh lệch; đã giải "
            f"quyết {number(o.discrepancies_resolved)}, còn {number(o.discrepancies_open)} "
            "trường hợp chưa giải quyết."
        )
    return "\n".join(lines) or (
        f"Trong {ctx.period.label} không phát sinh số liệu quản lý vũ khí, vật liệu nổ, "
        "công cụ hỗ trợ."
    )
