"""The year's figures of trainings and exercises as an .xlsx workbook, through the one
safe writer (``vigil.core.xlsx``), and as a bar chart drawn on the server (inline SVG:
nothing from another host; its numbers are those of the tables beside it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from vigil.core import audit, dates
from vigil.core.classification import STAMPS, Classification
from vigil.core.xlsx import Sheet, workbook_bytes
from vigil.exercises.drills.models import ExerciseStatus, ExerciseType
from vigil.exercises.figures.queries import ExerciseFigures


def stamp(f: ExerciseFigures) -> str:
    """The page's stamp: that of the most classified exercise or training counted."""
    return STAMPS[Classification(f.classification)] if f.classification else ""


def record_view(user: Any, f: ExerciseFigures, *, path: str) -> None:
    """One view event for figures counted from classified exercises or trainings (page,
    API and .xlsx alike): reading them is audited like reading those. Figures counted
    from unclassified ones record nothing."""
    if not f.classification:
        return
    with transaction.atomic():
        audit.record(
            audit.CoreAction.OBJECT_VIEWED, actor=user, object_type="page",
            object_id=path[:64], classification=f.classification,
            committee_id=f.committee_id,
            after={"path": path, "year": f.year, "committee": f.committee_id},
        )  # fmt: skip


def figure_rows(f: ExerciseFigures) -> list[tuple[str, Any]]:
    """(label, value) of every figure that is not a breakdown, in the page's order."""
    percent = f.sites_exercised_percent
    return [
        (_("Exercises (not cancelled)"), f.exercises),
        (_("Trainings held"), f.trainings_held),
        (_("Participants"), f.participants),
        (_("Participants in exercises"), f.exercise_participants),
        (_("Participants in trainings"), f.training_participants),
        (_("Agencies involved"), f.agencies),
        (_("Active key sites"), f.sites_total),
        (_("Key sites exercised in the 12 months to %(day)s")
         % {"day": dates.shown(f.sites_as_of)}, f.sites_exercised),
        (_("Share of key sites exercised (%)"), "" if percent is None else percent),
        (_("Corrective actions open"), f.actions_open),
        (_("Corrective actions overdue"), f.actions_overdue),
        (_("Corrective actions closed"), f.actions_closed),
        (_("Median days to close a corrective action"),
         "" if f.median_days_to_close is None else f.median_days_to_close),
        (_("Plans whose revision a finding required"), f.plans_revision_required),
        (_("Plans revised after an exercise"), f.plans_revised),
    ]  # fmt: skip


def type_rows(f: ExerciseFigures) -> list[tuple[str, int]]:
    return [(str(label), f.by_type[value]) for value, label in ExerciseType.choices]


def status_rows(f: ExerciseFigures) -> list[tuple[str, int]]:
    return [(str(label), f.by_status[value]) for value, label in ExerciseStatus.choices]


def figures_sheets(f: ExerciseFigures) -> list[Sheet]:
    scope = f.committee_name or _("Everything you may see")
    since = _("Sites exercised from %(since)s to %(day)s") % {
        "since": dates.shown(f.exercised_since), "day": dates.shown(f.sites_as_of)}  # fmt: skip
    return [
        Sheet(_("Figures"), [_("Figure"), str(f.year)],
              [*figure_rows(f), (_("Committee"), scope), (since, "")]),
        Sheet(_("By type"), [_("Type of exercise"), _("Exercises")], type_rows(f)),
        Sheet(_("By status"), [_("Status"), _("Exercises")], status_rows(f)),
    ]  # fmt: skip


def figures_workbook(f: ExerciseFigures) -> bytes:
    return workbook_bytes(figures_sheets(f), classification=f.classification)


def filename(f: ExerciseFigures) -> str:
    part = f"-{f.committee_id}" if f.committee_id else ""
    return f"so-lieu-dien-tap-{f.year}{part}.xlsx"


BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH, TEXT_WIDTH = 14, 4, 230, 260, 50


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    width: int
    value: int
    tone: str  # a class and a colour: "count", "open", "overdue", "closed"


@dataclass(frozen=True)
class Block:
    title: str
    y: int
    bars: list[Bar]


def _block(title: str, values: list[tuple[str, int, str]], y: int) -> tuple[Block, int]:
    top = max((v for _l, v, _t in values), default=0) or 1
    y += 20
    bars = [
        Bar(label, y + n * (BAR_HEIGHT + GAP), round(BAR_WIDTH * value / top), value, tone)
        for n, (label, value, tone) in enumerate(values)
    ]
    return Block(title, y - 6, bars), y + len(values) * (BAR_HEIGHT + GAP) + 8


def chart(f: ExerciseFigures) -> dict[str, Any]:
    """Exercises by type, and corrective actions by state, each on its own scale."""
    blocks: list[Block] = []
    y = 0
    block, y = _block(_("Exercises by type"),
                      [(label, n, "count") for label, n in type_rows(f)], y)  # fmt: skip
    blocks.append(block)
    block, y = _block(_("Corrective actions"), [
        (_("Closed"), f.actions_closed, "closed"),
        (_("Open, not overdue"), f.actions_open - f.actions_overdue, "open"),
        (_("Overdue"), f.actions_overdue, "overdue"),
    ], y)  # fmt: skip
    blocks.append(block)
    return {
        "blocks": blocks, "height": y + 4, "width": LABEL_WIDTH + BAR_WIDTH + TEXT_WIDTH,
        "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT,
    }  # fmt: skip
