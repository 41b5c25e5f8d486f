"""Pages of blasts (*hộ chiếu nổ mìn*). Thin: scope, then the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vigil.controlled.blasts import queries, services
from vigil.controlled.blasts.forms import BlastForm, LineFormSet, ResultForm
from vigil.controlled.blasts.models import Blast, BlastLine
from vigil.controlled.catalogue.models import UNITS
from vigil.controlled.ledger import inflight
from vigil.controlled.ledger.models import LedgerEntry
from vigil.controlled.ledger.queries import movement_rows
from vigil.controlled.registry.models import Store
from vigil.core.forms import add_form_errors
from vigil.core.pages import acting, audit_classified_view, submit
from vigil.org.scope import get_visible_or_404

PAGE = 50


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


def blast_list(request: HttpRequest) -> HttpResponse:
    blasts = queries.with_marker(queries.visible_blasts(request.user)).order_by("-fired_at", "-pk")
    status = request.GET.get("status", "")
    if status == "unbalanced":
        blasts = queries.not_balancing(blasts)
    elif status in Blast.Status.values:
        blasts = blasts.filter(status=status)
    store_pk = _int(request.GET.get("store"))
    store = Store.objects.visible_to(request.user).filter(pk=store_pk).first() if store_pk else None
    if store_pk:
        blasts = blasts.filter(store_id=store_pk)
    page = Paginator(blasts, PAGE).get_page(request.GET.get("page"))
    stamp = audit_classified_view(request, list(page))
    keeps = [
        s for s in Store.objects.visible_to(request.user).order_by("name")
        if services.may_record_blasts(request.user, s.owning_agency_id)
    ]  # fmt: skip
    filters = [("", _("All")), *Blast.Status.choices, ("unbalanced", _("Does not balance"))]
    return render(
        request, "controlled/blast_list.html",
        {"page": page, "status": status, "filters": filters, "store": store,
         "store_query": f"&store={store.pk}" if store else "", "keeps": keeps, "page_stamp": stamp},
    )  # fmt: skip


LEGS = ("issue", "settle", "use", "return")


def _line_rows(user: Any, blast: Blast, lines: list[BlastLine]) -> list[dict[str, Any]]:
    """Each line with its figures as shown and its ledger entries (found by their keys)."""
    keys = {services.line_key(blast, leg, line): line.pk for line in lines for leg in LEGS}
    entries = (
        LedgerEntry.objects.visible_to(user)
        .filter(owning_agency_id=blast.owning_agency_id, idempotency_key__in=list(keys))
        .select_related("item", "from_account__store", "to_account__store")
        .order_by("seq")
    )
    by_line: dict[int, list[LedgerEntry]] = {}
    for entry in entries:
        by_line.setdefault(keys[entry.idempotency_key], []).append(entry)
    rows = []
    for line in lines:
        recorded = line.used is not None and line.returned is not None
        rows.append({
            "line": line, "name": services.line_name(line),
            "issued": services.in_shown_unit(line, line.issued),
            "used": services.in_shown_unit(line, line.used),
            "returned": services.in_shown_unit(line, line.returned),
            "difference": services.in_shown_unit(line, line.difference) if recorded else "—",
            "off": recorded and not line.balanced,
            "entries": movement_rows(by_line.get(line.pk, [])),
        })  # fmt: skip
    return rows


def blast_detail(request: HttpRequest, pk: int) -> HttpResponse:
    blast: Blast = get_visible_or_404(queries.visible_blasts(request.user), request.user, pk=pk)
    lines = list(blast.lines.select_related("item").order_by("pk"))
    stands_out = queries.stands_out(blast, lines)
    reasons = services.unbalanced_messages(lines) if stands_out else []
    if stands_out and not any(line.used is not None for line in lines):
        reasons = [_("No results recorded more than a day after the blast.")]
    stamp = audit_classified_view(request, [blast], about=blast)
    return render(
        request, "controlled/blast_detail.html",
        {"b": blast, "rows": _line_rows(request.user, blast, lines), "stands_out": stands_out, "reasons": reasons,
         "can_record": services.may_record(request.user, blast), "page_stamp": stamp},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def blast_create(request: HttpRequest, store_pk: int) -> HttpResponse:
    store: Store = get_visible_or_404(
        Store.objects.select_related("owning_agency", "admin_unit"), request.user, pk=store_pk
    )
    if not services.may_record_blasts(request.user, store.owning_agency_id):
        raise PermissionDenied
    form = BlastForm(request.POST or None, store=store, user=request.user)
    lines = LineFormSet(request.POST or None, prefix="lines")

    def open_(data: dict[str, Any]) -> Blast:
        given = [
            services.BlastLineInput(
                item=f.cleaned_data["item"],
                quantity=f.cleaned_data["quantity"],
                unit=f.cleaned_data.get("unit") or None,
                lot=f.cleaned_data.get("lot", ""),
            )
            for f in lines
            if f.cleaned_data.get("item")
        ]
        return services.open_blast(
            store.owning_agency, store=store, number=data["number"],
            site_name=data["site_name"], admin_unit=data["admin_unit"],
            fired_at=data["fired_at"], person_in_charge=data["person_in_charge"],
            key_site=data["key_site"], note=data["note"], lines=given, actor=acting(request),
        )  # fmt: skip

    done = submit(
        request, form, open_, also=[lines], refusals=(inflight.InProgress,),
        success=_("Blast recorded: the explosives are issued to the blasting face."),
    )  # fmt: skip
    if done is not None:
        return done
    return render(
        request, "controlled/blast_form.html",
        {"form": form, "lines": lines, "store": store,
         "title": _("New blast from %(store)s") % {"store": store.name},
         "back": reverse("controlled:store_detail", args=[store.pk])},
    )  # fmt: skip


def _recordable(request: HttpRequest, pk: int) -> Blast:
    """A blast the user sees (else 404) and may record (else 403)."""
    blast: Blast = get_visible_or_404(queries.visible_blasts(request.user), request.user, pk=pk)
    if not services.may_record_blasts(request.user, blast.owning_agency_id):
        raise PermissionDenied
    return blast


def _initial(line: BlastLine) -> dict[str, Any]:
    unit = services.units_of(line.item)[0]
    factor = UNITS[line.item.item_class][2]
    values: dict[str, Any] = {"unit": unit}
    if line.used is not None:
        values["used"] = Decimal(line.used) / factor
    if line.returned is not None:
        values["returned"] = Decimal(line.returned) / factor
    return values


@require_http_methods(["GET", "POST"])
def blast_results(request: HttpRequest, pk: int) -> HttpResponse:
    blast = _recordable(request, pk)
    if blast.status != Blast.Status.OPEN:
        messages.error(request, _("This blast is closed; its results can no longer change."))
        return redirect(blast)
    lines = list(blast.lines.select_related("item").order_by("pk"))
    forms_ = [
        ResultForm(request.POST or None, line=line, prefix=f"line-{line.pk}",
                   initial=_initial(line))
        for line in lines
    ]  # fmt: skip
    checked = [f.is_valid() for f in forms_]  # each form shows its own errors
    if request.method == "POST" and all(checked):
        results = [
            services.LineResult(line_id=f.line.pk, used=f.cleaned_data["used"],
                                returned=f.cleaned_data["returned"], unit=f.cleaned_data["unit"])
            for f in forms_
        ]  # fmt: skip
        try:
            services.record_results(blast, results=results, actor=acting(request))
        except ValidationError as exc:
            add_form_errors(forms_[0], exc)
        else:
            messages.success(request, _("Results recorded."))
            return redirect(blast)
    return render(
        request, "controlled/blast_results.html",
        {"b": blast, "forms": forms_, "title": _("Results of blast %(number)s")
         % {"number": blast.number}},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def blast_close(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what closing will post, and a button to confirm; POST: close."""
    blast = _recordable(request, pk)
    if request.method == "POST":
        try:
            services.close_blast(blast, actor=acting(request))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except inflight.InProgress as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Blast closed: what was used and returned is posted to the ledger.")
            )
        return redirect(blast)
    lines = list(blast.lines.select_related("item").order_by("pk"))
    return render(
        request, "controlled/blast_close.html",
        {"b": blast, "rows": _line_rows(request.user, blast, lines), "open": blast.status == Blast.Status.OPEN,
         "reasons": services.unbalanced_messages(lines)},
    )  # fmt: skip
