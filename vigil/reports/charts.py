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

import functools
import io
import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.font_manager import FontProperties, findfont, get_font

from vigil.reports.sections.base import Chart, number

FONT = "DejaVu Sans"
WIDTH_IN = 12 / 2.54  # 12 cm: scaled to 16 cm in the .docx, to 390 px on a phone
DPI = 200
BAR_IN = 0.42  # the height of one bar's row
LABEL_SIZE = 11
VALUE_SIZE = 11
BAR = "#1f4e79"  # dark blue: still dark printed in grey
WRAP = 24  # characters of a label on one line
MAX_LINES = 3
# The most bars a chart draws (the largest ones, then one bar for the rest), so that a
# chart of every agency still fits a page of the .docx.
MAX_BARS = 15
OTHERS = "Còn lại"


def _label(text: str) -> str:
    lines = textwrap.wrap(text, WRAP) or [""]
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], textwrap.shorten(" ".join(lines[MAX_LINES - 1 :]),
                                                          WRAP, placeholder="…")]  # fmt: skip
    return "\n".join(lines)


def _value(value: float) -> str:
    return number(int(value)) if float(value).is_integer() else number(round(value, 1))


def _width_in(text: str, font: FontProperties) -> float:
    """The widest line of ``text`` in inches, measured with the font itself (no drawing)."""
    face = get_font(findfont(font))
    face.set_size(float(font.get_size_in_points()), 72)
    widest = 0.0
    for line in text.split("\n"):
        face.set_text(line, 0.0)
        widest = max(widest, face.get_width_height()[0] / 64)
    return widest / 72


def chart_png(chart: Chart) -> bytes:
    """The bar chart as a PNG image (byte-equal for the same chart, so the last ones
    drawn are kept: a draft's .docx and its page draw the same charts again)."""
    labels, values = shortened(chart.labels, chart.values)
    return _drawn(chart.title, tuple(labels), tuple(values), chart.unit)


def shortened(labels: list[str], values: list[float]) -> tuple[list[str], list[float]]:
    """At most ``MAX_BARS`` bars: the largest, in their order, and "Còn lại" summing the
    others."""
    if len(labels) <= MAX_BARS:
        return labels, values
    ranked = sorted(range(len(values)), key=lambda i: (-values[i], i))
    kept = sorted(ranked[: MAX_BARS - 1])
    rest = sum(values[i] for i in ranked[MAX_BARS - 1 :])
    return [labels[i] for i in kept] + [OTHERS], [values[i] for i in kept] + [rest]


@functools.lru_cache(maxsize=64)
def _drawn(title: str, labels: tuple[str, ...], values: tuple[float, ...], unit: str) -> bytes:
    return _draw(Chart("", title, list(labels), list(values), unit))


def _draw(chart: Chart) -> bytes:
    """The margins are measured from the labels (no ``tight_layout``: it costs two more
    drawings of the figure), so the chart draws once."""
    font = FontProperties(family=FONT, size=LABEL_SIZE)
    bold = FontProperties(family=FONT, size=VALUE_SIZE, weight="bold")
    values = [float(v) for v in chart.values]
    labels = [_label(str(label)) for label in chart.labels]
    lines = sum(label.count("\n") + 1 for label in labels)
    bars_in = max(len(labels) * BAR_IN, lines * 0.2 + len(labels) * 0.12, 0.6)
    top_in, bottom_in = 0.12, 0.4 if chart.unit else 0.15
    height = top_in + bars_in + bottom_in
    figure = MplFigure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    if not values:
        figure.text(0.5, 0.5, "Không có số liệu", ha="center", va="center", fontproperties=font)
        return _png(figure)
    left_in = max(_width_in(label, font) for label in labels) + 0.18
    left = min(0.6, (left_in + 0.05) / WIDTH_IN)
    right = 0.98
    figure.subplots_adjust(left=left, right=right, top=1 - top_in / height,
                           bottom=bottom_in / height)  # fmt: skip
    axes = figure.add_subplot()
    positions = list(range(len(values)))
    bars = axes.barh(positions, values, height=0.62, color=BAR)
    axes.set_yticks(positions, labels)
    axes.set_ylim(len(values) - 0.5, -0.5)  # the first label on top, as the table lists it
    for tick in axes.get_yticklabels():
        tick.set_fontproperties(font)
    axes.tick_params(axis="y", length=0, pad=6)
    # The values are printed on the bars: no numbered axis to read them off.
    axes.set_xticks([])
    texts = [_value(v) for v in values]
    top = max([*values, 0.0])
    axes_in = (right - left) * WIDTH_IN
    room = min(0.6, (max(_width_in(t, bold) for t in texts) + 0.1) / axes_in)
    axes.set_xlim(0, top / (1 - room) if top > 0 else 1)
    axes.bar_label(bars, labels=texts, padding=4, fontproperties=bold)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    if chart.unit:
        axes.set_xlabel(f"Đơn vị tính: {chart.unit}", fontproperties=font, loc="right")
    return _png(figure)


def _png(figure: MplFigure) -> bytes:
    buffer = io.BytesIO()
    # No "Software" entry and no time: the same chart gives the same bytes.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
