"""Period arithmetic: month ends, quarters, half-years, a due day of 31, February,
leap years, the year boundary, and working days across Tết."""

from __future__ import annotations

import datetime as dt

import pytest

from vigil.core.audit import SystemActor
from vigil.core.workdays import seed_holidays
from vigil.work.obligations.periods import (
    due_date,
    next_period,
    period_containing,
    period_label,
    periods_from,
)

D = dt.date


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        ("monthly", D(2026, 1, 31), (D(2026, 1, 1), D(2026, 1, 31))),
        ("monthly", D(2026, 2, 14), (D(2026, 2, 1), D(2026, 2, 28))),
        ("monthly", D(2028, 2, 29), (D(2028, 2, 1), D(2028, 2, 29))),  # leap year
        ("monthly", D(2026, 4, 30), (D(2026, 4, 1), D(2026, 4, 30))),
        ("monthly", D(2026, 12, 31), (D(2026, 12, 1), D(2026, 12, 31))),
        ("quarterly", D(2026, 2, 28), (D(2026, 1, 1), D(2026, 3, 31))),
        ("quarterly", D(2026, 6, 30), (D(2026, 4, 1), D(2026, 6, 30))),
        ("quarterly", D(2026, 7, 1), (D(2026, 7, 1), D(2026, 9, 30))),
        ("quarterly", D(2026, 11, 25), (D(2026, 10, 1), D(2026, 12, 31))),
        ("half_yearly", D(2026, 6, 30), (D(2026, 1, 1), D(2026, 6, 30))),
        ("half_yearly", D(2026, 7, 1), (D(2026, 7, 1), D(2026, 12, 31))),
        ("yearly", D(2026, 7, 15), (D(2026, 1, 1), D(2026, 12, 31))),
    ],
)
def test_the_period_containing_a_day(
    kind: str, day: dt.date, expected: tuple[dt.date, dt.date]
) -> None:
    assert period_containing(kind, day) == expected


def test_a_custom_period_is_its_own_dates() -> None:
    dates = (D(2026, 3, 10), D(2026, 4, 15))
    assert period_containing("custom", D(2026, 3, 20), custom=dates) == dates
    with pytest.raises(ValueError):
        period_containing("custom", D(2026, 3, 20))


def test_next_periods_cross_the_year() -> None:
    assert next_period("monthly", D(2026, 12, 1)) == (D(2027, 1, 1), D(2027, 1, 31))
    assert next_period("quarterly", D(2026, 10, 1)) == (D(2027, 1, 1), D(2027, 3, 31))
    assert next_period("half_yearly", D(2026, 7, 1)) == (D(2027, 1, 1), D(2027, 6, 30))
    assert next_period("yearly", D(2026, 1, 1)) == (D(2027, 1, 1), D(2027, 12, 31))
    months = periods_from("monthly", D(2026, 11, 15), D(2027, 2, 1))
    assert [p[0] for p in months] == [D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1), D(2027, 2, 1)]


@pytest.mark.parametrize(
    ("end", "day", "expected"),
    [
        (D(2026, 1, 31), 20, D(2026, 2, 20)),
        (D(2026, 1, 31), 31, D(2026, 2, 28)),  # February has no 31st
        (D(2026, 1, 31), 29, D(2026, 2, 28)),  # nor a 29th in 2026
        (D(2028, 1, 31), 31, D(2028, 2, 29)),  # leap year
        (D(2028, 1, 31), 30, D(2028, 2, 29)),
        (D(2026, 3, 31), 31, D(2026, 4, 30)),  # a 30-day month
        (D(2026, 4, 30), 31, D(2026, 5, 31)),
        (D(2026, 12, 31), 20, D(2027, 1, 20)),  # year boundary
        (D(2026, 12, 31), 31, D(2027, 1, 31)),
        (D(2026, 3, 31), 15, D(2026, 4, 15)),  # quarter end
        (D(2026, 6, 30), 31, D(2026, 7, 31)),  # half-year end
    ],
)
def test_a_due_day_of_the_next_month_clamps_to_its_last_day(
    end: dt.date, day: int, expected: dt.date
) -> None:
    assert due_date(end, "day_of_next_month", day) == expected


@pytest.mark.django_db
def test_working_days_after_the_period_skip_weekends_and_tet_2027() -> None:
    seed_holidays([2026, 2027], actor=SystemActor("test"))
    # November 2026 ends on a Monday: 5 working days later is Monday 7 December.
    assert due_date(D(2026, 11, 30), "working_days_after", 5) == D(2026, 12, 7)
    # January 2027 ends on a Sunday; Tết closes 4–10 February 2027.
    assert due_date(D(2027, 1, 31), "working_days_after", 3) == D(2027, 2, 3)
    assert due_date(D(2027, 1, 31), "working_days_after", 5) == D(2027, 2, 12)


def test_labels() -> None:
    from django.utils import translation

    with translation.override("en"):
        assert period_label("monthly", D(2026, 2, 1), D(2026, 2, 28)) == "Month 2/2026"
        assert period_label("quarterly", D(2026, 10, 1), D(2026, 12, 31)) == "Quarter IV/2026"
        assert period_label("half_yearly", D(2026, 7, 1), D(2026, 12, 31)) == (
            "Second half of 2026"
        )
        assert period_label("yearly", D(2026, 1, 1), D(2026, 12, 31)) == "Year 2026"
        assert period_label("custom", D(2026, 3, 10), D(2026, 4, 5)) == "10/03/2026 to 05/04/2026"
