"""The indicators the members report (*kết quả các chỉ tiêu do thành viên báo cáo*): the
periodic reports due in the period (on time, late, not sent, by unit) and the sums of the
counted indicators of the committee's own report obligations, from the work app's figures
(``sections/work_figures.py``). ``sections/limitations.py`` reads ``units_not_reported``
and ``reports_late``."""

from __future__ import annotations

from vigil.reports.sections.base import Context, Figure, SectionContent, TableData, Value, number
from vigil.reports.sections.work_figures import figures_of, page_url
from vigil.work.figures.queries import WorkFigures


def compute(ctx: Context) -> SectionContent:
    f = figures_of(ctx)
    page = page_url(ctx)
    figures = [
        Figure("reports_expected", "Lượt báo cáo định kỳ phải gửi", f.reports_expected,
               "báo cáo", page),
        Figure("reports_on_time", "Báo cáo gửi đúng hạn", f.reports_on_time, "báo cáo", page),
        Figure("reports_late", "Báo cáo gửi chậm", f.reports_late, "báo cáo", page),
        Figure("units_not_reported", "Lượt đơn vị chưa gửi báo cáo", f.reports_missing,
               "lượt đơn vị", page),
        *[Figure(f"indicator_{i.code}", i.label, i.value, i.unit, page) for i in f.indicators],
    ]  # fmt: skip
    missing: list[list[Value]] = [[m.period, m.unit] for m in f.missing]
    # The table shows what was reported; the figures give every indicator (0 when none).
    values: list[list[Value]] = [[i.label, i.value, i.unit] for i in f.indicators if i.reports]
    tables = []
    if values:
        tables.append(TableData("indicator_totals", "Kết quả các chỉ tiêu (tổng hợp)",
                                ["Chỉ tiêu", "Kết quả", "Đơn vị tính"], values))  # fmt: skip
    if missing:
        tables.append(TableData("missing_reports", "Đơn vị chưa gửi báo cáo",
                                ["Kỳ báo cáo", "Đơn vị"], missing))  # fmt: skip
    notes = []
    if not f.reports_expected:
        notes.append(f"Trong {ctx.period.label} không có kỳ báo cáo định kỳ nào đến hạn.")
    if not any(i.reports for i in f.indicators):
        notes.append(f"Trong {ctx.period.label} chưa có số liệu chỉ tiêu do thành viên báo cáo.")
    return SectionContent(
        figures=figures, tables=tables, text=_text(f),
        classification=f.levels.get("indicators", 0), notes=notes,
        links=[("Thống kê công tác của Ban Chỉ đạo", page)],
    )  # fmt: skip


def _text(f: WorkFigures) -> str:
    lines: list[str] = []
    if f.reports_expected:
        lines.append(
            f"Các cơ quan, đơn vị phải gửi {number(f.reports_expected)} lượt báo cáo định kỳ: "
            f"{number(f.reports_on_time)} báo cáo gửi đúng hạn, {number(f.reports_late)} "
            f"báo cáo gửi chậm, {number(f.reports_missing)} lượt chưa gửi."
        )
        units = sorted({m.unit for m in f.missing})
        if units:
            lines.append("Đơn vị chưa gửi báo cáo: " + ", ".join(units) + ".")
    else:
        lines.append("Trong kỳ không có kỳ báo cáo định kỳ nào đến hạn.")
    reported = [i for i in f.indicators if i.reports]
    if reported:
        lines.append(
            "Kết quả tổng hợp từ báo cáo của các thành viên: "
            + "; ".join(f"{i.label.lower()}: {number(i.value)}"
                        + (f" {i.unit}" if i.unit else "") for i in reported)
            + "."
        )  # fmt: skip
    return "\n".join(lines)
