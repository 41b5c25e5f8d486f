"""A report's period: its days, its Vietnamese name, the one after it (across a year's
end, and after the last year a report may be drafted for), and the refusals in words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from vigil.reports.periods import period_of


def test_each_kind_of_period_has_its_days_and_name() -> None:
    half = period_of("six_month", 2026, 2)
    assert (half.start, half.end, half.label) == (
        dt.date(2026, 7, 1), dt.date(2026, 12, 31), "6 tháng cuối năm 2026"
    )  # fmt: skip
    february = period_of("monthly", 2028, 2)
    assert february.end == dt.date(2028, 2, 29) and february.label == "tháng 2 năm 2028"
    assert period_of("quarterly", 2026, 4).label == "quý IV năm 2026"
    assert period_of("annual", 2026, 7).part == 0  # a year has no part


def test_the_next_period_crosses_the_year_and_the_last_year() -> None:
    assert period_of("quarterly", 2026, 4).next().start == dt.date(2027, 1, 1)
    assert period_of("monthly", 2026, 11).next().label == "tháng 12 năm 2026"
    assert period_of("annual", 2100).next().year == 2101


@pytest.mark.parametrize(("kind", "year", "part", "field"), [
    ("weekly", 2026, 1, "kind"), ("annual", 1999, 0, "year"), ("monthly", 2026, 0, "part"),
    ("quarterly", 2026, 5, "part"),
])  # fmt: skip
def test_a_period_that_is_none_is_refused_by_field(
    kind: str, year: int, part: int, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        period_of(kind, year, part)
    assert field in caught.value.message_dict
