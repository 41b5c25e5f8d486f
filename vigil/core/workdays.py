"""Working days: weekends and the holiday table off, declared make-up days on.

A working day is Monday to Friday, unless the ``Holiday`` table marks it a day
off; a Saturday or Sunday the table marks a make-up working day (*ngày làm bù*)
is a working day. Dates are Vietnam dates.

Counting conventions (one for every app):

- ``add_working_days(day, n)`` is the n-th working day after ``day`` (``day``
  itself not counted; n = 0 gives ``day``; negative n counts back).
- ``working_days_between(a, b)`` counts working days d with a < d <= b, so
  ``working_days_between(a, add_working_days(a, n)) == n``.
- ``add_working_time(start, delta)`` (escalation delays): time counts only
  while it is a working day in Vietnam, all 24 hours of it; the clock stops
  over weekends and holidays and starts again at 00:00 of the next working day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigil.core import audit
from vigil.core.models import Holiday


class WorkdayAction(models.TextChoices):
    HOLIDAY_ADDED = "holiday.added", _("Holiday added")
    HOLIDAY_DELETED = "holiday.deleted", _("Holiday deleted")
    HOLIDAYS_SEEDED = "holidays.seeded", _("Holidays seeded")


audit.register_actions(WorkdayAction)

_SEARCH_DAYS = 400  # one query covers any realistic deadline; longer ones load again


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _table(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    rows = Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    return dict(rows)


def _working(day: dt.date, table: dict[dt.date, str]) -> bool:
    kind = table.get(day)
    if kind == Holiday.Kind.HOLIDAY:
        return False
    if kind == Holiday.Kind.MAKEUP_WORKDAY:
        return True
    return day.weekday() < 5


def is_working_day(day: dt.date) -> bool:
    return _working(day, _table(day, day))


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day`` (before it when n < 0)."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    current = day
    while remaining:
        window = dt.timedelta(days=_SEARCH_DAYS)
        lo, hi = (current, current + window) if step > 0 else (current - window, current)
        table = _table(lo, hi)
        while remaining and lo <= current + dt.timedelta(days=step) <= hi:
            current += dt.timedelta(days=step)
            if _working(current, table):
                remaining -= 1
    return current


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days d with a < d <= b (negative when b is before a)."""
    if b < a:
        return -working_days_between(b, a)
    table = _table(a, b)
    return sum(1 for i in range(1, (b - a).days + 1) if _working(a + dt.timedelta(days=i), table))


def add_working_time(start: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """``start`` plus ``delta`` of working time (24 h of each working day; see above)."""
    zone = _zone()
    local = start.astimezone(zone)
    remaining = delta
    day = local.date()
    window_end = day + dt.timedelta(days=_SEARCH_DAYS)
    table = _table(day, window_end)
    while True:
        if day > window_end:
            window_end = day + dt.timedelta(days=_SEARCH_DAYS)
            table = _table(day, window_end)
        next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
        begin = local if day == local.date() else dt.datetime.combine(day, dt.time(), zone)
        if _working(day, table):
            available = next_midnight - begin
            if remaining <= available:
                return (begin + remaining).astimezone(dt.UTC)
            remaining -= available
        day += dt.timedelta(days=1)


# --- The table: seeded from the ``holidays`` package, then edited.


@dataclass
class SeedResult:
    created: int
    kept: int


def package_holidays(year: int) -> list[tuple[dt.date, str, str]]:
    """Vietnam's days off and make-up working days of ``year``, as the package knows them."""
    import holidays

    calendar = holidays.country_holidays("VN", years=[year], language="vi")
    rows = [(day, str(name), Holiday.Kind.HOLIDAY.value) for day, name in calendar.items()]
    makeup: set[dt.date] = set(getattr(calendar, "weekend_workdays", set()))
    rows += [
        (day, "Ngày làm bù", Holiday.Kind.MAKEUP_WORKDAY.value)
        for day in makeup
        if day.year == year
    ]
    return sorted(rows)


def seed_holidays(years: Iterable[int], *, actor: audit.SystemActor | object) -> SeedResult:
    """Add the package's dates that the table does not have; edited rows stay as they are."""
    created = kept = 0
    with transaction.atomic():
        for year in sorted(set(years)):
            rows = package_holidays(year)
            existing = set(Holiday.objects.filter(date__year=year).values_list("date", flat=True))
            new = [Holiday(date=d, name=n[:200], kind=k) for d, n, k in rows if d not in existing]
            Holiday.objects.bulk_create(new)
            created += len(new)
            kept += len(rows) - len(new)
        if created:
            audit.record(
                WorkdayAction.HOLIDAYS_SEEDED,
                actor=actor,  # type: ignore[arg-type]
                object_type="core.holiday",
                after={"years": sorted(set(years)), "created": created},
            )
    return SeedResult(created=created, kept=kept)


def create_holiday(*, day: dt.date, name: str, kind: str, actor: object) -> Holiday:
    """Add one row. The caller has checked the actor may (org's administrators)."""
    message = gettext("This date is already in the holiday table.")
    if Holiday.objects.filter(date=day).exists():
        raise ValidationError({"date": message})
    holiday = Holiday(date=day, name=name.strip(), kind=kind)
    holiday.full_clean()
    try:
        with transaction.atomic():
            holiday.save()
            audit.record(
                WorkdayAction.HOLIDAY_ADDED,
                actor=actor,  # type: ignore[arg-type]
                obj=holiday,
                after=audit.snapshot(holiday),
            )
    except IntegrityError:  # a concurrent insert of the same date
        raise ValidationError({"date": message}) from None
    return holiday


def delete_holiday(holiday: Holiday, *, actor: object) -> None:
    with transaction.atomic():
        before = audit.snapshot(holiday)
        pk = holiday.pk
        holiday.delete()
        audit.record(
            WorkdayAction.HOLIDAY_DELETED,
            actor=actor,  # type: ignore[arg-type]
            object_type="core.holiday",
            object_id=str(pk),
            before=before,
        )
