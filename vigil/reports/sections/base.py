"""What a section of a summary report is made of, and what a section's source gives.

A source is a function ``compute(ctx: Context) -> SectionContent`` in
``vigil/reports/sections/<area>.py``; it reads the other apps only through the figures
functions they expose (never their tables), so a figure in the report is the figure
the app's own page shows for the same reader and period (tests/reports/test_agreement.py
compares them). ``OUTLINE`` (``sections/outline.py``) orders the sources.

The content is stored as JSON on the section (``as_json``/``from_json``), so an issued
report keeps the figures it was issued with. Words in the content are the document's
(Vietnamese, whatever the reader's language).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from vigil.core.audit import Actor
from vigil.org.models import Committee
from vigil.reports.periods import Period

Value = int | float | str | None


@dataclass(frozen=True)
class Context:
    """Who the report is computed for (its drafter: the figures are what they see),
    the committee (and the committees below it) and the period."""

    viewer: Actor
    committee: Committee
    period: Period
    today: dt.date
    # The content of the sections computed before this one, by key (the limitations
    # section reads what the others found).
    earlier: dict[str, SectionContent] = field(default_factory=dict)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: Value
    unit: str = ""
    # The page that shows the same figure for the same reader ("" when none does).
    source: str = ""


@dataclass(frozen=True)
class TableData:
    key: str
    title: str
    header: list[str]
    rows: list[list[Value]]


@dataclass(frozen=True)
class Chart:
    """A bar chart: one bar per label."""

    key: str
    title: str
    labels: list[str]
    values: list[float]
    unit: str = ""


@dataclass(frozen=True)
class SectionContent:
    figures: list[Figure] = field(default_factory=list)
    tables: list[TableData] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    text: str = ""  # the drafted text: sentences built from the figures
    classification: int = 0  # the most classified thing the figures count
    # Said in the report where the data is missing ("no unit reported", "no data").
    notes: list[str] = field(default_factory=list)
    # Pages the section's figures come from: [(label, url)].
    links: list[tuple[str, str]] = field(default_factory=list)

    def figure(self, key: str) -> Value:
        return next((f.value for f in self.figures if f.key == key), None)

    @property
    def empty(self) -> bool:
        return not any(f.value for f in self.figures) and not any(t.rows for t in self.tables)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SectionContent:
        return cls(
            figures=[Figure(**f) for f in data.get("figures", [])],
            tables=[TableData(**t) for t in data.get("tables", [])],
            charts=[Chart(**c) for c in data.get("charts", [])],
            text=data.get("text", ""),
            classification=int(data.get("classification", 0)),
            notes=list(data.get("notes", [])),
            links=[(str(a), str(b)) for a, b in data.get("links", [])],
        )


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str  # the heading in the document ("Công tác tập huấn, diễn tập")
    compute: Callable[[Context], SectionContent]
    annual: bool = True  # in the annual summary
    periodic: bool = True  # in the monthly, quarterly and six-month reports


def number(value: Value) -> str:
    """A figure as Vietnamese prints it: 1.234 and 12,5."""
    if value is None:
        return "—"
    if isinstance(value, float):
        text = f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        return text.removesuffix(",0")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)
