"""Pages of the evaluation: rate an objective, record a finding, file a corrective
action, the corrective actions, the after-action report. Thin: scope, then services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vigil.core.documents.decree30 import docx_response
from vigil.core.pages import acting, audit_classified_view, submit
from vigil.core.paging import CappedPaginator
from vigil.exercises.drills.models import Exercise, Objective
from vigil.exercises.drills.services import may_keep
from vigil.exercises.evaluation import documents, queries, services
from vigil.exercises.evaluation.forms import ActionFilterForm, ActionForm, FindingForm, RateForm
from vigil.exercises.evaluation.models import Finding
from vigil.org.scope import get_visible_or_404

PAGE = 50


def _keeper(request: HttpRequest, exercise: Exercise) -> None:
    if not may_keep(request.user, exercise):
        raise PermissionDenied(_("Only the committee's standing office or a leader may "
                                 "evaluate this exercise."))  # fmt: skip


def _form_page(request: HttpRequest, exercise: Exercise, form: Any, title: str,
               lines: list[str]) -> HttpResponse:  # fmt: skip
    return render(request, "exercises/evaluation_form.html", {
        "form": form, "title": title, "lines": lines, "exercise": exercise,
        "page_stamp": audit_classified_view(request, [exercise], about=exercise),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def objective_rate(request: HttpRequest, pk: int) -> HttpResponse:
    objective: Objective = get_visible_or_404(
        Objective.objects.select_related("exercise__owning_committee"), request.user, pk=pk
    )
    exercise = objective.exercise
    _keeper(request, exercise)
    initial = {"rating": objective.rating, "observations": objective.observations}
    form = RateForm(request.POST or None, initial=initial)
    user = acting(request)
    done = submit(
        request, form,
        lambda data: services.rate_objective(objective, rating=data["rating"],
                                             observations=data["observations"], actor=user),
        success=_("Rating saved."), then=lambda _objective: exercise,
    )  # fmt: skip
    if done is not None:
        return done
    return _form_page(request, exercise, form, _("Rate objective %(n)d") % {"n": objective.number},
                      [objective.text, objective.get_capability_display()])  # fmt: skip


@require_http_methods(["GET", "POST"])
def finding_new(request: HttpRequest, pk: int) -> HttpResponse:
    exercise: Exercise = get_visible_or_404(
        Exercise.objects.select_related("owning_committee"), request.user, pk=pk
    )
    _keeper(request, exercise)
    user = acting(request)
    initial = {"objective": request.GET.get("objective") or None}
    form = FindingForm(request.POST or None, initial=initial, exercise=exercise, user=user)
    done = submit(
        request, form, lambda data: services.record_finding(exercise, actor=user, **data),
        success=_("Finding recorded."), then=lambda _finding: exercise,
    )  # fmt: skip
    if done is not None:
        return done
    return _form_page(request, exercise, form, _("Record a finding"), [exercise.name])


@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    finding: Finding = get_visible_or_404(
        Finding.objects.select_related("exercise__owning_committee"), request.user, pk=pk
    )
    exercise = finding.exercise
    _keeper(request, exercise)
    user = acting(request)
    initial = {"plan": finding.plan_id, "capability": finding.capability}
    form = ActionForm(request.POST or None, initial=initial, finding=finding, user=user)
    done = submit(
        request, form, lambda data: services.file_corrective_action(finding, actor=user, **data),
        success=_("Corrective action filed: a task was assigned to the agency."),
        then=lambda _action: exercise,
    )  # fmt: skip
    if done is not None:
        return done
    return _form_page(request, exercise, form, _("File a corrective action"),
                      [exercise.name, finding.text])  # fmt: skip


@require_GET
def exercise_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The after-action report and improvement plan (.docx), naming only the plans,
    sites and tasks the reader sees; one view event for what it shows."""
    exercise: Exercise = get_visible_or_404(
        Exercise.objects.select_related("owning_committee__admin_unit__parent", "owning_agency"),
        request.user, pk=pk,
    )  # fmt: skip
    contents = documents.contents(exercise, request.user)
    audit_classified_view(request, contents.shown, about=exercise)
    return docx_response(documents.filename(exercise), documents.build(contents))


@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    """The corrective actions: an agency's officer sees its own first (``?view=mine``),
    a committee's office all it sees; ``?state=open|overdue|closed|cancelled``."""
    form = ActionFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    view = data.get("view") or queries.default_view(request.user)
    state = data.get("state") or ""
    rows = queries.actions_for(request.user, view=view, state=state)
    page = CappedPaginator(rows, PAGE).get_page(request.GET.get("page"))
    actions = list(page.object_list)
    return render(request, "exercises/action_list.html", {
        "form": form, "page": page, "view": view, "state": state,
        "rows": queries.action_rows(request.user, actions),
        "page_stamp": audit_classified_view(request, [a.task for a in actions]),
    })  # fmt: skip
