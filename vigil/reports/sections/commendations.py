"""Commendations (*đề xuất khen thưởng*): what was proposed and decided in the year for
the committee (and the committees below it), as the drafter sees them (the scope
rule): a table of recipient, form, authority, state and decision number, and the
drafted text ("Đề nghị Chủ tịch UBND tỉnh tặng Bằng khen cho …").

Each figure links to the commendation list of the same year and committee (and those
below it), filtered by the state it counts, so the list shows the same number: the
proposals (every state, refused ones too), decided, awaiting the decision, refused."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from vigil.reports.commendations.models import (
    Authority,
    Commendation,
    CommendationForm,
    CommendationState,
)
from vigil.reports.commendations.queries import PENDING, of_committee
from vigil.reports.sections.base import Context, Figure, SectionContent, TableData, number

FORMS = {CommendationForm.BANG_KHEN: "Bằng khen", CommendationForm.GIAY_KHEN: "Giấy khen"}
AUTHORITIES = {
    Authority.PROVINCE_CHAIRMAN: "Chủ tịch UBND tỉnh",
    Authority.MINISTER: "Bộ trưởng Bộ Công an",
    Authority.COMMITTEE_HEAD: "Trưởng Ban Chỉ đạo",
    Authority.POLICE_DIRECTOR: "Giám đốc Công an tỉnh",
    Authority.COMMUNE_CHAIRMAN: "Chủ tịch UBND xã",
}
STATES = {
    CommendationState.PROPOSED: "Đã đề nghị",
    CommendationState.REVIEWED: "Đã thẩm định",
    CommendationState.DECIDED: "Đã quyết định",
    CommendationState.REFUSED: "Không đề nghị",
}


def compute(ctx: Context) -> SectionContent:
    year = ctx.period.year
    rows = list(of_committee(ctx.viewer, ctx.committee, year))

    def page(state: str = "") -> str:
        query = {"year": year, "committee": ctx.committee.pk} | ({"state": state} if state else {})
        return reverse("reports:commendation_list") + "?" + urlencode(query)

    decided = [c for c in rows if c.state == CommendationState.DECIDED]
    waiting = [c for c in rows if c.state in (CommendationState.PROPOSED,
                                              CommendationState.REVIEWED)]  # fmt: skip
    refused = [c for c in rows if c.state == CommendationState.REFUSED]
    figures = [
        Figure("proposed", "Đề nghị khen thưởng", len(rows), "trường hợp", page()),
        Figure("decided", "Đã có quyết định khen thưởng", len(decided), "trường hợp",
               page(CommendationState.DECIDED)),
        Figure("pending", "Đang chờ quyết định", len(waiting), "trường hợp", page(PENDING)),
        Figure("refused", "Không đề nghị khen thưởng", len(refused), "trường hợp",
               page(CommendationState.REFUSED)),
    ]  # fmt: skip
    table = TableData(
        "commendations", "Đề nghị khen thưởng",
        ["Đối tượng", "Hình thức", "Cấp khen", "Tình trạng", "Số quyết định"],
        [[c.recipient_label, FORMS.get(CommendationForm(c.form), c.form),
          AUTHORITIES.get(Authority(c.authority), c.authority),
          STATES.get(CommendationState(c.state), c.state), c.decision_number or "—"]
         for c in rows],
    )  # fmt: skip
    return SectionContent(
        figures=figures, tables=[table] if rows else [], text=_text(decided, waiting, year),
        classification=max((c.classification for c in rows), default=0),
        notes=[] if rows else [f"Không có đề nghị khen thưởng năm {year}."],
        links=[("Khen thưởng", page())],
    )  # fmt: skip


def _text(decided: list[Commendation], waiting: list[Commendation], year: int) -> str:
    lines = []
    if decided:
        lines.append(f"Trong năm {year}, đã khen thưởng {number(len(decided))} trường hợp:")
        lines += [
            f"- {AUTHORITIES.get(Authority(c.authority), '')} tặng "
            f"{FORMS.get(CommendationForm(c.form), '')} cho {c.recipient_label} "
            f"(Quyết định số {c.decision_number} ngày {c.decision_date:%d/%m/%Y})."
            for c in decided
        ]
    for c in waiting:
        lines.append(
            f"- Đề nghị {AUTHORITIES.get(Authority(c.authority), '')} tặng "
            f"{FORMS.get(CommendationForm(c.form), '')} cho {c.recipient_label}."
        )
    return "\n".join(lines) or f"Năm {year} không có đề nghị khen thưởng."
