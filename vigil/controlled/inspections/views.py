"""Pages of store inspections. Thin: scope, then the service."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.controlled.inspections import services
from vigil.controlled.inspections.forms import InspectionForm
from vigil.controlled.inspections.models import Inspection
from vigil.controlled.registry.keepers import may_keep_record
from vigil.controlled.registry.models import Store
from vigil.core import clock
from vigil.core.pages import acting, attachment_context, submit, upload_attachment
from vigil.org.scope import get_visible_or_404


@require_http_methods(["GET", "POST"])
def inspection_create(request: HttpRequest, store_pk: int) -> HttpResponse:
    store: Store = get_visible_or_404(Store.objects, request.user, pk=store_pk)
    if not may_keep_record(request.user, store):
        raise PermissionDenied
    form = InspectionForm(request.POST or None, initial={"date": clock.today()})
    done = submit(
        request, form, lambda data: services.record_inspection(store, actor=acting(request), **data),
        success=_("Inspection recorded."),
        then=lambda inspection: reverse("controlled:inspection_detail", args=[inspection.pk]),
    )  # fmt: skip
    if done is not None:
        return done
    return render(
        request, "controlled/form.html",
        {"form": form, "title": _("Record an inspection of %(store)s") % {"store": store.name},
         "back": reverse("controlled:store_detail", args=[store_pk])},
    )  # fmt: skip


def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection: Inspection = get_visible_or_404(
        Inspection.objects.select_related("store", "inspecting_agency", "owning_agency"),
        request.user, pk=pk,
    )  # fmt: skip
    upload_url = reverse("controlled:inspection_attach", args=[inspection.pk])
    return render(
        request,
        "controlled/inspection_detail.html",
        {
            "inspection": inspection,
            **attachment_context(request, inspection, upload_url=upload_url),
        },
    )


@require_POST
def inspection_attach(request: HttpRequest, pk: int) -> HttpResponse:
    inspection: Inspection = get_visible_or_404(Inspection.objects, request.user, pk=pk)
    return upload_attachment(
        request, inspection, back=reverse("controlled:inspection_detail", args=[pk])
    )
