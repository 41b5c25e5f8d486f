"""Pages of exercise mode: open an exercise incident, draft an exercise alert, the
exercise's timeline. Thin: scope, then services. An exercise the user may not see is
404; one they see but may not act on, 403; a closed exercise mode says why."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vigil.core.pages import acting, audit_classified_view, submit
from vigil.exercises.drills.models import Exercise
from vigil.exercises.live import queries, services
from vigil.exercises.live.forms import ExerciseAlertForm, ExerciseIncidentForm
from vigil.org.scope import get_visible_or_404


def _exercise(request: HttpRequest, pk: int) -> Exercise:
    exercise: Exercise = get_visible_or_404(
        Exercise.objects.select_related("owning_committee", "site", "commune"),
        request.user,
        pk=pk,
    )
    return exercise


def _form_page(
    request: HttpRequest, exercise: Exercise, form: Any, title: str, refusal: str
) -> HttpResponse:
    return render(request, "exercises/live/form.html", {
        "exercise": exercise, "form": form, "title": title, "refusal": refusal,
        "back": queries.exercise_url(exercise),
        "page_stamp": audit_classified_view(request, [exercise], about=exercise),
    }, status=400 if refusal and request.method == "POST" else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
def exercise_incident_new(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    user = acting(request)
    if not queries.may_open_incident(user, exercise):
        raise PermissionDenied
    title = _("Exercise incident")
    refusal = queries.mode_refusal(exercise)
    if refusal:
        return _form_page(request, exercise, None, title, refusal)
    form = ExerciseIncidentForm(request.POST or None, user=user, exercise=exercise)
    done = submit(
        request, form,
        lambda data: services.open_exercise_incident(exercise, actor=user, **data),
        success=_("Exercise incident opened."), refusals=(PermissionDenied,),
    )  # fmt: skip
    return done or _form_page(request, exercise, form, title, "")


@require_http_methods(["GET", "POST"])
def exercise_alert_new(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    user = acting(request)
    if not queries.may_draft_alert(user, exercise):
        raise PermissionDenied
    title = _("Exercise alert")
    refusal = queries.mode_refusal(exercise)
    if refusal:
        return _form_page(request, exercise, None, title, refusal)
    form = ExerciseAlertForm(request.POST or None, user=user, exercise=exercise)
    done = submit(
        request, form,
        lambda data: services.draft_exercise_alert(exercise, actor=user, **data),
        success=_("Exercise alert drafted: a leader approves it."), refusals=(PermissionDenied,),
    )  # fmt: skip
    return done or _form_page(request, exercise, form, title, "")


def exercise_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    context = queries.panel_context(exercise, request.user)
    live: queries.LivePanel = context["live"]
    return render(request, "exercises/live/timeline.html", {
        **context, "exercise": exercise, "back": queries.exercise_url(exercise),
        "page_stamp": audit_classified_view(request, [exercise, *live.shown], about=exercise),
    })  # fmt: skip
