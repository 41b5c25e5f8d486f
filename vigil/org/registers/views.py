"""A committee's number registers: its numbers, taking one, and the numbering setting."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vigil.core import numbering as core_numbering
from vigil.core.models import IssuedNumber, NumberRegister
from vigil.core.pages import acting, submit
from vigil.org.models import Committee
from vigil.org.registers import services as numbering
from vigil.org.registers.forms import NumberForm
from vigil.org.scope import can_keep_numbers, can_set_numbering, get_visible_or_404


@require_http_methods(["GET", "POST"])
def committee_numbers(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee's registers and numbers; its standing office and administrators only."""
    committee: Committee = get_visible_or_404(Committee.objects, request.user, pk=pk)
    if not can_keep_numbers(request.user, committee):
        raise Http404
    if request.method == "POST" and "per_type" in request.POST:
        # The administrator's setting: one series per type, or one shared.
        numbering.set_per_type(committee, request.POST["per_type"] == "1", actor=acting(request))
        messages.success(request, _("Numbering setting saved."))
        return redirect("org:committee_numbers", pk=committee.pk)
    form = NumberForm(request.POST or None)

    def take(data: dict[str, Any]) -> IssuedNumber:
        if data["number"]:
            return numbering.record_external_number(
                committee,
                data["doc_type"],
                data["number"],
                actor=acting(request),
                unit=data["unit"],
            )
        return numbering.issue_number(
            committee, data["doc_type"], actor=acting(request), unit=data["unit"]
        )

    def recorded(issued: IssuedNumber) -> str:
        messages.success(request, _("Number recorded: %(symbol)s") % {"symbol": issued.symbol})
        return reverse("org:committee_numbers", args=[committee.pk])

    done = submit(request, form, take, success=None, then=recorded)
    if done is not None:
        return done
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
