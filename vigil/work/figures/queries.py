"""The work figures of a committee (and the committees below it) over a period (both
days included), as a viewer sees them: what the summary reports' sections on leadership,
coordination, report obligations and next period's tasks count, and what the work
figures page and API show.

Counted, everything read through the scope rule (``visible_to``):

- documents issued: by ``issue_date`` in the period, by type;
- meetings held: ``held_on`` in the period and not after ``as_of`` (a meeting planned
  later is not held yet), by kind, with their conclusion points;
- work plans: those of the period's year (``WorkPlan.year``), with their items;
- tasks: assigned (``assigned_on``) in the period, not cancelled. As the scorecard
  (``vigil.work.scorecard``) counts them: done = accepted by the issuing committee; on
  time = accepted with ``days_late`` ≤ 0, late = accepted with ``days_late`` > 0;
  reported done and awaiting acceptance apart; open = assigned, acknowledged or in
  progress; overdue = open and past the deadline on ``as_of``; the acknowledgement time
  is the hours from the task's creation to its first acknowledgement (its timeline);
- ``as_of``: the period's last day or today, whichever is earlier;
- incoming documents received: ``received_at`` (local day) in the period; documents
  sent: issued documents of the period sent to at least one agency of the directory;
  exchanged = sent + received;
- report obligations: the report periods (of the committee's obligations and those of
  the committees below it) whose deadline falls in the period, up to ``as_of``: each
  unit's report expected; on time = submitted (or accepted) no later than the due day,
  late = submitted after it, not submitted = still a draft or returned;
- indicator values: the committee's own obligations only (a child committee's figures
  reach it through its consolidated report), the report periods ending in the period,
  accepted reports only, the whole-number indicators summed (``sum``): counts, never
  about named people.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from vigil.core import clock
from vigil.org.models import Committee
from vigil.org.scope import Viewer
from vigil.work.documents.models import IncomingDocument, IssuedDocument
from vigil.work.obligations.models import (
    OPEN_STATES,
    Aggregation,
    IndicatorKind,
    ReportPeriod,
    ReportSubmission,
    SubmissionState,
)
from vigil.work.records.models import ConclusionPoint, Meeting, WorkPlan, WorkPlanItem
from vigil.work.tasks.models import Task, TaskEvent


@dataclass(frozen=True)
class AgencyTasks:
    agency: str
    assigned: int = 0
    on_time: int = 0
    late: int = 0
    awaiting: int = 0
    open: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class MissingReport:
    period: str  # "Báo cáo tháng … — tháng 10/2026"
    due_on: dt.date
    unit: str  # an agency's or a committee's name, never a person's


@dataclass(frozen=True)
class IndicatorTotal:
    code: str
    label: str
    unit: str
    value: int
    reports: int  # accepted reports that answered it


@dataclass(frozen=True)
class Deadline:
    kind: str  # "task" or "report"
    due_on: dt.date
    title: str
    unit: str


@dataclass(frozen=True)
class WorkFigures:
    committee_id: int
    committee_name: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    # leadership and direction
    documents_by_type: dict[str, int]
    meetings_by_kind: dict[str, int]
    conclusion_points: int
    plans: list[tuple[str, int]]  # the year's work plans: (title, items)
    review_meeting: str  # the annual review conference held in the period ("" if none)
    # coordination and information exchange
    agencies: list[AgencyTasks]
    ack_median_hours: float | None
    incoming_received: int
    documents_sent: int
    # report obligations
    reports_expected: int
    reports_on_time: int
    reports_late: int
    reports_missing: int
    missing: list[MissingReport]
    indicators: list[IndicatorTotal]
    # the highest classification counted, per part
    levels: dict[str, int] = field(default_factory=dict)

    @property
    def documents_issued(self) -> int:
        return sum(self.documents_by_type.values())

    @property
    def meetings(self) -> int:
        return sum(self.meetings_by_kind.values())

    def total(self, name: str) -> int:
        return sum(int(getattr(a, name)) for a in self.agencies)

    @property
    def documents_exchanged(self) -> int:
        return self.documents_sent + self.incoming_received

    @property
    def classification(self) -> int:
        return max(self.levels.values(), default=0)


def _tree(queryset: QuerySet[Any], committee: Committee, prefix: str = "") -> QuerySet[Any]:
    return queryset.filter(**{f"{prefix}owning_committee__path__startswith": committee.path})


def _level(queryset: QuerySet[Any], name: str = "classification") -> int:
    return int(queryset.aggregate(level=Max(name))["level"] or 0)


def _day_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def as_of_day(end: dt.date, today: dt.date | None = None) -> dt.date:
    return min(end, today or clock.today())


def work_figures(
    viewer: Viewer, *, committee: Committee, start: dt.date, end: dt.date
) -> WorkFigures:
    """The figures of ``committee`` and the committees below it from ``start`` to ``end``."""
    as_of = as_of_day(end)
    levels: dict[str, int] = {}
    docs = _tree(IssuedDocument.objects.visible_to(viewer), committee).filter(
        issue_date__range=(start, end)
    )
    by_type = Counter(dict(docs.values_list("doc_type").annotate(n=Count("pk")).order_by()))
    meetings = _tree(Meeting.objects.visible_to(viewer), committee).filter(
        held_on__gte=start, held_on__lte=as_of
    )
    by_kind = Counter(dict(meetings.values_list("kind").annotate(n=Count("pk")).order_by()))
    points = ConclusionPoint.objects.filter(meeting__in=meetings.values("pk")).count()
    plans = _tree(WorkPlan.objects.visible_to(viewer), committee).filter(year=start.year)
    review = meetings.filter(reviews_year__isnull=False).order_by("held_on", "pk").first()
    levels["leadership"] = max(_level(docs), _level(meetings), _level(plans))
    tasks = (
        _tree(Task.objects.visible_to(viewer), committee)
        .filter(assigned_on__range=(start, end))
        .exclude(state=Task.State.CANCELLED)
    )
    levels["coordination"] = _level(tasks)
    received = _tree(IncomingDocument.objects.visible_to(viewer), committee).filter(
        received_at__range=_day_range(start, end)
    )
    sent = docs.filter(recipients__isnull=False).distinct()
    levels["coordination"] = max(levels["coordination"], _level(received), _level(sent))
    reports = _report_figures(viewer, committee, start, end, as_of)
    levels["indicators"] = reports.pop("level")
    return WorkFigures(
        committee_id=committee.pk, committee_name=committee.name, start=start, end=end,
        as_of=as_of, documents_by_type=dict(by_type), meetings_by_kind=dict(by_kind),
        conclusion_points=points,
        plans=[(p.title, p.n) for p in plans.annotate(n=Count("items")).order_by("pk")],
        review_meeting=review.title if review else "",
        agencies=_agency_tasks(tasks, as_of), ack_median_hours=_ack_median(tasks),
        incoming_received=received.count(), documents_sent=sent.count(),
        levels=levels, **reports,
    )  # fmt: skip


def _agency_tasks(tasks: QuerySet[Task], as_of: dt.date) -> list[AgencyTasks]:
    rows = (
        tasks.values("assignee__name")
        .annotate(
            assigned=Count("pk"),
            on_time=Count("pk", filter=Q(state=Task.State.ACCEPTED, days_late__lte=0)),
            late=Count("pk", filter=Q(state=Task.State.ACCEPTED, days_late__gt=0)),
            awaiting=Count("pk", filter=Q(state=Task.State.DONE)),
            open=Count("pk", filter=Q(state__in=Task.OPEN_STATES)),
            overdue=Count("pk", filter=Q(state__in=Task.OPEN_STATES, deadline__lt=as_of)),
        )
        .order_by("assignee__name")
    )
    return [
        AgencyTasks(agency=r.pop("assignee__name"), **r)
        for r in sorted(rows, key=lambda r: r["assignee__name"])
    ]


def _ack_median(tasks: QuerySet[Task]) -> float | None:
    """The median of the hours from each task's creation to its first acknowledgement."""
    first = (
        TaskEvent.objects.filter(task__in=tasks.values("pk"), type=TaskEvent.Type.ACKNOWLEDGED)
        .values("task_id")
        .annotate(at=Min("at"))
        .order_by()
    )
    acked = {row["task_id"]: row["at"] for row in first}
    if not acked:
        return None
    created = dict(Task.objects.filter(pk__in=list(acked)).values_list("pk", "created_at"))
    hours = [max(0.0, (at - created[pk]).total_seconds() / 3600) for pk, at in acked.items()]
    return round(float(statistics.median(hours)), 1)


