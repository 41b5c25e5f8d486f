"""Directions and tasks for the next period (*phương hướng, nhiệm vụ*). For an annual
summary: the items of next year's work plan of the committee
(``vigil.work.figures.queries.work_plan_of``) and the conclusions of the year's review
conference; without a plan, said so, with the directions the limitations suggest. For a
periodic report: what falls due in the next period (tasks, report periods)."""

from __future__ import annotations

from vigil.reports.sections.base import Context, Figure, SectionContent, TableData, Value, number
from vigil.work.figures.queries import (
    deadlines_between,
    plan_items,
    review_conference,
    work_plan_of,
)

# What the limitations found (section, figure) and the direction it suggests.
DIRECTIONS: tuple[tuple[str, str, str], ...] = (
    ("coordination", "tasks_overdue",
     "Đôn đốc các cơ quan, đơn vị hoàn thành dứt điểm các nhiệm vụ quá hạn."),
    ("coordination", "tasks_late", "Nâng cao chất lượng, tiến độ thực hiện nhiệm vụ được giao."),
    ("indicators", "units_not_reported",
     "Chấn chỉnh việc chấp hành chế độ báo cáo định kỳ của các đơn vị."),
    ("indicators", "reports_late", "Bảo đảm thời hạn gửi báo cáo định kỳ."),
    ("sites", "plans_overdue", "Rà soát, bổ sung các phương án đã quá hạn."),
    ("exercises", "actions_open", "Hoàn thành các biện pháp khắc phục sau diễn tập."),
)  # fmt: skip


def compute(ctx: Context) -> SectionContent:
    if ctx.period.is_annual:
        return _annual(ctx)
    return _periodic(ctx)


def _annual(ctx: Context) -> SectionContent:
    year = ctx.period.year + 1
    plan = work_plan_of(ctx.viewer, ctx.committee, year)
    review = review_conference(ctx.viewer, ctx.committee, ctx.period.year)
    lines = [f"Phương hướng, nhiệm vụ năm {year}:"]
    figures: list[Figure] = []
    tables: list[TableData] = []
    notes: list[str] = []
    links: list[tuple[str, str]] = []
    level = 0
    if plan is not None:
        items = plan_items(plan)
        url = plan.get_absolute_url()
        figures.append(Figure("next_plan_items", f"Nội dung của kế hoạch công tác năm {year}",
                              len(items), "nội dung", url))  # fmt: skip
        rows: list[list[Value]] = [[n, text] for n, text in enumerate(items, start=1)]
        tables.append(TableData("next_plan_items", f"Nhiệm vụ trọng tâm năm {year}",
                                ["STT", "Nội dung"], rows))  # fmt: skip
        lines += [f"{n}. {text}" for n, text in enumerate(items, start=1)]
        links.append((plan.title, url))
        level = plan.classification
    else:
        notes.append(f"Chưa có kế hoạch công tác năm {year} của Ban Chỉ đạo.")
        directions = _directions(ctx)
        lines += [f"- {d}" for d in directions] or [
            "- Tiếp tục thực hiện các nhiệm vụ theo chương trình công tác của Ban Chỉ đạo."
        ]
    if review is not None:
        points = list(review.points.order_by("order").values_list("text", flat=True))
        figures.append(Figure("review_conclusions", "Kết luận của hội nghị tổng kết",
                              len(points), "nội dung", review.get_absolute_url()))  # fmt: skip
        if points:
            lines.append(f"Thực hiện kết luận của {review.title[:1].lower()}{review.title[1:]}:")
            lines += [f"- {text}" for text in points]
        links.append((review.title, review.get_absolute_url()))
        level = max(level, review.classification)
    return SectionContent(figures=figures, tables=tables, text="\n".join(lines),
                          classification=level, notes=notes, links=links)  # fmt: skip


def _directions(ctx: Context) -> list[str]:
    found = []
    for key, figure, sentence in DIRECTIONS:
        content = ctx.earlier.get(key)
        value = content.figure(figure) if content is not None else None
        if isinstance(value, int | float) and value > 0 and sentence not in found:
            found.append(sentence)
    return found


def _periodic(ctx: Context) -> SectionContent:
    nxt = ctx.period.next()
    due = deadlines_between(ctx.viewer, committee=ctx.committee, start=nxt.start, end=nxt.end)
    figures = [
        Figure("next_tasks_due", f"Nhiệm vụ đến hạn trong {nxt.label}", len(due.tasks),
               "nhiệm vụ"),
        Figure("next_reports_due", f"Kỳ báo cáo đến hạn trong {nxt.label}", len(due.reports),
               "kỳ báo cáo"),
    ]  # fmt: skip
    rows: list[list[Value]] = [
        [d.due_on.strftime("%d/%m/%Y"), d.title, d.unit]
        for d in sorted([*due.tasks, *due.reports], key=lambda d: d.due_on)
    ]
    tables = [TableData("next_deadlines", f"Thời hạn trong {nxt.label}",
                        ["Hạn", "Nội dung", "Cơ quan, đơn vị / kỳ"], rows)] if rows else []  # fmt: skip
    if rows:
        text = (
            f"Trong {nxt.label}, tập trung hoàn thành {number(len(due.tasks))} nhiệm vụ đến hạn "
            f"và {number(len(due.reports))} kỳ báo cáo định kỳ theo thời hạn."
        )
        notes = []
    else:
        text = f"Trong {nxt.label} chưa có nhiệm vụ hoặc kỳ báo cáo nào đến hạn."
        notes = [text]
    return SectionContent(figures=figures, tables=tables, text=text,
                          classification=due.classification, notes=notes)  # fmt: skip
