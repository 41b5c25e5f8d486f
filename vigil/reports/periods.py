"""The period a report covers: a year, a half, a quarter or a month, named as a
Vietnamese report names it ("năm 2026", "6 tháng đầu năm 2026", "quý IV năm 2026",
"tháng 11 năm 2026")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vigil.reports.summaries.models import ReportKind
from vigil.work.obligations.periods import last_day_of_month

PARTS = {ReportKind.ANNUAL: 0, ReportKind.SIX_MONTH: 2, ReportKind.QUARTERLY: 4,
         ReportKind.MONTHLY: 12}  # fmt: skip
ROMAN = ("", "I", "II", "III", "IV")


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    part: int  # 0 for a year; the half, quarter or month
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        """The period in the document's words (Vietnamese whatever the reader's language)."""
        if self.kind == ReportKind.SIX_MONTH:
            return f"6 tháng {'đầu' if self.part == 1 else 'cuối'} năm {self.year}"
        if self.kind == ReportKind.QUARTERLY:
            return f"quý {ROMAN[self.part]} năm {self.year}"
        if self.kind == ReportKind.MONTHLY:
            return f"tháng {self.part} năm {self.year}"
        return f"năm {self.year}"

    @property
    def is_annual(self) -> bool:
        return self.kind == ReportKind.ANNUAL

    def next(self) -> Period:
        """The period after this one, of the same kind (next year's tasks, next month's);
        not checked against the years a report may be drafted for."""
        parts = PARTS[ReportKind(self.kind)]
        if parts == 0 or self.part == parts:
            return _period(self.kind, self.year + 1, 1 if parts else 0)
        return _period(self.kind, self.year, self.part + 1)


def period_of(kind: str, year: int, part: int = 0) -> Period:
    """The period, or ``ValidationError`` with the reader's message when it is none."""
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Choose the kind of report.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    parts = PARTS[ReportKind(kind)]
    if parts == 0:
        part = 0
    elif not 1 <= part <= parts:
        raise ValidationError(
            {"part": _("Give a part of the year from 1 to %(n)d.") % {"n": parts}}
        )
    return _period(kind, year, part)


def _period(kind: str, year: int, part: int) -> Period:
    parts = PARTS[ReportKind(kind)]
    if parts == 0:
        return Period(kind, year, 0, dt.date(year, 1, 1), dt.date(year, 12, 31))
    months = 12 // parts
    first = (part - 1) * months + 1
    last = first + months - 1
    return Period(kind, year, part, dt.date(year, first, 1), last_day_of_month(year, last))
