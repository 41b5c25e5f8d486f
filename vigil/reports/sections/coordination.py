"""Coordination and information exchange (*công tác phối hợp, trao đổi thông tin*): the
tasks assigned in the period by agency (done on time, late, open, overdue, as the work
scorecard counts them), the time to acknowledge a task, the documents received and sent,
from the work app's figures (``sections/work_figures.py``). ``sections/limitations.py``
reads ``tasks_overdue``, ``tasks_late`` and the table ``late_agencies``."""

from __future__ import annotations

from vigil.reports.sections.base import (
    Chart,
    Context,
    Figure,
    SectionContent,
    TableData,
    Value,
    number,
)
from vigil.reports.sections.work_figures import figures_of, page_url
from vigil.work.figures.queries import WorkFigures


def compute(ctx: Context) -> SectionContent:
    f = figures_of(ctx)
    page = page_url(ctx)
    figures = [
        Figure("tasks_assigned", "Nhiệm vụ được giao trong kỳ", f.total("assigned"),
               "nhiệm vụ", page),
        Figure("tasks_on_time", "Nhiệm vụ hoàn thành đúng hạn", f.total("on_time"),
               "nhiệm vụ", page),
        Figure("tasks_late", "Nhiệm vụ hoàn thành chậm", f.total("late"), "nhiệm vụ", page),
        Figure("tasks_awaiting", "Nhiệm vụ đã báo cáo hoàn thành, chờ nghiệm thu",
               f.total("awaiting"), "nhiệm vụ", page),
        Figure("tasks_open", "Nhiệm vụ đang thực hiện", f.total("open"), "nhiệm vụ", page),
        Figure("tasks_overdue", "Nhiệm vụ quá hạn chưa hoàn thành", f.total("overdue"),
               "nhiệm vụ", page),
        Figure("ack_median_hours", "Thời gian tiếp nhận nhiệm vụ (trung vị)",
               f.ack_median_hours, "giờ", page),
        Figure("incoming_received", "Văn bản đến đã tiếp nhận", f.incoming_received,
               "văn bản", page),
        Figure("documents_sent", "Văn bản gửi các cơ quan, đơn vị", f.documents_sent,
               "văn bản", page),
        Figure("documents_exchanged", "Văn bản trao đổi (đi và đến)", f.documents_exchanged,
               "văn bản", page),
    ]  # fmt: skip
    by_agency: list[list[Value]] = [
        [a.agency, a.assigned, a.on_time, a.late, a.overdue] for a in f.agencies
    ]
    late: list[list[Value]] = [
        [a.agency, a.late, a.overdue] for a in f.agencies if a.late or a.overdue
    ]
    tables = [
        TableData("tasks_by_agency", "Kết quả thực hiện nhiệm vụ theo cơ quan",
                  ["Cơ quan, đơn vị", "Được giao", "Đúng hạn", "Chậm", "Quá hạn"], by_agency),
        TableData("late_agencies", "Cơ quan, đơn vị còn nhiệm vụ chậm, quá hạn",
                  ["Cơ quan, đơn vị", "Hoàn thành chậm", "Quá hạn"], late),
    ] if by_agency else []  # fmt: skip
    done = [a for a in f.agencies if a.on_time or a.late]
    charts = [
        Chart("tasks_by_agency", "Nhiệm vụ hoàn thành đúng hạn và chậm theo cơ quan",
              [f"{a.agency} — {word}" for a in done for word in ("đúng hạn", "chậm")],
              [float(v) for a in done for v in (a.on_time, a.late)], "nhiệm vụ"),
    ] if done else []  # fmt: skip
    return SectionContent(
        figures=figures, tables=tables, charts=charts, text=_text(f),
        classification=f.levels.get("coordination", 0),
        notes=[] if f.agencies else [f"Trong {ctx.period.label} không có nhiệm vụ nào được giao."],
        links=[("Thống kê công tác của Ban Chỉ đạo", page)],
    )  # fmt: skip


def _text(f: WorkFigures) -> str:
    lines: list[str] = []
    assigned = f.total("assigned")
    if assigned:
        lines.append(
            f"Ban Chỉ đạo đã giao {number(assigned)} nhiệm vụ cho {number(len(f.agencies))} cơ "
            f"quan, đơn vị; đã hoàn thành {number(f.total('on_time') + f.total('late'))} nhiệm "
            f"vụ ({number(f.total('on_time'))} đúng hạn, {number(f.total('late'))} chậm), "
            f"{number(f.total('awaiting'))} nhiệm vụ đã báo cáo hoàn thành đang chờ nghiệm thu, "
            f"{number(f.total('open'))} nhiệm vụ đang thực hiện (quá hạn "
            f"{number(f.total('overdue'))})."
        )
        if f.ack_median_hours is not None:
            hours = f.ack_median_hours
            lines.append(
                "Các cơ quan tiếp nhận nhiệm vụ trong thời gian trung vị "
                + ("dưới 1 giờ" if hours < 1 else f"{number(hours)} giờ")
                + " kể từ khi được giao."
            )
    else:
        lines.append("Trong kỳ không có nhiệm vụ nào được giao.")
    if f.documents_exchanged:
        lines.append(
            f"Tiếp nhận {number(f.incoming_received)} văn bản đến, gửi "
            f"{number(f.documents_sent)} văn bản đến các cơ quan, đơn vị."
        )
    else:
        lines.append("Trong kỳ không có văn bản trao đổi.")
    return "\n".join(lines)
