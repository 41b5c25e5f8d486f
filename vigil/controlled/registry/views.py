"""Pages of the registry: organisations, licences, stores. Thin: scope, then the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.controlled.catalogue.models import UNITS, ItemClass, shown
from vigil.controlled.ledger.models import Balance
from vigil.controlled.ledger.queries import at_store, movement_rows, visible_movements
from vigil.controlled.registry import keepers, queries, services
from vigil.controlled.registry.forms import (
    LicenceFilterForm,
    LicenceForm,
    LicenceStatusForm,
    OrganisationFilterForm,
    OrganisationForm,
    StoreForm,
)
from vigil.controlled.registry.models import Licence, OrganisationProfile, Store
from vigil.controlled.registry.queries import (
    class_totals,
    profiles,
    standing_filter,
    store_totals,
    visible_communes,
    visible_organisations,
)
from vigil.core import clock
from vigil.core.endpoints import ID_MAX
from vigil.core.pages import acting, submit
from vigil.core.search import folded_query
from vigil.org.scope import Role, get_visible_or_404, scope_for

EXPIRY_DAYS = 60


def store_list(request: HttpRequest) -> HttpResponse:
    stores = (
        Store.objects.visible_to(request.user)
        .select_related("owning_agency", "admin_unit")
        .prefetch_related("totals")
        .order_by("owning_agency__name", "name")
    )
    rows = [{"store": s, "totals": store_totals(s)} for s in stores]
    return render(request, "controlled/store_list.html", {"rows": rows})


def store_detail(request: HttpRequest, pk: int) -> HttpResponse:
    store: Store = get_visible_or_404(
        Store.objects.select_related("owning_agency", "admin_unit"), request.user, pk=pk
    )
    balances = [
        {"balance": b, "shown": shown(b.item.item_class, b.quantity)}
        for b in Balance.objects.visible_to(request.user)
        .filter(store=store, quantity__gt=0)
        .select_related("item")
    ]
    movements = at_store(visible_movements(request.user), store.pk).order_by("-pk")[:20]
    keeper = scope_for(request.user).agency_role_in(store.owning_agency_id, Role.STOREKEEPER)
    inspections = store.inspections.visible_to(request.user).select_related("inspecting_agency")
    return render(
        request,
        "controlled/store_detail.html",
        {
            "store": store, "totals": store_totals(store), "balances": balances,
            "movements": movement_rows(movements), "keeper": keeper,
            "can_keep": keepers.may_keep_record(request.user, store),
            "inspections": inspections[:10], "today": clock.today(),
            "licences": Licence.objects.visible_to(request.user)
            .filter(owning_agency_id=store.owning_agency_id)
            .filter(Q(stores=store) | Q(stores__isnull=True)).distinct().order_by("-valid_to"),
        },
    )  # fmt: skip


def licence_list(request: HttpRequest) -> HttpResponse:
    """Every licence, or those expiring within 60 or 30 days, with filters."""
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


def _profile_or_404(user: Any, pk: int) -> OrganisationProfile:
    """An organisation by its agency's id; beyond the id range is simply not found."""
    if pk > ID_MAX:
        raise Http404
    return get_visible_or_404(  # type: ignore[no-any-return]
        profiles(user).select_related("owning_committee"), user, pk=pk
    )


