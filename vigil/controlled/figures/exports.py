"""Period figures as an .xlsx workbook, through the one safe writer
(``vigil.core.xlsx``), and as a bar chart drawn on the server (inline SVG: nothing
from another host; its numbers are those of the table beside it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from vigil.controlled.catalogue.models import UNITS
from vigil.controlled.figures.queries import COLUMN_LABELS, COLUMNS, GROUPS, Figures, Line
from vigil.core import audit, dates
from vigil.core.xlsx import Sheet, workbook_bytes


def in_shown_unit(item_class: str, quantity: int) -> int | float:
    """A stored quantity as a number in the unit people use (12500 g -> 12.5 kg)."""
    factor = UNITS[item_class][2]
    return quantity // factor if quantity % factor == 0 else quantity / factor


def _rows(lines: list[Line], with_group: bool) -> list[list[Any]]:
    return [
        [*([line.group_name] if with_group else []), line.item_code, line.item_name, line.unit,
         *(in_shown_unit(line.item_class, v) for v in line.values())]
        for line in lines
    ]  # fmt: skip


def headers(group: str | None) -> list[str]:
    first = [str(GROUPS[group])] if group else []
    return [*first, _("Code"), _("Item"), _("Unit"), *(str(COLUMN_LABELS[c]) for c in COLUMNS)]


def figures_sheets(figures: Figures, group: str) -> list[Sheet]:
    """One sheet of the province's totals per item, one by the chosen grouping."""
    period = _("From %(start)s to %(end)s") % {
        "start": dates.shown(figures.start), "end": dates.shown(figures.end),
    }  # fmt: skip
    sheets = [
        Sheet(_("Province"), [*headers(None), period], [
            [*row, ""] for row in _rows(figures.by_item, with_group=False)
        ]),
    ]  # fmt: skip
    if group != "item":
        sheets.append(
            Sheet(str(GROUPS[group]), headers(group), _rows(figures.lines(group), with_group=True))
        )
    return sheets


def figures_workbook(figures: Figures, group: str) -> bytes:
    return workbook_bytes(figures_sheets(figures, group), classification=figures.classification)


def filename(figures: Figures) -> str:
    return f"so-lieu-vlnc-{figures.start:%Y%m%d}-{figures.end:%Y%m%d}.xlsx"


CHARTED = ("received", "used", "destroyed", "lost", "closing")
BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH = 14, 4, 190, 360


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    width: int
    text: str
    column: str


@dataclass(frozen=True)
class Block:
    title: str
    y: int
    bars: list[Bar]


def chart(figures: Figures) -> dict[str, Any]:
    """The province's received, used, destroyed, lost and closing stock per item, each
    item on its own scale (kilograms, metres and pieces are not compared)."""
    blocks: list[Block] = []
    y = 0
    for line in figures.by_item:
        values = {c: max(getattr(line, c), 0) for c in CHARTED}
        top = max(values.values()) or 1
        y += 20
        bars = []
        for n, column in enumerate(CHARTED):
            bars.append(Bar(
                label=str(COLUMN_LABELS[column]), y=y + n * (BAR_HEIGHT + GAP),
                width=round(BAR_WIDTH * values[column] / top),
                text=line.shown_values()[COLUMNS.index(column)], column=column,
            ))  # fmt: skip
        blocks.append(Block(f"{line.item_name} ({line.unit})", y - 6, bars))
        y += len(CHARTED) * (BAR_HEIGHT + GAP) + 8
    return {
        "blocks": blocks, "height": y + 4, "width": LABEL_WIDTH + BAR_WIDTH + 110,
        "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT, "text_x": LABEL_WIDTH + 6,
    }  # fmt: skip


def record_view(user: Any, classification: int, *, path: str, committee_id: int | None) -> None:
    """One view event for figures counted from classified entries, inspections or
    counts (page, .xlsx and API alike): reading them is audited like reading those.
    Unclassified figures record nothing."""
    if not classification:
        return
    with transaction.atomic():
        audit.record(
            audit.CoreAction.OBJECT_VIEWED, actor=user, object_type="page",
            object_id=path[:64], classification=classification, committee_id=committee_id,
            after={"path": path},
        )  # fmt: skip
