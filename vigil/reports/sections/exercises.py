"""Trainings and drills (*công tác tập huấn, diễn tập*): the exercises app's figures for
the committee and the year (``vigil.exercises.figures.queries.exercise_figures``, the
function its figures page calls)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from vigil.exercises.drills.models import ExerciseType
from vigil.exercises.figures.queries import ExerciseFigures, exercise_figures
from vigil.reports.sections.base import Chart, Context, Figure, SectionContent, TableData, number

# The types as Vietnamese agencies name them (the document's words).
TYPE_WORDS = {
    ExerciseType.SEMINAR: "hội thảo", ExerciseType.WORKSHOP: "hội thảo chuyên đề",
    ExerciseType.TABLETOP: "diễn tập trên bàn (sa bàn)", ExerciseType.GAME: "diễn tập mô phỏng",
    ExerciseType.DRILL: "diễn tập kỹ năng", ExerciseType.FUNCTIONAL: "diễn tập chức năng",
    ExerciseType.FULL_SCALE: "diễn tập tổng hợp (thực binh)",
}  # fmt: skip


def compute(ctx: Context) -> SectionContent:
    f = exercise_figures(ctx.viewer, ctx.period.year, committee=ctx.committee)
    page = (
        reverse("exercises:figures")
        + "?"
        + urlencode({"year": ctx.period.year, "committee": ctx.committee.pk})
    )
    percent = f.sites_exercised_percent
    figures = [
        Figure("exercises", "Cuộc diễn tập", f.exercises, "cuộc", page),
        Figure("trainings_held", "Lớp tập huấn đã tổ chức", f.trainings_held, "lớp", page),
        Figure("participants", "Lượt người tham gia", f.participants, "lượt người", page),
        Figure("agencies", "Cơ quan, đơn vị tham gia", f.agencies, "đơn vị", page),
        Figure("sites_exercised", "Mục tiêu có phương án được diễn tập trong 12 tháng",
               f.sites_exercised, "mục tiêu", page),
        Figure("sites_total", "Mục tiêu, công trình trọng điểm", f.sites_total, "mục tiêu", page),
        Figure("sites_exercised_percent", "Tỷ lệ mục tiêu có phương án được diễn tập",
               percent, "%", page),
        Figure("actions_closed", "Biện pháp khắc phục đã hoàn thành", f.actions_closed,
               "biện pháp", page),
        Figure("actions_open", "Biện pháp khắc phục đang thực hiện", f.actions_open,
               "biện pháp", page),
        Figure("actions_overdue", "Biện pháp khắc phục quá hạn", f.actions_overdue,
               "biện pháp", page),
        Figure("plans_revision_required", "Phương án phải sửa đổi sau diễn tập",
               f.plans_revision_required, "phương án", page),
        Figure("plans_revised", "Phương án đã sửa đổi sau diễn tập", f.plans_revised,
               "phương án", page),
    ]  # fmt: skip
    by_type = [(TYPE_WORDS.get(ExerciseType(t), t), n) for t, n in f.by_type.items() if n]
    tables = [
        TableData("exercises_by_type", "Diễn tập theo loại hình",
                  ["Loại hình", "Số cuộc"], [[label, n] for label, n in by_type]),
    ] if by_type else []  # fmt: skip
    charts = [
        Chart("exercises_by_type", "Diễn tập theo loại hình",
              [label for label, _n in by_type], [float(n) for _label, n in by_type], "cuộc"),
    ] if by_type else []  # fmt: skip
    return SectionContent(
        figures=figures, tables=tables, charts=charts, text=_text(f, by_type),
        classification=f.classification,
        notes=[] if f.exercises or f.trainings_held else
        [f"Không có cuộc diễn tập hoặc lớp tập huấn nào trong {ctx.period.label}."],
        links=[("Thống kê tập huấn, diễn tập", page)],
    )  # fmt: skip


def _text(f: ExerciseFigures, by_type: list[tuple[str, int]]) -> str:
    if not f.exercises and not f.trainings_held:
        return "Trong kỳ không tổ chức tập huấn, diễn tập."
    kinds = ", ".join(f"{number(n)} {label}" for label, n in by_type)
    lines = [
        f"Tổ chức {number(f.trainings_held)} lớp tập huấn và {number(f.exercises)} cuộc diễn tập"
        + (f" ({kinds})" if kinds else "")
        + f", với {number(f.participants)} lượt người của {number(f.agencies)} cơ quan, "
        "đơn vị tham gia.",
    ]
    if f.sites_total:
        lines.append(
            f"{number(f.sites_exercised)}/{number(f.sites_total)} mục tiêu, công trình trọng "
            f"điểm ({number(f.sites_exercised_percent)}%) có phương án được diễn tập trong "
            "12 tháng."
        )
    if f.actions_total:
        lines.append(
            f"Sau diễn tập đã đề ra {number(f.actions_total)} biện pháp khắc phục: hoàn thành "
            f"{number(f.actions_closed)}, đang thực hiện {number(f.actions_open)} (quá hạn "
            f"{number(f.actions_overdue)})."
        )
    if f.plans_revision_required:
        lines.append(
            f"{number(f.plans_revision_required)} phương án phải sửa đổi sau diễn tập, đã sửa "
            f"đổi {number(f.plans_revised)}."
        )
    return "\n".join(lines)