def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET, communes=visible_communes(request.user))
    found = profiles(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            found = found.filter(
                folded_query("organisation__name_folded", data["q"])
                | Q(organisation__tax_code=data["q"].strip())
            )
        if data["sector"]:
            found = found.filter(sector=data["sector"])
        if data["commune"]:
            found = found.filter(organisation__admin_unit=data["commune"])
        if data["licence"]:
            found = standing_filter(found, data["licence"])
    found = queries.with_standing(found.order_by("organisation__name"), clock.today())
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    rows = [{"profile": p, "standing": queries.standing_of(p)} for p in page]
    template = "controlled/organisation_list.html"
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(
        request, template,
        {"form": form, "page": page, "rows": rows,
         "can_create": keepers.may_create_organisations(request.user)},
    )  # fmt: skip


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile_or_404(request.user, pk)
    stores = Store.objects.visible_to(request.user).filter(owning_agency_id=pk)
    licences = (
        Licence.objects.visible_to(request.user)
        .filter(owning_agency_id=pk)
        .select_related("licensing_agency")
        .order_by("-valid_to")
    )
    today = clock.today()
    return render(
        request,
        "controlled/organisation_detail.html",
        {
            "profile": profile, "agency": profile.organisation,
            "stores": stores.select_related("admin_unit").order_by("name"),
            "licences": [{"licence": lic, "in_force": lic.in_force_on(today)} for lic in licences],
            "totals": class_totals(stores),
            "standing": queries.licence_standing(pk, today),
            "can_keep": keepers.may_keep_record(request.user, profile),
        },
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    licensers = keepers.licensing_agencies_for(request.user)
    if not licensers.exists():
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, licensers=licensers)
    done = submit(
        request, form, lambda data: services.create_organisation(actor=acting(request), **data),
        success=_("Organisation recorded."),
        then=lambda profile: reverse("controlled:organisation_detail", args=[profile.pk]),
    )  # fmt: skip
    if done is not None:
        return done
    return render(
        request, "controlled/form.html",
        {"form": form, "title": _("New licensed organisation"),
         "back": reverse("controlled:organisation_list")},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile_or_404(request.user, pk)
    if not keepers.may_keep_record(request.user, profile):
        raise PermissionDenied
    agency = profile.organisation
    initial = {
        "name": agency.name, "tax_code": agency.tax_code, "sector": profile.sector,
        "parent_group": profile.parent_group, "admin_unit": agency.admin_unit,
        "address": profile.address,
    }  # fmt: skip
    form = OrganisationForm(request.POST or None, initial=initial, licensers=None)
    done = submit(
        request, form,
        lambda data: services.update_organisation(profile, actor=acting(request), **data),
        success=_("Organisation updated."),
        then=reverse("controlled:organisation_detail", args=[profile.pk]),
    )  # fmt: skip
    if done is not None:
        return done
    return render(
        request, "controlled/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": agency.name},
         "back": reverse("controlled:organisation_detail", args=[pk])},
    )  # fmt: skip


