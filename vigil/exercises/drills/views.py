"""Pages of exercises: the list, an exercise with its panels, the new and edit forms,
and one page per lifecycle step. Thin: scope, then the services. What a user may not see
is 404; what they see but may not change (or not in this state), 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vigil.core import clock
from vigil.core.pages import acting, audit_classified_view, submit
from vigil.exercises.drills import queries, services
from vigil.exercises.drills.forms import (
    CancelForm,
    CloseForm,
    ConductForm,
    ExerciseFilterForm,
    ExerciseForm,
    FinishForm,
    ObjectiveAddForm,
    ObjectiveFormSet,
    ParticipantFormSet,
    exercise_initial,
    objective_specs,
    participant_initial,
    participant_specs,
)
from vigil.exercises.drills.models import Exercise
from vigil.exercises.evaluation import queries as evaluation_queries
from vigil.exercises.live import queries as live_queries
from vigil.org.models import Committee
from vigil.org.scope import get_visible_or_404
from vigil.sites.models import KeySite, Plan

PAGE = 50


def _posted(request: HttpRequest) -> Any:
    """The POSTed data, even empty (a form without fields is still submitted)."""
    return request.POST if request.method == "POST" else None


def _exercise(request: HttpRequest, pk: int) -> Exercise:
    exercise: Exercise = get_visible_or_404(
        Exercise.objects.select_related(
            "owning_committee", "owning_agency", "site", "commune", "created_by"
        ),
        request.user,
        pk=pk,
    )
    return exercise


def _filters(request: HttpRequest) -> tuple[ExerciseFilterForm, queries.ExerciseFilters]:
    user = request.user
    form = ExerciseFilterForm(
        request.GET or None, years=queries.years_for(user),
        committees=queries.committees_seen(user),
        plans=Plan.objects.visible_to(user).order_by("code_name"),
        sites=KeySite.objects.visible_to(user).order_by("name"),
    )  # fmt: skip
    if not form.is_valid():
        return form, queries.ExerciseFilters()
    data = form.cleaned_data
    return form, queries.ExerciseFilters(
        year=data["year"], type=data["type"], status=data["status"],
        committee=data["committee"].pk if data["committee"] else None,
        plan=data["plan"].pk if data["plan"] else None,
        site=data["site"].pk if data["site"] else None,
    )  # fmt: skip


def exercise_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    page = Paginator(queries.exercises_for(request.user, filters), PAGE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    seen = queries.visible_site_ids(request.user, rows)
    for row in rows:
        row.shown_site = row.site if row.site_id in seen else None
    shown = [row.site for row in rows if row.site_id in seen]
    context = {
        "form": form, "page": page,
        "can_plan": queries.keeping_committees(request.user).exists(),
        "page_stamp": audit_classified_view(request, [*rows, *shown]),
    }  # fmt: skip
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "exercises/exercise_list.html#results", context)
    return render(request, "exercises/exercise_list.html", context)


def exercise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    user = request.user
    plans = list(exercise.plans.visible_to(user).order_by("code_name"))
    sites = list(exercise.sites.visible_to(user).order_by("name"))
    site = queries.shown_site(user, exercise)
    steps = queries.steps_for(user, exercise)
    context: dict[str, Any] = {
        **evaluation_queries.panel_context(exercise, user),
        **live_queries.panel_context(exercise, user),
    }
    context |= {
        "exercise": exercise, "plans": plans, "sites": sites, "site": site, "steps": steps,
        "participants": list(exercise.participants.select_related("agency").order_by("pk")),
        "missing": services.missing_for_close(exercise)
        if exercise.status in queries.STEPS["finish"] + queries.STEPS["close"] else [],
        # The panels' tasks, incidents and alerts are read on this page too.
        "page_stamp": audit_classified_view(
            request,
            [exercise, *plans, *sites, *([site] if site else []),
             *context["evaluation"]["shown"], *context["live"].shown],
            about=exercise,
        ),
    }  # fmt: skip
    return render(request, "exercises/exercise_detail.html", context)


def _committee(request: HttpRequest) -> tuple[Committee, list[Committee]]:
    """The committee the new exercise is for (``?committee=``, else the first one the user
    keeps exercises for); 404 for a user who keeps none."""
    committees = list(queries.keeping_committees(request.user))
    if not committees:
        raise Http404  # a page for those who may plan exercises
    chosen = request.GET.get("committee", "")
    found = [c for c in committees if chosen.isdigit() and c.pk == int(chosen)]
    return (found or committees)[0], committees


def _offered(committee: Committee, user: Any) -> dict[str, Any]:
    return {
        "plans": queries.plans_of(committee, user), "sites": queries.sites_of(committee, user),
        "agencies": queries.agencies_of(committee),
    }  # fmt: skip


@require_http_methods(["GET", "POST"])
def exercise_new(request: HttpRequest) -> HttpResponse:
    user = acting(request)
    committee, committees = _committee(request)
    offered = _offered(committee, user)
    data = _posted(request)
    form = ExerciseForm(data, user=user, committee=committee, **offered)
    participants = ParticipantFormSet(
        data, prefix="participants", form_kwargs={"agencies": offered["agencies"]}
    )
    objectives = ObjectiveFormSet(data, prefix="objectives")

    def plan(values: dict[str, Any]) -> Exercise:
        return services.plan_exercise(
            committee, actor=user, participants=participant_specs(participants),
            objectives=objective_specs(objectives), **values,
        )  # fmt: skip

    done = submit(request, form, plan, success=_("Exercise planned."),
                  also=[participants, objectives])  # fmt: skip
    if done is not None:
        return done
    return render(request, "exercises/exercise_form.html", {
        "form": form, "participants": participants, "objectives": objectives,
        "committee": committee, "committees": committees, "title": _("Plan an exercise"),
        "back": reverse("exercises:exercise_list"),
    }, status=400 if form.is_bound else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
def exercise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    user = acting(request)
    _require_step(request, exercise, "edit")
    committee = exercise.owning_committee
    offered = _offered(committee, user)
    data = _posted(request)
    form = ExerciseForm(data, initial=exercise_initial(exercise), user=user,
                        committee=committee, exercise=exercise, **offered)  # fmt: skip
    rows = {"agencies": offered["agencies"]}
    participants = ParticipantFormSet(data, prefix="participants", form_kwargs=rows,
                                      initial=participant_initial(exercise))  # fmt: skip

    def change(values: dict[str, Any]) -> Exercise:
        values = dict(values)
        version = values.pop("version", None)
        return services.change_exercise(
            exercise, actor=user, version=version,
            participants=participant_specs(participants), **values,
        )  # fmt: skip

    done = submit(request, form, change, success=_("Exercise saved."), also=[participants],
                  refusals=(PermissionDenied,))  # fmt: skip
    if done is not None:
        return done
    return render(request, "exercises/exercise_form.html", {
        "form": form, "participants": participants, "exercise": exercise,
        "committee": committee, "title": exercise.name, "back": exercise.get_absolute_url(),
        "page_stamp": audit_classified_view(request, [exercise], about=exercise),
    }, status=400 if form.is_bound else 200)  # fmt: skip


def _require_step(request: HttpRequest, exercise: Exercise, step: str) -> None:
    """403 for a step the user may not take; on a GET, also for one the exercise's
    state does not open (no button leads there). A POST goes to the service, which
    says why a step no longer open is refused."""
    if not services.may_keep(request.user, exercise):
        raise PermissionDenied
    if request.method != "POST" and step not in queries.steps_for(request.user, exercise):
        raise PermissionDenied


def _step_page(
    request: HttpRequest,
    exercise: Exercise,
    step: str,
    form: Any,
    action: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    explanation: str,
    button: str,
    success: str,
    missing: list[str] | None = None,
    danger: bool = False,
) -> HttpResponse:
    """One lifecycle step: a page that says what it does, its form, and the POST that
    asks the service (a refusal lands on the form, nothing written)."""
    _require_step(request, exercise, step)
    done = submit(request, form, action, success=success, then=exercise.get_absolute_url())
    if done is not None:
        return done
    return render(request, "exercises/exercise_step.html", {
        "exercise": exercise, "form": form, "title": title, "explanation": explanation,
        "button": button, "missing": missing or [], "danger": danger,
        "page_stamp": audit_classified_view(request, [exercise], about=exercise),
    }, status=400 if form.is_bound else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
def exercise_objective_add(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    user = acting(request)
    return _step_page(
        request, exercise, "objective", ObjectiveAddForm(_posted(request)),
        lambda data: services.add_objective(exercise, actor=user, **data),
        title=_("Add an objective"),
        explanation=_("What the exercise sets out to test, tied to one capability. It is "
                      "rated when the exercise is evaluated."),
        button=_("Add the objective"), success=_("Objective added."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def exercise_conduct(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    user = acting(request)
    form = ConductForm(_posted(request), initial={"on": min(clock.today(), exercise.ends_on)})
    return _step_page(
        request, exercise, "conduct", form,
        lambda data: services.conduct(exercise, actor=user, on=data["on"]),
        title=_("Record the exercise as conducted"),
        explanation=_("Each plan the exercise tested counts as exercised from this day for "
                      "12 months. The objectives are then rated."),
        button=_("Record as conducted"), success=_("The exercise is recorded as conducted."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def exercise_finish_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    user = acting(request)
    form = FinishForm(_posted(request), initial={"summary": exercise.summary})
    return _step_page(
        request, exercise, "finish", form,
        lambda data: services.finish_evaluation(exercise, actor=user, summary=data["summary"]),
        title=_("Finish the evaluation"),
        explanation=_("Every objective must be rated. The summary opens the after-action "
                      "report."),
        button=_("Finish the evaluation"), success=_("The evaluation is finished."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def exercise_close(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    user = acting(request)
    return _step_page(
        request, exercise, "close", CloseForm(_posted(request)),
        lambda data: services.close_exercise(exercise, actor=user),
        title=_("Close the exercise"),
        explanation=_("Its report is complete. Its corrective actions go on as tasks until "
                      "each is done."),
        button=_("Close the exercise"), success=_("Exercise closed."),
        missing=services.missing_for_close(exercise),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def exercise_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk)
    user = acting(request)
    return _step_page(
        request, exercise, "cancel", CancelForm(_posted(request)),
        lambda data: services.cancel_exercise(exercise, actor=user, reason=data["reason"]),
        title=_("Cancel the exercise"),
        explanation=_("A planned exercise that will not take place. This cannot be undone."),
        button=_("Cancel the exercise"), success=_("Exercise cancelled."), danger=True,
    )  # fmt: skip
