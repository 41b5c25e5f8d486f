"""Pages of store inspections. Thin: scope, then the service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.controlled.inspections import services
from vigil.controlled.inspections.forms import InspectionForm
from vigil.controlled.inspections.models import Inspection
from vigil.controlled.registry.keepers import may_keep_record
from vigil.controlled.registry.models import Store
from vigil.core import attachments, clock
from vigil.core.forms import AttachmentForm, add_form_errors
from vigil.org.scope import get_visible_or_404


@require_http_methods(["GET", "POST"])
def inspection_create(request: HttpRequest, store_pk: int) -> HttpResponse:
    store: Store = get_visible_or_404(Store.objects, request.user, pk=store_pk)
    if not may_keep_record(request.user, store):
        raise PermissionDenied
    form = InspectionForm(request.POST or None, initial={"date": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.record_inspection(store, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect("controlled:inspection_detail", pk=inspection.pk)
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
    user: Any = request.user
    return render(
        request,
        "controlled/inspection_detail.html",
        {
            "inspection": inspection,
            "attachment_list": list(attachments.attachments_of(inspection, user)),
            "can_attach": attachments.may_attach(user, inspection),
            "attach_url": reverse("controlled:inspection_attach", args=[inspection.pk]),
            "attachment_form": AttachmentForm(clearance=user.clearance),
            "max_upload_mb": attachments.max_upload_bytes() // (1024 * 1024),
        },
    )


@require_POST
def inspection_attach(request: HttpRequest, pk: int) -> HttpResponse:
    inspection: Inspection = get_visible_or_404(Inspection.objects, request.user, pk=pk)
    if not attachments.may_attach(request.user, inspection):
        raise PermissionDenied
    user: Any = request.user
    back = redirect("controlled:inspection_detail", pk=pk)
    too_large = attachments.upload_too_large(request)
    if too_large is not None:
        messages.error(request, " ".join(too_large.messages))
        return back
    form = AttachmentForm(request.POST, request.FILES, clearance=user.clearance)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return back
    try:
        attachments.attach(
            inspection, form.cleaned_data["file"], actor=user,
            classification=form.cleaned_data["classification"],
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("File attached."))
    return back
