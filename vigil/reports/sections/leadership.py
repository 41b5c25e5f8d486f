"""Leadership and direction (*công tác lãnh đạo, chỉ đạo*): the documents the committee
issued, the meetings it held and their conclusions, the year's work plans, from the work
app's figures (``sections/work_figures.py``)."""

from __future__ import annotations

from vigil.core.numbering import DocType
from vigil.reports.sections.base import Context, Figure, SectionContent, TableData, number
from vigil.reports.sections.work_figures import figures_of, page_url
from vigil.work.figures.queries import WorkFigures
from vigil.work.models import TYPE_NAMES

# The order a review lists documents in: directives and plans first.
TYPE_ORDER = [DocType.CHI_THI, DocType.KE_HOACH, DocType.QUYET_DINH, DocType.THONG_BAO,
              DocType.HUONG_DAN, DocType.CHUONG_TRINH, DocType.BAO_CAO, DocType.CONG_VAN]  # fmt: skip
KIND_WORDS = {"regular": "cuộc họp thường kỳ", "extraordinary": "cuộc họp đột xuất",
              "written": "lần lấy ý kiến bằng văn bản"}  # fmt: skip


def type_word(doc_type: str) -> str:
    return (TYPE_NAMES.get(doc_type) or "công văn").lower()


def ordered_types(f: WorkFigures) -> list[tuple[str, int]]:
    order: dict[str, int] = {str(t): i for i, t in enumerate(TYPE_ORDER)}
    types = sorted(f.documents_by_type.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    return [(t, n) for t, n in types if n]


def compute(ctx: Context) -> SectionContent:
    f = figures_of(ctx)
    page = page_url(ctx)
    types = ordered_types(f)
    figures = [
        Figure("documents_issued", "Văn bản đã ban hành", f.documents_issued, "văn bản", page),
        *[Figure(f"documents_{t}", f"{TYPE_NAMES.get(t) or 'Công văn'} đã ban hành", n,
                 "văn bản", page) for t, n in types],
        Figure("meetings", "Cuộc họp, hội nghị đã tổ chức", f.meetings, "cuộc", page),
        *[Figure(f"meetings_{k}", KIND_WORDS.get(k, k).capitalize(), n, "cuộc", page)
          for k, n in sorted(f.meetings_by_kind.items()) if n],
        Figure("conclusion_points", "Nội dung kết luận của các cuộc họp", f.conclusion_points,
               "nội dung", page),
        Figure("work_plans", "Kế hoạch công tác năm", len(f.plans), "kế hoạch", page),
    ]  # fmt: skip
    tables = [
        TableData("documents_by_type", "Văn bản ban hành theo loại", ["Loại văn bản", "Số lượng"],
                  [[TYPE_NAMES.get(t) or "Công văn", n] for t, n in types]),
    ] if types else []  # fmt: skip
    empty = not f.documents_issued and not f.meetings and not f.plans
    return SectionContent(
        figures=figures, tables=tables, text=_text(f, types, annual=ctx.period.is_annual), classification=f.levels.get(
            "leadership", 0),
        notes=[f"Trong {ctx.period.label} không có văn bản, cuộc họp hoặc kế hoạch công tác "
               "nào được ghi nhận."] if empty else [],
        links=[("Thống kê công tác của Ban Chỉ đạo", page)],
    )  # fmt: skip


def _text(f: WorkFigures, types: list[tuple[str, int]], *, annual: bool) -> str:
    lines: list[str] = []
    if types:
        kinds = ", ".join(f"{number(n)} {type_word(t)}" for t, n in types)
        lines.append(
            f"Ban Chỉ đạo đã ban hành {number(f.documents_issued)} văn bản chỉ đạo, điều hành "
            f"({kinds})."
        )
    else:
        lines.append("Trong kỳ không ban hành văn bản chỉ đạo, điều hành.")
    if f.meetings:
        kinds = ", ".join(f"{number(n)} {KIND_WORDS.get(k, k)}"
                          for k, n in sorted(f.meetings_by_kind.items()) if n)  # fmt: skip
        line = f"Tổ chức {number(f.meetings)} cuộc họp, hội nghị ({kinds})"
        if f.conclusion_points:
            line += f", kết luận {number(f.conclusion_points)} nội dung giao các cơ quan thực hiện"
        lines.append(line + ".")
        if f.review_meeting:
            lines.append(f"Tổ chức {f.review_meeting[:1].lower()}{f.review_meeting[1:]}.")
    else:
        lines.append("Trong kỳ không tổ chức cuộc họp nào.")
    for title, items in f.plans:
        # A part of the year carries on the year's plan; the year's review names it issued.
        lines.append(f"Ban hành {title} với {number(items)} nội dung." if annual
                     else f"Tiếp tục triển khai {title}.")  # fmt: skip
    return "\n".join(lines)
