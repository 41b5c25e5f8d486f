"""Reads of the evaluation: an exercise's panel, the corrective actions and their
state (from their tasks), and the line a corrective action's task shows on its page.

A corrective action's state comes from its task: closed when the task is reported
done or accepted, overdue when it is open past its deadline, cancelled with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from vigil.core import clock
from vigil.exercises.drills.models import Exercise, ExerciseStatus, Rating
from vigil.exercises.drills.services import may_keep
from vigil.exercises.evaluation.models import CorrectiveAction, Finding, FindingKind
from vigil.org.scope import Viewer, scope_for
from vigil.sites.models import Plan
from vigil.work.tasks.models import Task

OPEN, OVERDUE, CLOSED, CANCELLED = "open", "overdue", "closed", "cancelled"
STATES = {
    OPEN: pgettext_lazy("corrective action", "Open"),
    OVERDUE: pgettext_lazy("corrective action", "Overdue"),
    CLOSED: pgettext_lazy("corrective action", "Closed"),
    CANCELLED: pgettext_lazy("corrective action", "Cancelled"),
}
VIEWS = ("mine", "all")


def action_state(task: Task, today: dt.date | None = None) -> str:
    if task.state in Task.FINISHED_STATES:
        return CLOSED
    if task.state == Task.State.CANCELLED:
        return CANCELLED
    return OVERDUE if task.deadline < (today or clock.today()) else OPEN


def state_filter(state: str, today: dt.date | None = None) -> Q:
    """The rows of one state (``""``: every state), on ``CorrectiveAction``."""
    day = today or clock.today()
    return {
        OPEN: Q(task__state__in=Task.OPEN_STATES),
        OVERDUE: Q(task__state__in=Task.OPEN_STATES, task__deadline__lt=day),
        CLOSED: Q(task__state__in=Task.FINISHED_STATES),
        CANCELLED: Q(task__state=Task.State.CANCELLED),
    }.get(state, Q())


def visible_actions(user: Viewer) -> QuerySet[CorrectiveAction]:
    return CorrectiveAction.objects.visible_to(user).select_related(
        "exercise", "finding", "plan", "task__assignee"
    )


def default_view(user: Viewer) -> str:
    """An agency's officer sees its own actions first; a committee's office all it sees."""
    scope = scope_for(user)
    return "mine" if scope.agency_ids and not scope.committee_ids else "all"


def actions_for(
    user: Viewer, *, view: str = "all", state: str = "", exercise: int | None = None,
    agency: int | None = None, finding: int | None = None,
) -> QuerySet[CorrectiveAction]:  # fmt: skip
    """The corrective actions ``user`` sees: ``mine`` (those assigned to one of the
    user's agencies) or ``all``, of one state, exercise, agency or finding."""
    rows = visible_actions(user).filter(state_filter(state))
    if view == "mine":
        rows = rows.filter(task__assignee_id__in=scope_for(user).agency_ids)
    if exercise is not None:
        rows = rows.filter(exercise_id=exercise)
    if agency is not None:
        rows = rows.filter(task__assignee_id=agency)
    if finding is not None:
        rows = rows.filter(finding_id=finding)
    return rows.order_by("task__deadline", "pk")


def visible_task_ids(user: Viewer, actions: list[CorrectiveAction]) -> set[int]:
    """The tasks of ``actions`` the user may open (the others are shown, not linked)."""
    ids = [a.task_id for a in actions]
    return set(Task.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def action_rows(user: Viewer, actions: list[CorrectiveAction]) -> list[dict[str, Any]]:
    today = clock.today()
    linked = visible_task_ids(user, actions)
    # An agency sees an action given to it through its task, not always its exercise.
    exercise_ids = {a.exercise_id for a in actions}
    seen = set(
        Exercise.objects.visible_to(user).filter(pk__in=exercise_ids).values_list("pk", flat=True)
    ) if exercise_ids else set()  # fmt: skip
    return [
        {
            "action": a,
            "task": a.task,
            "state": action_state(a.task, today),
            "state_label": STATES[action_state(a.task, today)],
            "task_url": reverse("work:task_detail", args=[a.task_id])
            if a.task_id in linked
            else "",
            "exercise_url": a.exercise.get_absolute_url() if a.exercise_id in seen else "",
        }
        for a in actions
    ]


def panel_context(exercise: Exercise, user: Viewer) -> dict[str, Any]:
    """The context of the evaluation panel on the exercise's page
    (``exercises/_evaluation_panel.html``, which reads it as ``evaluation``); the
    exercise is already visible to ``user``. Plans are named only when the user sees
    them; ``shown`` are the tasks the panel shows (as classified as the exercise)."""
    keeper = may_keep(user, exercise)
    status = exercise.status
    objectives = list(exercise.objectives.order_by("number"))
    findings = list(exercise.findings.select_related("objective", "plan").order_by("pk"))
    actions = list(
        exercise.corrective_actions.select_related("task__assignee", "plan")
        .order_by("task__deadline", "pk")
    )  # fmt: skip
    rows = action_rows(user, actions)
    plan_ids = {f.plan_id for f in findings} | {a.plan_id for a in actions}
    seen_plans = set(
        Plan.objects.visible_to(user).filter(pk__in=plan_ids - {None}).values_list("pk", flat=True)
    )
    by_finding: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_finding.setdefault(row["action"].finding_id, []).append(row)
    evaluating = status in (ExerciseStatus.CONDUCTED, ExerciseStatus.EVALUATED)
    finding_rows: list[dict[str, Any]] = [
        {"finding": f, "actions": by_finding.get(f.pk, []),
         "plan": f.plan if f.plan_id in seen_plans else None}
        for f in findings
    ]  # fmt: skip
    panel = {
        "exercise": exercise,
        "objectives": objectives,
        "rating_choices": Rating.choices,
        "strengths": [r for r in finding_rows if r["finding"].kind == FindingKind.STRENGTH],
        "improvements": [r for r in finding_rows if r["finding"].kind == FindingKind.IMPROVEMENT],
        "actions": rows,
        "overdue_count": sum(1 for r in rows if r["state"] == OVERDUE),
        "open_count": sum(1 for r in rows if r["state"] in (OPEN, OVERDUE)),
        "closed_count": sum(1 for r in rows if r["state"] == CLOSED),
        "can_rate": keeper and status == ExerciseStatus.CONDUCTED,
        "can_record": keeper and evaluating,
        "shown": [r["task"] for r in rows],
    }
    return {"evaluation": panel}


def action_of_task(task: Task) -> CorrectiveAction | None:
    return CorrectiveAction.objects.select_related("exercise", "finding").filter(task=task).first()


def task_origin(task: Task, user: Viewer) -> dict[str, Any] | None:
    """The task's page says it is a corrective action of an exercise (registered with
    ``vigil.work.tasks.queries.register_origin``); the exercise is linked when the user
    sees it (its name is in the task's title anyway)."""
    action = action_of_task(task)
    if action is None:
        return None
    exercise = action.exercise
    seen = Exercise.objects.visible_to(user).filter(pk=exercise.pk).exists()
    return {
        "label": _("Corrective action of the exercise"),
        "text": exercise.name,
        "url": exercise.get_absolute_url() if seen else "",
        "detail": _("Finding: %(text)s") % {"text": action.finding.text},
    }


def findings_for(user: Viewer) -> QuerySet[Finding]:
    return Finding.objects.visible_to(user).select_related("exercise", "objective", "plan")
