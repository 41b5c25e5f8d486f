"""Limitations (*tồn tại, hạn chế*), computed where the data shows them: from the figures
the sections before this one found (``Context.earlier``), never counted again, so a
limitation and the figure it rests on cannot disagree. Each source section names its
figures by the keys read here; a section that found nothing adds nothing."""

from __future__ import annotations

from vigil.reports.sections.base import Context, SectionContent, Value, number

# (section, figure key, sentence with {n}): the sentence when the figure is above zero.
FINDINGS: tuple[tuple[str, str, str], ...] = (
    ("coordination", "tasks_overdue",
     "{n} nhiệm vụ được giao đã quá hạn mà chưa hoàn thành."),
    ("coordination", "tasks_late", "{n} nhiệm vụ hoàn thành chậm so với thời hạn."),
    ("indicators", "units_not_reported", "{n} lượt đơn vị chưa gửi báo cáo định kỳ."),
    ("indicators", "reports_late", "{n} báo cáo định kỳ gửi chậm so với thời hạn."),
    ("sites", "plans_overdue", "{n} phương án đã quá hạn rà soát, bổ sung."),
    ("sites", "plans_revision_required", "{n} phương án phải sửa đổi nhưng chưa được phê duyệt lại."),
    ("sites", "sites_without_plan", "{n} mục tiêu, công trình trọng điểm chưa có phương án."),
    ("exercises", "actions_overdue", "{n} biện pháp khắc phục sau diễn tập đã quá hạn."),
    ("exercises", "actions_open", "{n} biện pháp khắc phục sau diễn tập chưa hoàn thành."),
    ("controlled", "discrepancies_open", "{n} chênh lệch kiểm kê vật liệu nổ chưa được giải quyết."),
    ("incidents", "alerts_unacknowledged",
     "{n} lượt cơ quan chưa xác nhận cảnh báo trong thời hạn."),
)  # fmt: skip


def _positive(value: Value) -> bool:
    return isinstance(value, int | float) and value > 0


def compute(ctx: Context) -> SectionContent:
    lines: list[str] = []
    level = 0
    for key, figure, sentence in FINDINGS:
        content = ctx.earlier.get(key)
        if content is None:
            continue
        value = content.figure(figure)
        if _positive(value):
            lines.append("- " + sentence.format(n=number(value)))
            level = max(level, content.classification)
    late = ctx.earlier.get("coordination")
    agencies = next((t for t in late.tables if t.key == "late_agencies"), None) if late else None
    if agencies is not None and agencies.rows:
        names = ", ".join(str(row[0]) for row in agencies.rows[:5])
        lines.append(f"- Các đơn vị còn nhiệm vụ chậm, quá hạn: {names}.")
    text = (
        "\n".join(lines) if lines else "Số liệu trong kỳ không cho thấy tồn tại, hạn chế nổi bật."
    )
    return SectionContent(text=text, classification=level)
