"""Period arithmetic: which period contains a day, when it is due, what it is called.

Pure functions of dates (the working-day rule reads the holiday table). A
period is [start, end], both days included. Monthly, quarterly, half-yearly and
yearly periods follow the calendar; a custom obligation has one period, its own
dates. A due day of the month after the period that the month does not have
(31 in April, 30 in February) is that month's last day.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils.translation import gettext as _

from vigil.core import workdays

MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
ROMAN = ["I", "II", "III", "IV"]


def last_day_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def period_containing(
    kind: str, day: dt.date, *, custom: tuple[dt.date, dt.date] | None = None
) -> tuple[dt.date, dt.date]:
    """The period of ``kind`` that contains ``day``."""
    if kind == "custom":
        if custom is None:
            raise ValueError("a custom period needs its dates")
        return custom
    months = MONTHS_PER_PERIOD[kind]
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    end_year, end_month = _add_months(day.year, first_month, months - 1)
    return start, last_day_of_month(end_year, end_month)


def next_period(kind: str, start: dt.date) -> tuple[dt.date, dt.date]:
    """The period after the one starting on ``start`` (not for custom periods)."""
    year, month = _add_months(start.year, start.month, MONTHS_PER_PERIOD[kind])
    return period_containing(kind, dt.date(year, month, 1))


def periods_from(kind: str, first_day: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Every period from the one containing ``first_day`` to the one containing ``until``."""
    if kind == "custom":
        raise ValueError("a custom obligation has one period")
    found: list[tuple[dt.date, dt.date]] = []
    period = period_containing(kind, first_day)
    while period[0] <= until:
        found.append(period)
        period = next_period(kind, period[0])
    return found


def due_date(period_end: dt.date, rule: str, day: int) -> dt.date:
    """When a period's reports are due.

    ``day_of_next_month``: that day of the month after the period ends, clamped
    to the month's last day; ``working_days_after``: the ``day``-th working day
    after the period ends (``core.workdays``: weekends, holidays and make-up days).
    """
    if rule == "working_days_after":
        return workdays.add_working_days(period_end, day)
    if rule != "day_of_next_month":
        raise ValueError(f"unknown due rule {rule!r}")
    year, month = _add_months(period_end.year, period_end.month, 1)
    last = last_day_of_month(year, month)
    return last if day >= last.day else dt.date(year, month, day)


def period_label(kind: str, start: dt.date, end: dt.date) -> str:
    if kind == "monthly":
        return _("Month %(month)d/%(year)d") % {"month": start.month, "year": start.year}
    if kind == "quarterly":
        quarter = ROMAN[(start.month - 1) // 3]
        return _("Quarter %(quarter)s/%(year)d") % {"quarter": quarter, "year": start.year}
    if kind == "half_yearly":
        if start.month == 1:
            return _("First half of %(year)d") % {"year": start.year}
        return _("Second half of %(year)d") % {"year": start.year}
    if kind == "yearly":
        return _("Year %(year)d") % {"year": start.year}
    return _("%(start)s to %(end)s") % {
        "start": start.strftime("%d/%m/%Y"),
        "end": end.strftime("%d/%m/%Y"),
    }
