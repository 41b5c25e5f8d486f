"""The exercises' figures for the home page: this year's exercises, the corrective
actions open and overdue, and the share of key sites whose plan was exercised in the
last 12 months.

The exercises and the share link to the figures page, which shows the same figure
(``counts: "exercise_figures"``, ``figure``: the attribute of ``ExerciseFigures``);
the corrective actions link to their list filtered by state (``?state=open|overdue``,
the evaluation's list), counted by the same rule: their task's state, cancelled tasks
left out, through ``CorrectiveAction.objects.visible_to``."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.exercises.drills.models import Exercise, ExerciseStatus
from vigil.exercises.evaluation.models import CorrectiveAction
from vigil.exercises.figures.queries import action_state_q, exercises_of_year, site_figures
from vigil.org.scope import Role, Viewer
from vigil.work.tasks.models import Task

TITLE = _("Trainings and exercises")


def actions_in_state(user: Viewer, state: str) -> Any:
    """The corrective actions the user sees in ``state`` (open, overdue, closed)."""
    return (
        CorrectiveAction.objects.visible_to(user)
        .exclude(task__state=Task.State.CANCELLED)
        .filter(action_state_q(state, clock.today()))
    )


def _action_list(state: str) -> str | None:
    try:
        # Every action the user sees (an agency's officer would see its own first).
        return reverse("exercises:action_list") + f"?view=all&state={state}"
    except NoReverseMatch:  # the evaluation's list is not installed
        return None


def summary_for(user: Viewer) -> dict[str, Any]:
    actions = CorrectiveAction.objects.visible_to(user)
    if not Exercise.objects.visible_to(user).exists() and not actions.exists():
        return {"title": TITLE, "items": [], "roles": ()}
    today = clock.today()
    figures = reverse("exercises:figures") + f"?year={today.year}"
    exercises = exercises_of_year(user, today.year).exclude(status=ExerciseStatus.CANCELLED)
    items: list[dict[str, Any]] = [
        {"label": _("exercises this year"), "value": exercises.count(), "url": figures,
         "counts": "exercise_figures", "figure": "exercises"},
        {"label": _("corrective actions open"), "value": actions_in_state(user, "open").count(),
         "url": _action_list("open"), "urgency": "waiting"},
        {"label": _("corrective actions overdue"),
         "value": actions_in_state(user, "overdue").count(), "url": _action_list("overdue"),
         "urgency": "overdue"},
    ]  # fmt: skip
    exercised, total = site_figures(user, None, today)
    if total:
        items.append(
            {"label": _("of key sites exercised in the last 12 months"),
             "value": round(100 * exercised / total), "measure": "percent", "url": figures,
             "counts": "exercise_figures", "figure": "sites_exercised_percent"}
        )  # fmt: skip
    return {
        "title": TITLE,
        "items": items,
        "roles": (Role.COMMITTEE_LEADER, Role.STANDING_OFFICE, Role.OFFICER, "commune"),
    }
