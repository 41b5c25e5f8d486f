"""Pages of the registry and the ledger. Thin: scope, then services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vigil.controlled import inflight, services
from vigil.controlled.forms import MovementFilterForm, MovementForm
from vigil.controlled.models import LedgerEntry, Licence, Store, shown
from vigil.controlled.queries import at_store, local_day_range
from vigil.core import clock
from vigil.core.forms import add_form_errors
from vigil.core.paging import CappedPaginator
from vigil.org.scope import get_visible_or_404, scope_for

EXPIRY_DAYS = 60


def _totals(store: Store) -> list[dict[str, Any]]:
    return [
        {
            "item_class": t.get_item_class_display(),
            "quantity": shown(t.item_class, t.quantity),
            "capacity": shown(t.item_class, t.capacity),
            "percent": round(100 * t.quantity / t.capacity) if t.capacity else 0,
        }
        for t in store.totals.order_by("item_class")
    ]


def store_list(request: HttpRequest) -> HttpResponse:
    stores = (
        Store.objects.visible_to(request.user)
        .select_related("owning_agency", "admin_unit")
        .prefetch_related("totals")
        .order_by("owning_agency__name", "name")
    )
    rows = [{"store": s, "totals": _totals(s)} for s in stores]
    return render(request, "controlled/store_list.html", {"rows": rows})


def store_detail(request: HttpRequest, pk: int) -> HttpResponse:
    store: Store = get_visible_or_404(
        Store.objects.select_related("owning_agency", "admin_unit"), request.user, pk=pk
    )
    balances = [
        {"balance": b, "shown": shown(b.item.item_class, b.quantity)}
        for b in store.balances.filter(quantity__gt=0).select_related("item")
    ]
    movements = at_store(_movements(request.user), store.pk).order_by("-pk")[:20]
    keeper = scope_for(request.user).agency_role_in(store.owning_agency_id, "storekeeper")
    from vigil.controlled.registry import may_keep_record

    inspections = store.inspections.visible_to(request.user).select_related("inspecting_agency")
    return render(
        request,
        "controlled/store_detail.html",
        {
            "store": store, "totals": _totals(store), "balances": balances,
            "movements": _rows(movements), "keeper": keeper,
            "can_keep": may_keep_record(request.user, store),
            "inspections": inspections[:10], "today": clock.today(),
            "licences": Licence.objects.visible_to(request.user)
            .filter(owning_agency_id=store.owning_agency_id)
            .filter(Q(stores=store) | Q(stores__isnull=True)).distinct().order_by("-valid_to"),
        },
    )  # fmt: skip


def _movements(user: Any) -> Any:
    return LedgerEntry.objects.visible_to(user).select_related(
        "item", "from_account__store", "to_account__store"
    )


def _rows(entries: Any) -> list[dict[str, Any]]:
    return [{"entry": e, "shown": shown(e.item.item_class, e.quantity)} for e in entries]


@require_http_methods(["GET", "POST"])
def movement_create(request: HttpRequest, store_pk: int) -> HttpResponse:
    store: Store = get_visible_or_404(
        Store.objects.select_related("owning_agency"), request.user, pk=store_pk
    )
    if not scope_for(request.user).agency_role_in(store.owning_agency_id, "storekeeper"):
        raise PermissionDenied
    form = MovementForm(request.POST or None, store=store)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = store.owning_agency
        try:
            counterpart = data["counterpart"]
            if counterpart.startswith("store:"):
                other: Store = get_visible_or_404(
                    Store.objects, request.user, pk=int(counterpart.removeprefix("store:"))
                )
                other_account = other.account
            else:
                other_account = services.outside_account(organisation, counterpart)
            here = store.account
            inward = data["direction"] == "in"
            services.post_movement(
                organisation, item=data["item"], quantity=data["quantity"], unit=data["unit"],
                from_account=other_account if inward else here,
                to_account=here if inward else other_account,
                idempotency_key=data["idempotency_key"], lot=data["lot"],
                document_ref=data["document_ref"], reason=data["reason"], actor=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            add_form_errors(form, exc)
        except inflight.InProgress as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Movement recorded."))
            return redirect("controlled:store_detail", pk=store.pk)
    return render(request, "controlled/movement_form.html", {"form": form, "store": store})


def movement_list(request: HttpRequest) -> HttpResponse:
    form = MovementFilterForm(request.GET, user=request.user)
    entries = _movements(request.user).order_by("-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["store"]:
            entries = at_store(entries, data["store"].pk)
        if data["item"]:
            entries = entries.filter(item=data["item"])
        entries = entries.filter(**local_day_range(data["since"], data["until"]))
    elif form.is_bound:
        entries = entries.none()  # a refused filter shows its error, not every movement
    page = CappedPaginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "controlled/movement_list.html",
        {"form": form, "page": page, "rows": _rows(page.object_list)},
    )


def licence_list(request: HttpRequest) -> HttpResponse:
    """Every licence, or those expiring within 60 or 30 days, with filters."""
    from vigil.controlled.registry_forms import LicenceFilterForm
    from vigil.controlled.registry_views import visible_organisations

    today = clock.today()
    query = request.GET.copy()
    if query.get("expiring") == "1" and not query.get("days"):
        query["days"] = str(EXPIRY_DAYS)  # the earlier link: ?expiring=1
    form = LicenceFilterForm(query, organisations=visible_organisations(request.user))
    licences = (
        Licence.objects.visible_to(request.user)
        .select_related("owning_agency", "licensing_agency")
        .order_by("valid_to", "pk")
    )
    days = None
    if form.is_valid():
        data = form.cleaned_data
        days = data["days"]
        if days:
            licences = licences.filter(
                status=Licence.Status.ACTIVE, valid_to__gte=today,
                valid_to__lte=today + dt.timedelta(days=days),
            )  # fmt: skip
        if data["organisation"]:
            licences = licences.filter(owning_agency=data["organisation"])
        if data["kind"]:
            licences = licences.filter(kind=data["kind"])
        if data["status"]:
            licences = licences.filter(status=data["status"])
    soon = today + dt.timedelta(days=EXPIRY_DAYS)
    rows = [
        {
            "licence": lic,
            "days_left": (lic.valid_to - today).days,
            "soon": lic.status == Licence.Status.ACTIVE and today <= lic.valid_to <= soon,
        }
        for lic in licences
    ]
    template = "controlled/licence_list.html"
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(
        request, template, {"rows": rows, "expiring": bool(days), "days": days, "form": form}
    )
