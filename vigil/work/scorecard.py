"""Per-agency scorecards: assigned, done, reported and awaiting acceptance, done on
time, overdue, median days late. Done means accepted by the committee that issued
the task; a task the agency reported done is counted apart until it is accepted.

Computed from the tasks the user may see, so an agency sees its own figures and
the standing office sees every agency it assigned to.

A scorecard is marked with the highest classification among the tasks it
counts: how many secret tasks an agency has, and how late, is derived from
them (DESIGN: a derived object is at least as classified as what it contains).
Only tasks the user may see are counted, so the mark never exceeds their
clearance, and a scorecard of unclassified tasks stays unmarked."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils.translation import gettext as _

from vigil.core import audit, clock, statistics
from vigil.core.xlsx import Sheet
from vigil.org.models import Agency
from vigil.org.scope import Viewer
from vigil.work.models import Task


@dataclass(frozen=True)
class Row:
    agency: Agency
    assigned: int
    done: int  # accepted
    awaiting: int  # reported done, not yet accepted
    on_time: int
    overdue: int
    median_days_late: float | None
    classification: int = 0  # the highest among the tasks counted in this row

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.done) if self.done else None


def scorecard(user: Viewer, *, committee_id: int | None = None) -> list[Row]:
    today = clock.today()
    tasks = Task.objects.exclude(state=Task.State.CANCELLED)
    if committee_id is not None:
        tasks = tasks.filter(owning_committee_id=committee_id)
    figures: dict[int, _Figures] = {}
    owned, rest = tasks.visible_in_parts(user)
    for group in [
        *_groups(owned, today, F("owning_committee_id"), F("assignee_id")),
        *_groups(rest, today, F("owning_committee_id") + 0, F("assignee_id") + 0),
    ]:
        figures.setdefault(group["agency"], _Figures()).add(group)
    agencies = Agency.objects.in_bulk(list(figures))
    rows = [
        Row(agency=agencies[agency_id], assigned=f.assigned, done=f.done, awaiting=f.awaiting,
            on_time=f.on_time,
            overdue=f.overdue, median_days_late=_median(f.late), classification=f.level)
        for agency_id, f in figures.items()
    ]  # fmt: skip
    return sorted(rows, key=lambda r: r.agency.name)


def _groups(tasks: QuerySet[Task], today: dt.date, committee: Any, agency: Any) -> Any:
    """Tasks counted by committee, agency, state and days late: a few hundred groups.

    What a committee owns is grouped on plain columns, in the order of
    ``work_task_scorecard_idx``, which covers every column read: the database walks
    that index once, with no sort. The rest is grouped on ``column + 0``, so that
    SQLite finds it through the agency indexes instead of walking that one in order."""
    return (
        tasks.values(group_committee=committee, agency=agency, group_state=F("state"),
                     group_late=F("days_late"))
        .annotate(tasks=Count("deadline"), overdue=Count("deadline", filter=Q(deadline__lt=today)),
                  level=Max("classification"))
        .order_by()
    )  # fmt: skip


@dataclass
class _Figures:
    assigned: int = 0
    done: int = 0
    awaiting: int = 0
    on_time: int = 0
    overdue: int = 0
    late: Counter[int] = field(default_factory=Counter)  # days late -> tasks
    level: int = 0  # the highest classification among the tasks counted

    def add(self, group: dict[str, Any]) -> None:
        count, days_late = group["tasks"], group["group_late"]
        self.assigned += count
        self.level = max(self.level, group["level"] or 0)
        if group["group_state"] in Task.OPEN_STATES:
            self.overdue += group["overdue"]
        elif group["group_state"] == Task.State.DONE:
            self.awaiting += count
        elif group["group_state"] == Task.State.ACCEPTED:
            self.done += count
            if days_late is not None and days_late <= 0:
                self.on_time += count
            elif days_late is not None:
                self.late[days_late] += count


def _median(counts: Counter[int]) -> float | None:
    """The median of the values counted in ``counts``, as ``statistics.median`` gives it."""
    total = counts.total()
    if not total:
        return None
    middle: list[int] = []
    seen = 0
    for value in sorted(counts):
        before, seen = seen, seen + counts[value]
        for position in ((total - 1) // 2, total // 2):
            if before <= position < seen:
                middle.append(value)
    low, high = middle[0], middle[-1]
    return low if low == high else (low + high) / 2


def classification(rows: list[Row]) -> int:
    """The level a scorecard of these rows is marked with."""
    return max((r.classification for r in rows), default=0)


def headers() -> list[str]:
    return [_("Agency"), _("Assigned"), _("Done (accepted)"),
            _("Reported done, awaiting acceptance"), _("Done on time"), _("Overdue"),
            _("Median days late")]  # fmt: skip


def refresh_statistics(now: dt.datetime) -> int:
    """The ``work.statistics`` sweep: SQLite's planner learns how tasks are spread, or it
    walks the scorecard's index row by row for a single agency's tasks."""
    return statistics.analyse(Task)


def sheet(rows: list[Row], *, headers: list[str], title: str) -> Sheet:
    return Sheet(
        title=title,
        headers=headers,
        rows=[
            [r.agency.name, r.assigned, r.done, r.awaiting, r.on_time, r.overdue,
             r.median_days_late if r.median_days_late is not None else ""]
            for r in rows
        ],
    )  # fmt: skip


def record_view(user: Any, rows: list[Row], *, path: str, committee_id: int | None) -> None:
    """One audit event for a scorecard marked classified (page, API, .xlsx, command
    line alike): it is derived from classified tasks, so reading it is audited like
    reading them. An unmarked scorecard records nothing."""
    level = classification(rows)
    if not level:
        return
    with transaction.atomic():
        audit.record(
            audit.CoreAction.OBJECT_VIEWED, actor=user, object_type="page",
            object_id=path[:64], classification=level, committee_id=committee_id,
            after={"path": path, "committee": committee_id,
                   "shown": sorted(f"org.agency:{r.agency.pk}" for r in rows if r.classification)},
        )  # fmt: skip
