"""Situation handling (*công tác xử lý tình huống*): incidents by type and outcome, alerts
and their acknowledgement times, from the situation app's figures for the committee and
the period (``vigil.situation.figures.situation_figures``, the function its figures page
and API call). Exercise incidents and alerts are said apart, never in the real figures.
``limitations`` reads ``alerts_unacknowledged`` from here."""

from __future__ import annotations

from vigil.reports.sections.base import (
    Chart,
    Context,
    Figure,
    SectionContent,
    TableData,
    number,
)
from vigil.reports.sections.situation import by_type, page_url
from vigil.situation.figures import SituationFigures, situation_figures
from vigil.situation.incidents.models import IncidentState

# The outcomes (states) as the report names them.
STATE_WORDS = {
    IncidentState.REPORTED: "mới tiếp nhận, đang xác minh",
    IncidentState.VERIFIED: "đã xác minh",
    IncidentState.RESPONDING: "đang xử lý",
    IncidentState.CONTAINED: "đã khống chế",
    IncidentState.CLOSED: "đã kết thúc",
    IncidentState.FALSE_ALARM: "báo động giả",
}


def compute(ctx: Context) -> SectionContent:
    f = situation_figures(
        ctx.viewer, committee=ctx.committee, start=ctx.period.start, end=ctx.period.end
    )
    page = page_url("situation:figures", ctx)
    figures = [
        Figure("incidents", "Vụ việc, tình huống đã tiếp nhận, xử lý", f.incidents, "vụ", page),
        Figure("incidents_verified", "Vụ việc đã xác minh", f.incidents_verified, "vụ", page),
        Figure("incidents_closed", "Vụ việc đã kết thúc", f.incidents_closed, "vụ", page),
        Figure("incidents_false_alarm", "Báo động giả", f.incidents_false_alarm, "vụ", page),
        Figure("incidents_with_flash_report", "Vụ việc có báo cáo nhanh",
               f.incidents_with_flash_report, "vụ", page),
        Figure("flash_reports", "Báo cáo nhanh đã gửi", f.flash_reports, "báo cáo", page),
        Figure("alerts", "Cảnh báo đã phát hành", f.alerts, "cảnh báo", page),
        Figure("deliveries", "Lượt cơ quan, đơn vị nhận cảnh báo", f.deliveries, "lượt", page),
        Figure("acknowledged", "Lượt đã xác nhận cảnh báo", f.acknowledged, "lượt", page),
        Figure("acknowledged_late", "Lượt xác nhận chậm so với thời hạn", f.acknowledged_late,
               "lượt", page),
        Figure("alerts_unacknowledged", "Lượt chưa xác nhận cảnh báo trong thời hạn",
               f.alerts_unacknowledged, "lượt", page),
        Figure("ack_median_minutes", "Thời gian xác nhận (trung vị)", f.ack_median_minutes,
               "phút", page),
        Figure("ack_p90_minutes", "Thời gian xác nhận (90% số lượt)", f.ack_p90_minutes,
               "phút", page),
        Figure("exercise_incidents", "Tình huống giả định trong diễn tập", f.exercise_incidents,
               "tình huống", page),
        Figure("exercise_alerts", "Cảnh báo diễn tập", f.exercise_alerts, "cảnh báo", page),
    ]  # fmt: skip
    types = by_type(f)
    outcomes = [(STATE_WORDS[IncidentState(s)], n) for s, n in f.by_state.items() if n]
    tables: list[TableData] = []
    charts: list[Chart] = []
    if types:
        tables.append(
            TableData(
                "incidents_by_type",
                "Vụ việc, tình huống theo loại",
                ["Loại vụ việc", "Số vụ"],
                [[label, n] for label, n in types],
            )
        )
        charts.append(
            Chart(
                "incidents_by_type",
                "Vụ việc, tình huống theo loại",
                [label for label, _n in types],
                [float(n) for _l, n in types],
                "vụ",
            )
        )
    if outcomes:
        tables.append(
            TableData(
                "incidents_by_outcome",
                "Vụ việc, tình huống theo kết quả xử lý",
                ["Kết quả xử lý", "Số vụ"],
                [[label, n] for label, n in outcomes],
            )
        )
    if f.deliveries:
        tables.append(TableData(
            "alert_acknowledgement", "Xác nhận cảnh báo",
            ["Chỉ tiêu", "Số lượng"],
            [["Lượt nhận cảnh báo", f.deliveries], ["Đã xác nhận", f.acknowledged],
             ["Xác nhận chậm", f.acknowledged_late],
             ["Quá hạn chưa xác nhận", f.not_acknowledged_overdue]],
        ))  # fmt: skip
    notes = []
    if not f.incidents and not f.alerts:
        notes.append(f"Không có vụ việc, tình huống hoặc cảnh báo nào trong {ctx.period.label}.")
    return SectionContent(
        figures=figures, tables=tables, charts=charts, text=_text(f, types, outcomes),
        classification=f.classification, notes=notes,
        links=[("Thống kê vụ việc, cảnh báo", page)],
    )  # fmt: skip


def _minutes(value: float | None) -> str:
    return f"{number(value)} phút"


def _text(f: SituationFigures, types: list[tuple[str, int]],
          outcomes: list[tuple[str, int]]) -> str:  # fmt: skip
    lines: list[str] = []
    if f.incidents:
        kinds = ", ".join(f"{number(n)} {label}" for label, n in types)
        results = ", ".join(f"{number(n)} vụ {label}" for label, n in outcomes)
        lines.append(
            f"Tiếp nhận, xử lý {number(f.incidents)} vụ việc, tình huống ({kinds}); kết quả: "
            f"{results}."
        )
        if f.flash_reports:
            lines.append(
                f"Gửi {number(f.flash_reports)} báo cáo nhanh về "
                f"{number(f.incidents_with_flash_report)} vụ việc theo quy định."
            )
    else:
        lines.append("Trong kỳ không phát sinh vụ việc, tình huống phải xử lý.")
    if f.alerts:
        sentence = (
            f"Phát hành {number(f.alerts)} cảnh báo tới {number(f.deliveries)} lượt cơ quan, "
            f"đơn vị; {number(f.acknowledged)} lượt đã xác nhận"
        )
        if f.ack_median_minutes is not None:
            sentence += (
                f" (thời gian xác nhận trung vị {_minutes(f.ack_median_minutes)}, 90% số lượt "
                f"trong vòng {_minutes(f.ack_p90_minutes)})"
            )
        lines.append(sentence + ".")
        if f.alerts_unacknowledged:
            lines.append(
                f"Còn {number(f.alerts_unacknowledged)} lượt cơ quan, đơn vị chưa xác nhận cảnh "
                f"báo trong thời hạn ({number(f.acknowledged_late)} lượt xác nhận chậm, "
                f"{number(f.not_acknowledged_overdue)} lượt quá hạn chưa xác nhận)."
            )
    else:
        lines.append("Trong kỳ không phát hành cảnh báo.")
    if f.exercise_incidents or f.exercise_alerts:
        lines.append(
            f"Ngoài ra, trong diễn tập đã tạo {number(f.exercise_incidents)} tình huống giả định "
            f"và {number(f.exercise_alerts)} cảnh báo diễn tập (không tính vào số liệu trên)."
        )
    return "\n".join(lines)
