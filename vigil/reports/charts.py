"""A section's charts as images: PNG for the .docx and the page.

A horizontal bar chart, one bar per label, its value printed at the bar's end, drawn
with matplotlib's Agg canvas directly (no pyplot, no ``matplotlib.use``, no rcParams
changed: the fonts and sizes are given to each text), in DejaVu Sans (bundled with
matplotlib; it has every Vietnamese letter). Sized to be read both printed 16 cm wide
in the .docx (drawn 12 cm wide, so 11 pt labels print at about 14 pt) and shown
390 px wide on a phone (the labels about 12 px). The same chart gives the same bytes:
the PNG carries no timestamp and no software version.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.font_manager import FontProperties

from vigil.reports.sections.base import Chart, number

FONT = "DejaVu Sans"
WIDTH_IN = 12 / 2.54  # 12 cm: scaled to 16 cm in the .docx, to 390 px on a phone
DPI = 200
BAR_IN = 0.42  # the height of one bar's row
MARGIN_IN = 0.75  # above and below the bars (the unit's line at the foot)
LABEL_SIZE = 11
VALUE_SIZE = 11
BAR = "#1f4e79"  # dark blue: still dark printed in grey
WRAP = 24  # characters of a label on one line
MAX_LINES = 3


def _label(text: str) -> str:
    lines = textwrap.wrap(text, WRAP) or [""]
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], textwrap.shorten(" ".join(lines[MAX_LINES - 1 :]),
                                                          WRAP, placeholder="…")]  # fmt: skip
    return "\n".join(lines)


def _value(value: float) -> str:
    return number(int(value)) if float(value).is_integer() else number(round(value, 1))


def chart_png(chart: Chart) -> bytes:
    """The bar chart as a PNG image (byte-equal for the same chart)."""
    font = FontProperties(family=FONT, size=LABEL_SIZE)
    values = [float(v) for v in chart.values]
    labels = [_label(str(label)) for label in chart.labels]
    rows = max(1, len(labels))
    lines = sum(max(1, label.count("\n") + 1) for label in labels) or 1
    height = MARGIN_IN + max(rows * BAR_IN, lines * 0.2 + rows * 0.12)
    figure = MplFigure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if not values:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "Không có số liệu", ha="center", va="center",
                  fontproperties=font, transform=axes.transAxes)  # fmt: skip
        return _png(figure)
    positions = list(range(len(values)))
    bars = axes.barh(positions, values, height=0.62, color=BAR)
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()  # the first label on top, as the table lists it
    for tick in axes.get_yticklabels():
        tick.set_fontproperties(font)
    axes.tick_params(axis="y", length=0, pad=6)
    # The values are printed on the bars: no numbered axis to read them off.
    axes.set_xticks([])
    top = max([*values, 0.0])
    axes.set_xlim(0, top * 1.22 if top > 0 else 1)
    axes.bar_label(bars, labels=[_value(v) for v in values], padding=4,
                   fontproperties=FontProperties(family=FONT, size=VALUE_SIZE, weight="bold"))  # fmt: skip
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    if chart.unit:
        axes.set_xlabel(f"Đơn vị tính: {chart.unit}", fontproperties=font, loc="right")
    return _png(figure)


def _png(figure: MplFigure) -> bytes:
    figure.tight_layout(pad=0.4)
    buffer = io.BytesIO()
    # No "Software" entry and no time: the same chart gives the same bytes.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
