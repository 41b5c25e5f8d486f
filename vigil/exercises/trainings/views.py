"""Pages of trainings: the list (filters, totals), a training with its audience and
materials, and the forms to plan, change, record as held and cancel one. Thin:
scope, then services. What a user may not see is 404; what they see but may not
change, 403."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core.pages import (
    acting,
    attachment_context,
    audit_classified_view,
    submit,
    upload_attachment,
)
from vigil.exercises.drills.services import KEEPERS
from vigil.exercises.trainings import queries, services
from vigil.exercises.trainings.forms import (
    CancelForm,
    HeldForm,
    TrainingFilterForm,
    TrainingForm,
    audience_formset,
    audience_specs,
    training_initial,
)
from vigil.exercises.trainings.models import Training, TrainingStatus
from vigil.org.models import Committee
from vigil.org.scope import Viewer, committees_with_role, get_visible_or_404

PAGE = 50
FORM = "exercises/training_form.html"


def _training(request: HttpRequest, pk: int) -> Training:
    training: Training = get_visible_or_404(
        Training.objects.select_related("owning_committee", "owning_agency", "commune"),
        request.user, pk=pk,
    )  # fmt: skip
    return training


def _keeper(request: HttpRequest, pk: int) -> Training:
    """A training the user sees (404 otherwise) and keeps (403 otherwise)."""
    training = _training(request, pk)
    if not services.may_keep(request.user, training):
        raise PermissionDenied
    return training


def planning_committees(user: Viewer) -> QuerySet[Committee]:
    """The committees whose trainings the user may plan."""
    return Committee.objects.filter(pk__in=committees_with_role(user, *KEEPERS)).order_by("path")


def _filters(request: HttpRequest) -> tuple[TrainingFilterForm, queries.TrainingFilters]:
    user = request.user
    form = TrainingFilterForm(request.GET or None, years=queries.years_for(user),
                              committees=queries.committees_for(user))  # fmt: skip
    if not form.is_valid():
        return form, queries.TrainingFilters()
    data = form.cleaned_data
    return form, queries.TrainingFilters(
        year=data["year"], status=data["status"],
        committee=data["committee"].pk if data["committee"] else None,
    )  # fmt: skip


def training_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    page = Paginator(queries.trainings_for(request.user, filters), PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form, "page": page, "totals": queries.totals(request.user, filters),
        "can_plan": planning_committees(request.user).exists(),
        "page_stamp": audit_classified_view(request, list(page.object_list)),
    }  # fmt: skip
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "exercises/training_list.html#results", context)
    return render(request, "exercises/training_list.html", context)


def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(request, pk)
    user = request.user
    audience = list(queries.audience_of(training))
    files = attachment_context(
        request, training, upload_url=reverse("exercises:training_attach", args=[training.pk])
    )
    planned = training.status == TrainingStatus.PLANNED
    can_keep = services.may_keep(user, training)
    context = {
        "training": training, "audience": audience,
        "participants": sum(a.participants for a in audience),
        "can_edit": can_keep and training.status != TrainingStatus.CANCELLED,
        "can_hold": can_keep and planned, "can_cancel": can_keep and planned,
        "shared": training.shared_agencies.order_by("name"),
        **files,
        "page_stamp": audit_classified_view(
            request, [training, *files["attachment_list"]], about=training
        ),
    }  # fmt: skip
    return render(request, "exercises/training_detail.html", context)


@require_http_methods(["GET", "POST"])
def training_new(request: HttpRequest) -> HttpResponse:
    user = acting(request)
    committees = planning_committees(user)
    if not committees.exists():
        raise Http404  # a page for those who may plan trainings
    data = request.POST or None
    form = TrainingForm(data, user=user, committees=committees)
    audience = audience_formset(data, user=user)

    def plan(values: dict[str, Any]) -> Training:
        values = dict(values)
        return services.plan_training(values.pop("committee"), actor=user,
                                      audience=audience_specs(audience), **values)  # fmt: skip

    done = submit(request, form, plan, success=_("Training planned."), also=[audience],
                  refusals=(PermissionDenied,))  # fmt: skip
    if done is not None:
        return done
    return render(request, FORM, {
        "form": form, "audience": audience, "title": _("Plan a training"),
        "back": reverse("exercises:training_list"),
    }, status=400 if form.is_bound else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    training = _keeper(request, pk)
    user = acting(request)
    data = request.POST or None
    form = TrainingForm(data, initial=training_initial(training), user=user, committees=None)
    audience = audience_formset(data, user=user, training=training, extra=2)

    def change(values: dict[str, Any]) -> Training:
        values = dict(values)
        version = values.pop("version")
        return services.change_training(training, actor=user, version=version,
                                        audience=audience_specs(audience), **values)  # fmt: skip

    done = submit(request, form, change, success=_("Training saved."), also=[audience],
                  refusals=(PermissionDenied,))  # fmt: skip
    if done is not None:
        return done
    return render(request, FORM, {
        "form": form, "audience": audience, "title": training.topic, "training": training,
        "back": training.get_absolute_url(),
        "page_stamp": audit_classified_view(request, [training], about=training),
    }, status=400 if form.is_bound else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
def training_held(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the training as held, with the final counts of its audience."""
    training = _keeper(request, pk)
    user = acting(request)
    data = request.POST or None
    form = HeldForm(data, initial={"version": training.version})
    audience = audience_formset(data, user=user, training=training, extra=2)
    done = submit(
        request, form,
        lambda values: services.record_held(training, actor=user, version=values["version"],
                                            audience=audience_specs(audience)),
        success=_("Training recorded as held."), also=[audience], refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    return render(request, FORM, {
        "form": form, "audience": audience, "training": training,
        "title": _("Record as held: %(topic)s") % {"topic": training.topic},
        "intro": _("Give the final counts: how many of each agency's people took part."),
        "back": training.get_absolute_url(),
        "page_stamp": audit_classified_view(request, [training], about=training),
    }, status=400 if form.is_bound else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
def training_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    training = _keeper(request, pk)
    user = acting(request)
    form = CancelForm(request.POST or None, initial={"version": training.version})
    done = submit(
        request, form,
        lambda values: services.cancel_training(training, actor=user, reason=values["reason"],
                                                version=values["version"]),
        success=_("Training cancelled."), refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    return render(request, FORM, {
        "form": form, "training": training,
        "title": _("Cancel the training: %(topic)s") % {"topic": training.topic},
        "back": training.get_absolute_url(),
        "page_stamp": audit_classified_view(request, [training], about=training),
    }, status=400 if form.is_bound else 200)  # fmt: skip


@require_POST
def training_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a material (the attachment block of the training's page)."""
    return upload_attachment(request, _training(request, pk))