def _report_figures(
    viewer: Viewer, committee: Committee, start: dt.date, end: dt.date, as_of: dt.date
) -> dict[str, Any]:
    periods = _tree(ReportPeriod.objects.visible_to(viewer), committee, "obligation__")
    due = periods.filter(due_on__range=(start, as_of))
    subs = list(
        ReportSubmission.objects.filter(period__in=due.values("pk"))
        .select_related("agency", "committee", "period", "obligation")
        .order_by("due_on", "obligation__title", "pk")
    )
    on_time = late = 0
    missing: list[MissingReport] = []
    for s in subs:
        if s.state in OPEN_STATES or s.submitted_at is None:
            missing.append(MissingReport(f"{s.obligation.title} — {s.period.label}", s.due_on,
                                         s.unit_name))  # fmt: skip
        elif timezone.localdate(s.submitted_at) <= s.due_on:
            on_time += 1
        else:
            late += 1
    level = _level(due, "obligation__classification")
    own = periods.filter(obligation__owning_committee=committee, ends_on__range=(start, end))
    level = max(level, _level(own, "obligation__classification"))
    return {
        "reports_expected": len(subs), "reports_on_time": on_time, "reports_late": late,
        "reports_missing": len(missing), "missing": missing,
        "indicators": _indicator_totals(own), "level": level,
    }  # fmt: skip


