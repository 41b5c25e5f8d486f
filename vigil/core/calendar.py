"""The calendar: deadlines, meetings and review dates, from every source that registers.

Every app that has dates registers a source in its ``ready()`` (tasks, meetings and
report obligations today); work's calendar page and private iCalendar feed read
``items_for(user, start, end)``, so a source never imports the others and an app
below work (sites) can put its dates on the calendar without importing work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vigil.org.scope import Viewer


@dataclass(frozen=True)
class CalendarItem:
    """One dated thing on a user's calendar."""

    uid: str  # stable across feeds: "<kind>-<pk>@vigil"
    kind: str  # "task", "meeting", "report"
    title: str
    url: str  # the object's page, relative to the site
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None = None
    # The private feed shows titles of unclassified items only.
    classification: int = 0


CalendarSource = Callable[[Any, dt.date, dt.date], Iterable[CalendarItem]]

_SOURCES: dict[str, CalendarSource] = {}


def register_source(name: str, source: CalendarSource) -> None:
    """Add a source; ``source(user, start, end)`` yields what the user may see in [start, end]."""
    _SOURCES[name] = source


def items_for(user: Viewer, start: dt.date, end: dt.date) -> list[CalendarItem]:
    items = [item for source in _SOURCES.values() for item in source(user, start, end)]
    return sorted(items, key=lambda i: (_as_datetime(i.start), i.title))


def _as_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time.min)
