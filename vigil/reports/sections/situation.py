"""The situation (*tình hình liên quan đến khủng bố*): aggregates only, from the situation
app's figures for the committee and the period (``vigil.situation.figures.situation_figures``,
the function its figures page and API call). No name, no title, no person: counts of
incidents by type, and whether a terrorist incident occurred."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from vigil.org.figure_periods import page_query, period_code
from vigil.reports.sections.base import Context, Figure, SectionContent, TableData, number
from vigil.situation.figures import SituationFigures, situation_figures
from vigil.situation.incidents.models import IncidentType

# The types as a Vietnamese report names them (the document's words).
TYPE_WORDS = {
    IncidentType.BOMB_THREAT: "đe dọa đánh bom",
    IncidentType.EXPLOSION: "vụ nổ",
    IncidentType.TERRORIST_INCIDENT: "vụ khủng bố",
    IncidentType.ACTIVE_SHOOTER: "vụ xả súng",
    IncidentType.HOSTAGE: "vụ bắt giữ con tin",
    IncidentType.HIJACKING: "vụ bắt cóc phương tiện",
    IncidentType.SUSPICIOUS_OBJECT: "phát hiện vật thể khả nghi",
    IncidentType.ARSON: "vụ đốt phá",
    IncidentType.DRONE_INTRUSION: "xâm nhập bằng thiết bị bay không người lái",
    IncidentType.CYBER_ATTACK: "tấn công mạng vào hệ thống quan trọng",
    IncidentType.EXPLOSIVES_LOSS: "mất, bị trộm vật liệu nổ, vũ khí",
    IncidentType.OTHER: "vụ việc khác",
}
COMMITTEE_PREFIX = "khủng bố "


def page_url(name: str, ctx: Context) -> str:
    """The figures page ``name`` for the section's committee and period (the source of
    its figures: the page shows the same numbers to the same reader)."""
    code = period_code(ctx.period.kind, ctx.period.part)
    return reverse(name) + "?" + urlencode(page_query(ctx.period.year, code, ctx.committee))


def area_of(ctx: Context) -> str:
    """The committee's area in the report's words: "Ban Chỉ đạo Phòng, chống khủng bố
    tỉnh Quảng Ninh" → "tỉnh Quảng Ninh"; "" when the name does not say."""
    name = ctx.committee.name
    return name.split(COMMITTEE_PREFIX, 1)[1] if COMMITTEE_PREFIX in name else ""


def by_type(f: SituationFigures) -> list[tuple[str, int]]:
    """(the type in words, number) of the real incidents, the types that occurred."""
    return [(TYPE_WORDS.get(IncidentType(t), t), n) for t, n in f.by_type.items() if n]


def compute(ctx: Context) -> SectionContent:
    f = situation_figures(
        ctx.viewer, committee=ctx.committee, start=ctx.period.start, end=ctx.period.end
    )
    page = page_url("situation:figures", ctx)
    figures = [
        Figure("incidents_terrorist", "Vụ khủng bố xảy ra", f.incidents_terrorist, "vụ", page),
        Figure("incidents", "Vụ việc, tình huống liên quan đến an ninh, khủng bố", f.incidents,
               "vụ", page),
        Figure("incidents_false_alarm", "Trong đó: báo động giả", f.incidents_false_alarm,
               "vụ", page),
        Figure("dead", "Số người chết", f.dead, "người", page),
        Figure("injured", "Số người bị thương", f.injured, "người", page),
    ]  # fmt: skip
    types = by_type(f)
    tables = [
        TableData("situation_by_type", "Vụ việc, tình huống theo loại",
                  ["Loại vụ việc", "Số vụ"], [[label, n] for label, n in types]),
    ] if types else []  # fmt: skip
    notes = [] if f.incidents else [
        f"Không ghi nhận vụ việc, tình huống nào trong {ctx.period.label}."
    ]  # fmt: skip
    return SectionContent(
        figures=figures, tables=tables, text=_text(ctx, f, types),
        classification=f.classification, notes=notes,
        links=[("Thống kê vụ việc, cảnh báo", page)],
    )  # fmt: skip


def _text(ctx: Context, f: SituationFigures, types: list[tuple[str, int]]) -> str:
    area = area_of(ctx)
    where = f"trên địa bàn {area}" if area else "trên địa bàn"
    when = ctx.period.label.capitalize()
    lines: list[str] = []
    if not f.incidents_terrorist:
        lines.append(f"{when}, {where} không xảy ra vụ khủng bố.")
    else:
        lines.append(f"{when}, {where} xảy ra {number(f.incidents_terrorist)} vụ khủng bố.")
    if f.incidents:
        kinds = ", ".join(f"{number(n)} {label}" for label, n in types)
        sentence = (
            f"Các lực lượng chức năng đã tiếp nhận, xử lý {number(f.incidents)} vụ việc, "
            f"tình huống có liên quan ({kinds})"
        )
        if f.incidents_false_alarm:
            sentence += f", trong đó {number(f.incidents_false_alarm)} vụ là báo động giả"
        lines.append(sentence + ".")
        harm = [f"{number(n)} người {what}" for n, what in
                ((f.dead, "chết"), (f.injured, "bị thương")) if n]  # fmt: skip
        if harm:
            lines.append(f"Các vụ việc làm {' và '.join(harm)}.")
    else:
        lines.append("Không ghi nhận vụ việc, tình huống nào có liên quan đến khủng bố.")
    return "\n".join(lines)
