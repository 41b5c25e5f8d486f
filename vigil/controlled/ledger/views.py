"""Pages of the ledger: record a movement, the history, the balances. Thin: scope,
then the services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vigil.controlled.ledger import inflight, services
from vigil.controlled.ledger.forms import BalanceFilterForm, MovementFilterForm, MovementForm
from vigil.controlled.ledger.queries import (
    at_store,
    balance_totals,
    filtered_balances,
    local_day_range,
    movement_rows,
    visible_movements,
)
from vigil.controlled.registry.models import Store
from vigil.controlled.registry.queries import visible_communes, visible_organisations
from vigil.core.pages import acting, submit
from vigil.core.paging import CappedPaginator
from vigil.org.scope import Role, get_visible_or_404, scope_for


@require_http_methods(["GET", "POST"])
def movement_create(request: HttpRequest, store_pk: int) -> HttpResponse:
    store: Store = get_visible_or_404(
        Store.objects.select_related("owning_agency"), request.user, pk=store_pk
    )
    if not scope_for(request.user).agency_role_in(store.owning_agency_id, Role.STOREKEEPER):
        raise PermissionDenied
    form = MovementForm(request.POST or None, store=store)

    def post(data: dict[str, Any]) -> None:
        organisation = store.owning_agency
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
            document_ref=data["document_ref"], reason=data["reason"], actor=acting(request),
        )  # fmt: skip

    done = submit(
        request, form, post, success=_("Movement recorded."),
        then=reverse("controlled:store_detail", args=[store.pk]), refusals=(inflight.InProgress,),
    )  # fmt: skip
    if done is not None:
        return done
    return render(request, "controlled/movement_form.html", {"form": form, "store": store})


def movement_list(request: HttpRequest) -> HttpResponse:
    form = MovementFilterForm(request.GET, user=request.user)
    entries = visible_movements(request.user).order_by("-pk")
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
        {"form": form, "page": page, "rows": movement_rows(page.object_list)},
    )


def balance_list(request: HttpRequest) -> HttpResponse:
    form = BalanceFilterForm(
        request.GET, organisations=visible_organisations(request.user),
        communes=visible_communes(request.user),
    )  # fmt: skip
    data = form.cleaned_data if form.is_valid() else {}
    by = data.get("by") or "store"
    balances = filtered_balances(request.user, data)
    rows = balance_totals(balances, by)
    template = "controlled/balance_list.html"
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(
        request, template,
        {"form": form, "rows": rows, "by": by, "by_label": dict(form.BY)[by]},
    )  # fmt: skip
