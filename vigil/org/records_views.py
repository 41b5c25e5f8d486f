"""A committee's number registers, and attachments on contact points (logic in core)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core import attachments
from vigil.core import numbering as core_numbering
from vigil.core.models import IssuedNumber, NumberRegister
from vigil.org import numbering
from vigil.org.forms import AttachmentForm, NumberForm
from vigil.org.models import Committee, ContactPoint
from vigil.org.scope import can_keep_numbers, can_set_numbering, get_visible_or_404


def _errors(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@require_http_methods(["GET", "POST"])
def committee_numbers(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee's registers and numbers; its standing office and administrators only."""
    committee: Committee = get_visible_or_404(Committee.objects, request.user, pk=pk)
    if not can_keep_numbers(request.user, committee):
        raise Http404
    if request.method == "POST" and "per_type" in request.POST:
        # The administrator's setting: one series per type, or one shared.
        numbering.set_per_type(committee, request.POST["per_type"] == "1", actor=request.user)
        messages.success(request, _("Numbering setting saved."))
        return redirect("org:committee_numbers", pk=committee.pk)
    form = NumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["number"]:
                issued = numbering.record_external_number(
                    committee, data["doc_type"], data["number"], actor=request.user,
                    unit=data["unit"],
                )  # fmt: skip
            else:
                issued = numbering.issue_number(
                    committee, data["doc_type"], actor=request.user, unit=data["unit"]
                )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Number recorded: %(symbol)s") % {"symbol": issued.symbol})
            return redirect("org:committee_numbers", pk=committee.pk)
    registers = NumberRegister.objects.filter(committee_id=committee.pk).order_by(
        "-year", "doc_type"
    )
    numbers = (
        IssuedNumber.objects.filter(register__committee_id=committee.pk)
        .select_related("register")
        .order_by("-issued_at", "-pk")
    )
    page = Paginator(numbers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "org/committee_numbers.html",
        {
            "committee": committee,
            "registers": registers,
            "page": page,
            "form": form,
            "per_type": core_numbering.per_type(committee.pk),
            "can_set_numbering": can_set_numbering(request.user, committee),
        },
    )


@require_POST
def contact_attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    contact: ContactPoint = get_visible_or_404(
        ContactPoint.objects.select_related("agency__committee"), request.user, pk=pk
    )
    if not attachments.may_attach(request.user, contact):
        raise PermissionDenied
    user: Any = request.user
    form = AttachmentForm(request.POST, request.FILES, clearance=user.clearance)
    too_large = attachments.upload_too_large(request)
    if too_large is not None:
        messages.error(request, _errors(too_large))
        return redirect("org:contact_detail", pk=contact.pk)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("org:contact_detail", pk=contact.pk)
    try:
        attachments.attach(
            contact,
            form.cleaned_data["file"],
            actor=user,
            classification=form.cleaned_data["classification"],
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("File attached."))
    return redirect("org:contact_detail", pk=contact.pk)
