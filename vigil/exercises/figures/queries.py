"""The year's figures of trainings and exercises, per committee (and the committees
below it), as a viewer sees them: exercises by type and by status, trainings held,
participants, agencies involved, the share of key sites whose plan was exercised in
the last 12 months, corrective actions by state with the median days to close, and
the plans revised after an exercise.

Counted, per the rule the parts of issue 26 agreed:

- an exercise counts in the year it starts (``starts_on``), unless cancelled (the
  status figures show the cancelled ones apart); its participants, its agencies
  (organising and participating), its corrective actions and its findings count with it;
- a training counts in the year it starts, and only once held (its audience with it);
- a corrective action's state is its task's: closed = reported done or accepted
  (``Task.FINISHED_STATES``), overdue = open and past its deadline, open = not finished
  (overdue ones included); a cancelled task is not counted; days to close = the day
  reported done − the day assigned;
- a key site (active) is exercised when an exercise conducted (not cancelled) from
  ``sites.queries.exercised_since(as_of)`` to ``as_of`` tested one of its plans or the
  site itself; ``as_of`` is 31 December of a past year, today for this year (or a
  future one);
- a plan (one the viewer sees) is revised after an exercise when a finding of that
  year's exercises required its revision and a version of it was approved after the
  finding (a later day, or the same day by a version created after the finding).

Everything is read through the scope rule (``visible_to``) by the database, in a
handful of aggregate queries whatever the number of rows: Python sees sums and, for the
median, one row per distinct number of days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from vigil.core import clock
from vigil.core.expressions import DaysBetween
from vigil.exercises.drills.models import Exercise, ExerciseStatus, ExerciseType, Participant
from vigil.exercises.evaluation.models import CorrectiveAction, Finding
from vigil.exercises.trainings.models import Training, TrainingAudience, TrainingStatus
from vigil.org.models import Committee
from vigil.org.scope import Viewer
from vigil.sites.models import KeySite, Plan, PlanVersion
from vigil.sites.queries import exercised_since
from vigil.work.tasks.models import Task

ACTION_STATES = ("open", "overdue", "closed")


@dataclass(frozen=True)
class ExerciseFigures:
    """One committee's (or everything visible's, ``committee_id`` None) figures of a year."""

    year: int
    committee_id: int | None
    committee_name: str
    # Every type and every status, in their order (zeros included).
    by_type: dict[str, int]
    by_status: dict[str, int]
    exercises: int  # not cancelled
    trainings_held: int
    exercise_participants: int
    training_participants: int
    agencies: int
    sites_exercised: int
    sites_total: int
    exercised_since: dt.date
    sites_as_of: dt.date  # the day the 12 months end on: 31/12 of a past year, else today
    actions_open: int  # overdue ones included
    actions_overdue: int
    actions_closed: int
    median_days_to_close: float | None
    plans_revision_required: int
    plans_revised: int
    # The highest classification among the exercises and trainings counted (the .xlsx stamp).
    classification: int = 0
    today: dt.date = field(default_factory=clock.today)

    @property
    def participants(self) -> int:
        return self.exercise_participants + self.training_participants

    @property
    def sites_exercised_percent(self) -> int | None:
        """Rounded percent of the active key sites; None when there is none."""
        if not self.sites_total:
            return None
        return round(100 * self.sites_exercised / self.sites_total)

    @property
    def actions_total(self) -> int:
        return self.actions_open + self.actions_closed


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def sites_as_of(year: int, today: dt.date) -> dt.date:
    """The day "exercised in the last 12 months" is counted on for ``year``: its last day
    for a past year, today for this year or a future one."""
    return dt.date(year, 12, 31) if year < today.year else today


def _in_committee(queryset: QuerySet[Any], committee: Committee | None) -> QuerySet[Any]:
    if committee is None:
        return queryset
    return queryset.filter(owning_committee__path__startswith=committee.path)


def exercises_of_year(
    viewer: Viewer, year: int, committee: Committee | None = None
) -> QuerySet[Exercise]:
    """The visible exercises starting in ``year`` (cancelled ones included)."""
    first, last = year_bounds(year)
    visible = Exercise.objects.visible_to(viewer).filter(starts_on__gte=first, starts_on__lte=last)
    return _in_committee(visible, committee)


def trainings_held(viewer: Viewer, year: int, committee: Committee | None = None) -> Any:
    first, last = year_bounds(year)
    visible = Training.objects.visible_to(viewer).filter(
        starts_on__gte=first, starts_on__lte=last, status=TrainingStatus.HELD
    )
    return _in_committee(visible, committee)


def exercise_figures(
    viewer: Viewer, year: int, *, committee: Committee | None = None
) -> ExerciseFigures:
    """The figures of ``year`` for ``committee`` and the committees below it (None:
    everything the viewer sees)."""
    today = clock.today()
    all_of_year = exercises_of_year(viewer, year, committee)
    statuses: dict[str, int] = dict.fromkeys(ExerciseStatus.values, 0)
    types: dict[str, int] = dict.fromkeys(ExerciseType.values, 0)
    level, exercise_people = 0, 0
    # One pass: per type and status, the exercises and the people taking part (the
    # join repeats an exercise per participating agency: counted once each).
    for row in all_of_year.values("type", "status").annotate(
        n=Count("pk", distinct=True), people=Sum("participants__people"),
        c=Max("classification"),
    ).order_by():  # fmt: skip
        statuses[row["status"]] += row["n"]
        if row["status"] != ExerciseStatus.CANCELLED:
            types[row["type"]] += row["n"]
            exercise_people += row["people"] or 0
            level = max(level, row["c"] or 0)
    counted_ids = all_of_year.exclude(status=ExerciseStatus.CANCELLED).values("pk")
    trainings = trainings_held(viewer, year, committee)
    held = trainings.aggregate(
        n=Count("pk", distinct=True), people=Sum("audience__participants"),
        c=Max("classification"),
    )  # fmt: skip
    level = max(level, held["c"] or 0)
    training_ids = trainings.values("pk")
    as_of = sites_as_of(year, today)
    exercised, sites_total = site_figures(viewer, committee, as_of)
    actions, median = _action_figures(counted_ids, today)
    plans = _revised_plans(viewer, counted_ids)
    return ExerciseFigures(
        year=year, committee_id=committee.pk if committee else None,
        committee_name=committee.name if committee else "",
        by_type=types, by_status=statuses, exercises=sum(types.values()),
        trainings_held=held["n"], exercise_participants=exercise_people,
        training_participants=held["people"] or 0,
        agencies=_agencies_involved(counted_ids, training_ids),
        sites_exercised=exercised, sites_total=sites_total,
        exercised_since=exercised_since(as_of), sites_as_of=as_of,
        actions_open=actions["open"], actions_overdue=actions["overdue"],
        actions_closed=actions["closed"], median_days_to_close=median,
        plans_revision_required=plans["required"], plans_revised=plans["revised"],
        classification=level, today=today,
    )  # fmt: skip


def _agencies_involved(exercise_ids: Any, training_ids: Any) -> int:
    """Distinct agencies that organised or took part in a counted exercise or training."""
    parts = [
        Participant.objects.filter(exercise__in=exercise_ids).values_list("agency_id"),
        Exercise.objects.filter(pk__in=exercise_ids).values_list("owning_agency_id"),
        TrainingAudience.objects.filter(training__in=training_ids).values_list("agency_id"),
        Training.objects.filter(pk__in=training_ids).values_list("owning_agency_id"),
    ]
    return parts[0].order_by().union(*(p.order_by() for p in parts[1:])).count()


def site_figures(viewer: Viewer, committee: Committee | None, as_of: dt.date) -> tuple[int, int]:
    """(sites exercised, active sites): the active key sites the viewer sees, and those
    an exercise conducted in the 12 months up to ``as_of`` (from ``exercised_since``,
    as the sites app counts, to ``as_of``; not cancelled) tested, through one of their
    plans (one the viewer sees) or directly. From the exercises themselves, not from
    ``Plan.last_exercised_on`` (a plan keeps only its last day), so a past year's share
    is that of its 31 December."""
    sites = _in_committee(KeySite.objects.visible_to(viewer).filter(archived=False), committee)
    conducted = (
        Exercise.objects.exclude(status=ExerciseStatus.CANCELLED)
        .filter(conducted_on__gte=exercised_since(as_of), conducted_on__lte=as_of)
        .values("pk")
    )
    # Lists of the sites exercised (subqueries the database reads once), not a
    # correlated test per site.
    tested_plans = Exercise.plans.through.objects.filter(
        exercise_id__in=conducted, plan_id__in=Plan.objects.visible_to(viewer).values("pk")
    ).values("plan_id")
    through_plans = Plan.sites.through.objects.filter(plan_id__in=tested_plans).values("keysite_id")
    tested = Exercise.sites.through.objects.filter(exercise_id__in=conducted).values("keysite_id")
    row = sites.aggregate(
        total=Count("pk"), exercised=Count("pk", filter=Q(pk__in=through_plans) | Q(pk__in=tested))
    )
    return row["exercised"], row["total"]


def _corrective_actions(exercise_ids: Any) -> QuerySet[CorrectiveAction]:
    return CorrectiveAction.objects.filter(exercise__in=exercise_ids).exclude(
        task__state=Task.State.CANCELLED
    )


def action_state_q(state: str, today: dt.date, prefix: str = "task__") -> Q:
    """A corrective action's state from its task (the agreed rule): ``open`` (overdue
    ones included), ``overdue`` (open, past the deadline), ``closed`` (done or accepted)."""
    if state == "open":
        return Q(**{f"{prefix}state__in": Task.OPEN_STATES})
    if state == "overdue":
        return Q(**{f"{prefix}state__in": Task.OPEN_STATES, f"{prefix}deadline__lt": today})
    if state == "closed":
        return Q(**{f"{prefix}state__in": Task.FINISHED_STATES})
    raise ValueError(state)


def _action_figures(exercise_ids: Any, today: dt.date) -> tuple[dict[str, int], float | None]:
    """The corrective actions by state, and the median days to close the closed ones:
    one row per distinct number of days to close (and one for those not closed)."""
    closed = action_state_q("closed", today)
    counts = {s: Count("pk", filter=action_state_q(s, today)) for s in ACTION_STATES}
    rows = (
        _corrective_actions(exercise_ids)
        .annotate(
            days=Case(
                When(closed, then=DaysBetween("task__done_on", "task__assigned_on")),
                default=None, output_field=IntegerField(),
            )
        )
        .values("days")
        .annotate(**counts)
        .order_by("days")
    )  # fmt: skip
    totals = dict.fromkeys(ACTION_STATES, 0)
    histogram: list[tuple[int, int]] = []
    for row in rows:
        for state in ACTION_STATES:
            totals[state] += row[state]
        if row["days"] is not None and row["closed"]:
            histogram.append((row["days"], row["closed"]))
    return totals, median_of_counts(histogram)


def median_of_counts(counted: list[tuple[int, int]]) -> float | None:
    """The median of a multiset given as (value, how many) in ascending order."""
    total = sum(n for _v, n in counted)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # the middle positions (one when total is odd)
    found: list[int] = []
    seen = 0
    for value, n in counted:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return (found[0] + found[1]) / 2


def _revised_plans(viewer: Viewer, exercise_ids: Any) -> dict[str, int]:
    """Plans (those the viewer sees) a finding of the counted exercises required to
    revise, and those of them with a version approved after that finding: approved on a
    later day (Vietnam date), or on its day by a version created after the finding."""
    tz = timezone.get_default_timezone()
    approved_after = PlanVersion.objects.filter(
        Q(approved_on__gt=OuterRef("day"))
        | Q(approved_on=OuterRef("day"), created_at__gt=OuterRef("created_at")),
        plan=OuterRef("plan"), approved_on__isnull=False,
    )  # fmt: skip
    # The test of each finding is an annotation (an aggregate's filter would name the
    # day by its alias, which the inner query cannot see).
    seen = Plan.objects.visible_to(viewer).values("pk")
    findings = (
        Finding.objects.filter(exercise__in=exercise_ids, requires_revision=True, plan__in=seen)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .annotate(was_revised=Exists(approved_after))
    )
    return findings.aggregate(
        required=Count("plan", distinct=True),
        revised=Count("plan", distinct=True, filter=Q(was_revised=True)),
    )


def annual_summary(viewer: Viewer, year: int) -> dict[str, Any]:
    """What the reports app's annual summary prints: the year's figures of everything
    the viewer sees, as plain numbers (and the ISO day the 12 months are counted from)."""
    f = exercise_figures(viewer, year)
    return {
        "year": year,
        "classification": f.classification,
        "exercises": f.exercises,
        "exercises_by_type": dict(f.by_type),
        "exercises_by_status": dict(f.by_status),
        "trainings_held": f.trainings_held,
        "participants": f.participants,
        "exercise_participants": f.exercise_participants,
        "training_participants": f.training_participants,
        "agencies_involved": f.agencies,
        "sites_exercised": f.sites_exercised,
        "sites_total": f.sites_total,
        "sites_exercised_percent": f.sites_exercised_percent,
        "exercised_since": f.exercised_since.isoformat(),
        "sites_exercised_as_of": f.sites_as_of.isoformat(),
        "corrective_actions_open": f.actions_open,
        "corrective_actions_overdue": f.actions_overdue,
        "corrective_actions_closed": f.actions_closed,
        "median_days_to_close": f.median_days_to_close,
        "plans_revision_required": f.plans_revision_required,
        "plans_revised": f.plans_revised,
    }