def licence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    licence: Licence = get_visible_or_404(
        Licence.objects.select_related("owning_agency", "licensing_agency"), request.user, pk=pk
    )
    can_keep = keepers.may_keep_record(request.user, licence)
    allowed = services.TRANSITIONS[licence.status]
    status_form = LicenceStatusForm()
    status_field: Any = status_form.fields["status"]
    status_field.choices = [(v, lbl) for v, lbl in Licence.Status.choices if v in allowed]
    return render(
        request,
        "controlled/licence_detail.html",
        {
            "licence": licence, "events": licence.events.all(),
            "stores": licence.stores.all(), "today": clock.today(),
            "in_force": licence.in_force_on(clock.today()),
            "classes": [ItemClass(c).label for c in licence.item_classes],
            "can_keep": can_keep, "status_form": status_form if allowed else None,
        },
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def licence_create(request: HttpRequest, org_pk: int) -> HttpResponse:
    profile = _profile_or_404(request.user, org_pk)
    if not keepers.may_keep_record(request.user, profile):
        raise PermissionDenied
    issuers = keepers.licensing_agencies_for(request.user)
    stores = Store.objects.filter(owning_agency_id=org_pk).order_by("name")
    form = LicenceForm(request.POST or None, stores=stores, issuers=issuers)
    done = submit(
        request, form,
        lambda data: services.create_licence(profile.organisation, actor=acting(request), **data),
        success=_("Licence recorded."),
        then=lambda licence: reverse("controlled:licence_detail", args=[licence.pk]),
    )  # fmt: skip
    if done is not None:
        return done
    return render(
        request, "controlled/form.html",
        {"form": form, "title": _("New licence for %(org)s") % {"org": profile.organisation},
         "back": reverse("controlled:organisation_detail", args=[org_pk])},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def licence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    licence: Licence = get_visible_or_404(Licence.objects, request.user, pk=pk)
    if not keepers.may_keep_record(request.user, licence):
        raise PermissionDenied
    stores = Store.objects.filter(owning_agency_id=licence.owning_agency_id).order_by("name")
    initial = {
        "number": licence.number, "kind": licence.kind, "valid_from": licence.valid_from,
        "valid_to": licence.valid_to, "item_classes": licence.item_classes,
        "stores": list(licence.stores.all()),
    }  # fmt: skip
    form = LicenceForm(request.POST or None, initial=initial, stores=stores, issuers=None)
    done = submit(
        request, form, lambda data: services.update_licence(licence, actor=acting(request), **data),
        success=_("Licence updated."), then=reverse("controlled:licence_detail", args=[licence.pk]),
    )  # fmt: skip
    if done is not None:
        return done
    return render(
        request, "controlled/form.html",
        {"form": form, "title": _("Edit licence %(n)s") % {"n": licence.number},
         "back": reverse("controlled:licence_detail", args=[pk])},
    )  # fmt: skip


@require_POST
def licence_status(request: HttpRequest, pk: int) -> HttpResponse:
    licence: Licence = get_visible_or_404(Licence.objects, request.user, pk=pk)
    if not keepers.may_keep_record(request.user, licence):
        raise PermissionDenied
    form = LicenceStatusForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("controlled:licence_detail", pk=pk)
    try:
        services.change_licence_status(
            licence, form.cleaned_data["status"], reason=form.cleaned_data["reason"],
            actor=acting(request),
        )  # fmt: skip
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Licence status changed."))
    return redirect("controlled:licence_detail", pk=pk)


@require_http_methods(["GET", "POST"])
def store_create(request: HttpRequest, org_pk: int) -> HttpResponse:
    profile = _profile_or_404(request.user, org_pk)
    if not keepers.may_keep_record(request.user, profile):
        raise PermissionDenied
    form = StoreForm(request.POST or None, initial={"admin_unit": profile.organisation.admin_unit})
    done = submit(
        request, form,
        lambda data: services.create_store(
            profile.organisation, name=data["name"], kind=data["kind"],
            admin_unit=data["admin_unit"], capacities=form.capacities(), actor=acting(request),
        ),
        success=_("Store recorded."),
        then=lambda store: reverse("controlled:store_detail", args=[store.pk]),
    )  # fmt: skip
    if done is not None:
        return done
    return render(
        request, "controlled/form.html",
        {"form": form, "title": _("New store for %(org)s") % {"org": profile.organisation},
         "back": reverse("controlled:organisation_detail", args=[org_pk])},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def store_edit(request: HttpRequest, pk: int) -> HttpResponse:
    store: Store = get_visible_or_404(Store.objects, request.user, pk=pk)
    if not keepers.may_keep_record(request.user, store):
        raise PermissionDenied
    initial: dict[str, Any] = {
        "name": store.name,
        "kind": store.kind,
        "admin_unit": store.admin_unit,
    }
    for total in store.totals.all():
        factor = UNITS[total.item_class][2]
        initial[f"capacity_{total.item_class}"] = Decimal(total.capacity) / factor
    form = StoreForm(request.POST or None, initial=initial)
    done = submit(
        request, form,
        lambda data: services.update_store(
            store, name=data["name"], kind=data["kind"], admin_unit=data["admin_unit"],
            capacities=form.capacities(), actor=acting(request),
        ),
        success=_("Store updated."), then=reverse("controlled:store_detail", args=[store.pk]),
    )  # fmt: skip
    if done is not None:
        return done
    return render(
        request, "controlled/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": store.name},
         "back": reverse("controlled:store_detail", args=[pk])},
    )  # fmt: skip
