"""Pages of stock counts and their discrepancies. Thin: scope, then the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.controlled.catalogue.models import UNITS, shown
from vigil.controlled.counts import services
from vigil.controlled.counts.forms import CountForm, CountLineFormSet, ResolveForm
from vigil.controlled.counts.models import Discrepancy, StockCount
from vigil.controlled.counts.queries import open_discrepancies, visible_counts
from vigil.controlled.ledger import inflight
from vigil.controlled.registry.models import Store
from vigil.core.pages import acting, audit_classified_view, submit
from vigil.org.scope import get_visible_or_404
from vigil.situation.alerts.models import Alert
from vigil.situation.incidents.models import Incident


def count_list(request: HttpRequest) -> HttpResponse:
    counts = visible_counts(request.user).annotate(
        found=Count("discrepancies")
    ).order_by("-counted_at", "-pk")  # fmt: skip
    status = request.GET.get("status", "")
    if status in StockCount.Status.values:
        counts = counts.filter(status=status)
    page = Paginator(counts, 50).get_page(request.GET.get("page"))
    pending = [
        {"d": d, "shown": shown(d.item.item_class, d.quantity)}
        for d in open_discrepancies(request.user)[:50]
    ]
    return render(
        request, "controlled/count_list.html",
        {"page": page, "status": status, "statuses": StockCount.Status.choices,
         "pending": pending, "page_stamp": audit_classified_view(request, list(page))},
    )  # fmt: skip


def _difference(counted: int, book: int | None, item_class: str) -> str:
    if book is None or counted == book:
        return ""
    sign = "+" if counted > book else "−"
    return sign + shown(item_class, abs(counted - book))


def _in_unit(d: Discrepancy) -> Decimal:
    return (Decimal(d.quantity) / UNITS[d.item.item_class][2]).normalize()


def count_detail(request: HttpRequest, pk: int) -> HttpResponse:
    count: StockCount = get_visible_or_404(visible_counts(request.user), request.user, pk=pk)
    lines = [
        {
            "line": line,
            "counted": shown(line.item.item_class, line.counted),
            "book": "" if line.book is None else shown(line.item.item_class, line.book),
            "difference": _difference(line.counted, line.book, line.item.item_class),
        }
        for line in count.lines.select_related("item").order_by("pk")
    ]
    found = [
        {
            "d": d, "shown": shown(d.item.item_class, d.quantity),
            "can_resolve": services.may_resolve(request.user, d),
            "form": ResolveForm(
                auto_id=f"d{d.pk}-%s", initial={"unit": d.item.unit, "quantity": _in_unit(d)}
            ),
        }
        for d in count.discrepancies.select_related("item", "entry", "resolution_entry")
        .order_by("pk")
    ]  # fmt: skip
    incident = (
        Incident.objects.visible_to(request.user).filter(pk=count.incident_id).first()
        if count.incident_id else None
    )  # fmt: skip
    alert = (
        Alert.objects.visible_to(request.user).filter(pk=count.alert_id).first()
        if count.alert_id else None
    )  # fmt: skip
    return render(
        request, "controlled/count_detail.html",
        {"count": count, "lines": lines, "found": found, "incident": incident, "alert": alert,
         "can_submit": services.may_submit(request.user, count),
         "page_stamp": audit_classified_view(request, [count], about=count)},
    )  # fmt: skip


def _lines(formset: Any) -> list[services.CountLineInput]:
    return [
        services.CountLineInput(
            item=data["item"],
            quantity=data["quantity"],
            unit=data.get("unit") or None,
            lot=data.get("lot") or "",
        )
        for data in formset.cleaned_data
        if data and data.get("item") is not None
    ]


@require_http_methods(["GET", "POST"])
def count_create(request: HttpRequest, store_pk: int) -> HttpResponse:
    store: Store = get_visible_or_404(
        Store.objects.select_related("owning_agency"), request.user, pk=store_pk
    )
    if not services.may_count(request.user, store):
        raise PermissionDenied
    form = CountForm(request.POST or None)
    formset = CountLineFormSet(request.POST or None, prefix="lines")
    done = submit(
        request, form,
        lambda data: services.record_count(
            store, counted_at=data["counted_at"], counters=data["counters"],
            witnesses=data["witnesses"], note=data["note"], lines=_lines(formset),
            actor=acting(request),
        ),
        success=_("Count recorded as a draft: check it, then submit it."),
        also=[formset],
    )  # fmt: skip
    if done is not None:
        return done
    return render(
        request, "controlled/count_form.html", {"form": form, "formset": formset, "store": store}
    )


@require_POST
def count_submit(request: HttpRequest, pk: int) -> HttpResponse:
    count: StockCount = get_visible_or_404(StockCount.objects, request.user, pk=pk)
    if not services.may_count(request.user, count.store):
        raise PermissionDenied
    if count.status == StockCount.Status.SUBMITTED:
        messages.info(request, _("This count was already submitted."))
        return redirect(count)
    try:
        count = services.submit_count(count, actor=acting(request))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except inflight.InProgress as exc:
        messages.error(request, str(exc))
    else:
        if count.incident_id:
            messages.warning(
                request,
                _("The count differs from the books: the discrepancies are recorded, an "
                  "incident is opened and the police are alerted."),
            )  # fmt: skip
        else:
            messages.success(request, _("Count submitted: it matches the books."))
    return redirect(count)


@require_POST
def discrepancy_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    d: Discrepancy = get_visible_or_404(
        Discrepancy.objects.select_related("item", "store"), request.user, pk=pk
    )
    if not services.may_count(request.user, d.store):
        raise PermissionDenied
    form = ResolveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(
                [f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
                 if name in form.fields else " ".join(str(e) for e in errors)
                 for name, errors in form.errors.items()]
            )  # fmt: skip
        data = form.cleaned_data
        services.resolve_discrepancy(
            d, outcome=data["outcome"], quantity=data["quantity"], unit=data["unit"],
            note=data["note"], actor=acting(request),
        )  # fmt: skip
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except inflight.InProgress as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Discrepancy resolved."))
    return redirect(d)
