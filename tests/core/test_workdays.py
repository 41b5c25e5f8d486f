"""Working days: weekends and the holiday table off, declared make-up days on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from vigil.core.audit import SystemActor
from vigil.core.models import Holiday
from vigil.core.workdays import (
    add_working_days,
    add_working_time,
    create_holiday,
    is_working_day,
    package_holidays,
    seed_holidays,
    working_days_between,
)

pytestmark = pytest.mark.django_db
D = dt.date
SYSTEM = SystemActor("test")


@pytest.fixture(autouse=True)
def seeded(db: None) -> None:
    seed_holidays([2026, 2027], actor=SYSTEM)


def test_the_seed_has_tet_and_the_declared_make_up_saturday() -> None:
    assert Holiday.objects.get(date=D(2027, 2, 6)).kind == Holiday.Kind.HOLIDAY
    assert "Tết" in Holiday.objects.get(date=D(2027, 2, 6)).name
    assert Holiday.objects.get(date=D(2026, 8, 22)).kind == Holiday.Kind.MAKEUP_WORKDAY
    assert any(kind == "makeup_workday" for _d, _n, kind in package_holidays(2026))


def test_seeding_again_adds_nothing_and_keeps_edits() -> None:
    row = Holiday.objects.get(date=D(2027, 9, 2))
    Holiday.objects.filter(pk=row.pk).update(name="Quốc khánh (đã sửa)")
    result = seed_holidays([2027], actor=SYSTEM)
    assert result.created == 0 and result.kept > 10
    assert Holiday.objects.get(date=D(2027, 9, 2)).name == "Quốc khánh (đã sửa)"


def test_weekends_holidays_and_make_up_days() -> None:
    assert is_working_day(D(2027, 2, 3))  # Wednesday
    assert not is_working_day(D(2027, 2, 4))  # 29 Tết, a Thursday
    assert not is_working_day(D(2027, 1, 30))  # Saturday
    assert is_working_day(D(2026, 8, 22))  # make-up Saturday


def test_add_working_days_skips_tet() -> None:
    # Three working days after Wednesday 03/02/2027: Thursday 11, Friday 12, Monday 15.
    assert add_working_days(D(2027, 2, 3), 3) == D(2027, 2, 15)
    assert add_working_days(D(2027, 2, 15), -3) == D(2027, 2, 3)
    assert add_working_days(D(2027, 2, 3), 0) == D(2027, 2, 3)
    assert working_days_between(D(2027, 2, 3), D(2027, 2, 15)) == 3
    assert working_days_between(D(2027, 2, 15), D(2027, 2, 3)) == -3
    # The make-up Saturday counts: Friday 21/08/2026 + 1 is Saturday 22/08.
    assert add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 22)


def test_a_long_count_crosses_the_search_window() -> None:
    end = add_working_days(D(2026, 1, 2), 300)
    assert working_days_between(D(2026, 1, 2), end) == 300


def test_working_time_stops_over_the_weekend() -> None:
    utc = dt.UTC
    # Friday 29/01/2027 03:00 UTC = 10:00 in Vietnam; +24 h of working time = Monday 10:00.
    start = dt.datetime(2027, 1, 29, 3, tzinfo=utc)
    assert add_working_time(start, dt.timedelta(hours=24)) == dt.datetime(2027, 2, 1, 3, tzinfo=utc)


def test_a_date_already_in_the_table_is_refused_in_vietnamese() -> None:
    before = Holiday.objects.count()
    with pytest.raises(ValidationError) as info:
        create_holiday(day=D(2027, 2, 6), name="Trùng", kind="holiday", actor=SYSTEM)
    assert "Ngày này đã có trong bảng ngày nghỉ." in str(info.value)
    assert Holiday.objects.count() == before
