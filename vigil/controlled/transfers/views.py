"""Pages of transfers to another organisation's store. Thin: scope, then the services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.controlled.catalogue.models import shown
from vigil.controlled.ledger import inflight
from vigil.controlled.registry.models import Store
from vigil.controlled.transfers import services
from vigil.controlled.transfers.forms import ReasonForm, TransferForm
from vigil.controlled.transfers.models import Transfer
from vigil.controlled.transfers.queries import destination_stores, visible_transfers
from vigil.core.pages import acting, submit
from vigil.org.scope import Role, get_visible_or_404, scope_for


def transfer_list(request: HttpRequest) -> HttpResponse:
    transfers_ = visible_transfers(request.user).order_by("-sent_at", "-pk")
    status = request.GET.get("status", "")
    if status in Transfer.Status.values:
        transfers_ = transfers_.filter(status=status)
    page = Paginator(transfers_, 50).get_page(request.GET.get("page"))
    rows = [{"t": t, "shown": shown(t.item.item_class, t.quantity)} for t in page]
    return render(
        request, "controlled/transfer_list.html",
        {"page": page, "rows": rows, "status": status, "statuses": Transfer.Status.choices},
    )  # fmt: skip


def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer: Transfer = get_visible_or_404(visible_transfers(request.user), request.user, pk=pk)
    scope = scope_for(request.user)
    open_ = transfer.status == Transfer.Status.IN_TRANSIT
    return render(
        request,
        "controlled/transfer_detail.html",
        {
            "t": transfer, "shown": shown(transfer.item.item_class, transfer.quantity),
            "can_receive": open_
            and scope.agency_role_in(transfer.receiving_agency_id, Role.STOREKEEPER),
            "can_cancel": open_ and scope.agency_role_in(transfer.owning_agency_id, Role.STOREKEEPER),
            "cancel_form": ReasonForm(),
        },
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def transfer_create(request: HttpRequest, store_pk: int) -> HttpResponse:
    store: Store = get_visible_or_404(
        Store.objects.select_related("owning_agency"), request.user, pk=store_pk
    )
    if not scope_for(request.user).agency_role_in(store.owning_agency_id, Role.STOREKEEPER):
        raise PermissionDenied
    form = TransferForm(
        request.POST or None, destinations=destination_stores(store.owning_agency_id)
    )
    done = submit(
        request, form, lambda data: services.dispatch_transfer(store, actor=acting(request), **data),
        success=_("Transfer sent; the receiving store confirms receipt."),
        then=lambda transfer: reverse("controlled:transfer_detail", args=[transfer.pk]),
        refusals=(inflight.InProgress,),
    )  # fmt: skip
    if done is not None:
        return done
    return render(
        request, "controlled/form.html",
        {"form": form, "title": _("Transfer from %(store)s to another organisation")
         % {"store": store.name}, "back": reverse("controlled:store_detail", args=[store_pk])},
    )  # fmt: skip


@require_POST
def transfer_receive(request: HttpRequest, pk: int) -> HttpResponse:
    transfer: Transfer = get_visible_or_404(Transfer.objects, request.user, pk=pk)
    if not scope_for(request.user).agency_role_in(transfer.receiving_agency_id, Role.STOREKEEPER):
        raise PermissionDenied
    try:
        services.receive_transfer(transfer, actor=acting(request))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except inflight.InProgress as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Receipt recorded."))
    return redirect("controlled:transfer_detail", pk=pk)


@require_POST
def transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    transfer: Transfer = get_visible_or_404(Transfer.objects, request.user, pk=pk)
    if not scope_for(request.user).agency_role_in(transfer.owning_agency_id, Role.STOREKEEPER):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the transfer is cancelled."))
        services.cancel_transfer(
            transfer, reason=form.cleaned_data["reason"], actor=acting(request)
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except inflight.InProgress as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Transfer cancelled; the goods are back in the store."))
    return redirect("controlled:transfer_detail", pk=pk)