def _indicator_totals(periods: QuerySet[ReportPeriod]) -> list[IndicatorTotal]:
    from vigil.work.obligations.models import Indicator

    indicators = Indicator.objects.filter(
        template__in=periods.values("template"), kind=IndicatorKind.INTEGER,
        aggregation=Aggregation.SUM,
    ).order_by("order", "pk")  # fmt: skip
    wanted: dict[str, tuple[str, str]] = {}
    for ind in indicators:
        wanted.setdefault(ind.code, (ind.label, ind.unit))
    sums: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    accepted = ReportSubmission.objects.filter(
        period__in=periods.values("pk"), state=SubmissionState.ACCEPTED
    ).values_list("values", flat=True)
    for values in accepted:
        for code in wanted:
            value = (values or {}).get(code)
            if isinstance(value, int) and not isinstance(value, bool):
                sums[code] += value
                answered[code] += 1
    return [
        IndicatorTotal(code, label, unit, sums[code], answered[code])
        for code, (label, unit) in wanted.items()
    ]


# --- the next period, and the records a summary report reads


def review_conference(viewer: Viewer, committee: Committee, year: int) -> Meeting | None:
    """The committee's annual review conference (hội nghị tổng kết) of ``year``: the meeting
    marked as reviewing that year (held in the year or early in the next)."""
    return (
        Meeting.objects.visible_to(viewer)
        .filter(owning_committee=committee, reviews_year=year)
        .order_by("held_on", "pk")
        .first()
    )


def work_plan_of(viewer: Viewer, committee: Committee, year: int) -> WorkPlan | None:
    """The committee's own work plan of ``year``, if it has one the viewer sees."""
    return WorkPlan.objects.visible_to(viewer).filter(owning_committee=committee, year=year).first()


def plan_items(plan: WorkPlan) -> list[str]:
    return list(
        WorkPlanItem.objects.filter(plan=plan).order_by("order").values_list("text", flat=True)
    )


@dataclass(frozen=True)
class Deadlines:
    tasks: list[Deadline]
    reports: list[Deadline]
    classification: int


def deadlines_between(
    viewer: Viewer, *, committee: Committee, start: dt.date, end: dt.date
) -> Deadlines:
    """What falls due from ``start`` to ``end``: open tasks (by agency) and report periods."""
    tasks = _tree(Task.objects.visible_to(viewer), committee).filter(
        state__in=Task.OPEN_STATES, deadline__range=(start, end)
    )
    periods = _tree(ReportPeriod.objects.visible_to(viewer), committee, "obligation__").filter(
        due_on__range=(start, end)
    )
    return Deadlines(
        tasks=[Deadline("task", t.deadline, t.title, t.assignee.name)
               for t in tasks.select_related("assignee").order_by("deadline", "pk")],
        reports=[Deadline("report", p.due_on, p.obligation.title, p.label)
                 for p in periods.select_related("obligation").order_by("due_on", "pk")],
        classification=max(_level(tasks), _level(periods, "obligation__classification")),
    )  # fmt: skip
