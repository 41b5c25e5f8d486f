"""Pages of the registry: organisations, licences, stores, inspections, balances,
transfers. Thin: scope, then the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.controlled import inspections, registry
from vigil.controlled.models import (
    UNITS,
    Balance,
    Inspection,
    ItemClass,
    Licence,
    OrganisationProfile,
    Store,
    StoreTotal,
    shown,
)
from vigil.controlled.registry_forms import (
    BalanceFilterForm,
    InspectionForm,
    LicenceForm,
    LicenceStatusForm,
    OrganisationFilterForm,
    OrganisationForm,
    StoreForm,
)
from vigil.controlled.services import create_licence, create_store
from vigil.core import attachments, clock
from vigil.core.forms import add_form_errors
from vigil.core.models import AdminUnit
from vigil.core.search import folded_query
from vigil.org.api import ID_MAX
from vigil.org.forms import AttachmentForm
from vigil.org.models import Agency
from vigil.org.scope import get_visible_or_404

# --- organisations


def _profile_or_404(user: Any, pk: int) -> OrganisationProfile:
    """An organisation by its agency's id; beyond the id range is simply not found."""
    if pk > ID_MAX:
        raise Http404
    return get_visible_or_404(  # type: ignore[no-any-return]
        _profiles(user).select_related("owning_committee"), user, pk=pk
    )


def _profiles(user: Any) -> QuerySet[OrganisationProfile]:
    return OrganisationProfile.objects.visible_to(user).select_related(
        "organisation__admin_unit", "licensing_agency"
    )


def visible_organisations(user: Any) -> QuerySet[Agency]:
    return Agency.objects.filter(pk__in=_profiles(user).values("pk")).order_by("name")


def visible_communes(user: Any) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(
        pk__in=_profiles(user).values("organisation__admin_unit")
    ).order_by("name")


def _in_force(today: dt.date) -> Q:
    return Q(status=Licence.Status.ACTIVE, valid_from__lte=today, valid_to__gte=today)


def _standing_filter(profiles: QuerySet[OrganisationProfile], standing: str) -> Any:
    today = clock.today()
    active = Licence.objects.filter(_in_force(today))
    holders = active.values("owning_agency_id")
    lasting = active.filter(valid_to__gt=today + dt.timedelta(days=60)).values("owning_agency_id")
    if standing == "in_force":
        return profiles.filter(pk__in=lasting)
    if standing == "expiring":
        return profiles.filter(pk__in=holders).exclude(pk__in=lasting)
    if standing == "none":
        return profiles.exclude(pk__in=holders)
    return profiles


def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET, communes=visible_communes(request.user))
    profiles = _profiles(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            profiles = profiles.filter(
                folded_query("organisation__name_folded", data["q"])
                | Q(organisation__tax_code=data["q"].strip())
            )
        if data["sector"]:
            profiles = profiles.filter(sector=data["sector"])
        if data["commune"]:
            profiles = profiles.filter(organisation__admin_unit=data["commune"])
        if data["licence"]:
            profiles = _standing_filter(profiles, data["licence"])
    profiles = registry.with_standing(profiles.order_by("organisation__name"), clock.today())
    page = Paginator(profiles, 50).get_page(request.GET.get("page"))
    rows = [{"profile": p, "standing": registry.standing_of(p)} for p in page]
    template = "controlled/organisation_list.html"
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(
        request, template,
        {"form": form, "page": page, "rows": rows,
         "can_create": registry.may_create_organisations(request.user)},
    )  # fmt: skip


def _class_totals(stores: Any) -> list[dict[str, Any]]:
    sums = (
        StoreTotal.objects.filter(store__in=stores)
        .values("item_class")
        .annotate(held=Sum("quantity"), capacity=Sum("capacity"))
        .order_by("item_class")
    )
    return [
        {
            "item_class": ItemClass(row["item_class"]).label,
            "held": shown(row["item_class"], row["held"] or 0),
            "capacity": shown(row["item_class"], row["capacity"] or 0),
        }
        for row in sums
    ]


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
            "totals": _class_totals(stores),
            "standing": registry.licence_standing(pk, today),
            "can_keep": registry.may_keep_record(request.user, profile),
        },
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    licensers = registry.licensing_agencies_for(request.user)
    if not licensers.exists():
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, licensers=licensers)
    if request.method == "POST" and form.is_valid():
        try:
            profile = registry.create_organisation(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Organisation recorded."))
            return redirect("controlled:organisation_detail", pk=profile.pk)
    return render(
        request, "controlled/form.html",
        {"form": form, "title": _("New licensed organisation"),
         "back": reverse("controlled:organisation_list")},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile_or_404(request.user, pk)
    if not registry.may_keep_record(request.user, profile):
        raise PermissionDenied
    agency = profile.organisation
    initial = {
        "name": agency.name, "tax_code": agency.tax_code, "sector": profile.sector,
        "parent_group": profile.parent_group, "admin_unit": agency.admin_unit,
        "address": profile.address,
    }  # fmt: skip
    form = OrganisationForm(request.POST or None, initial=initial, licensers=None)
    if request.method == "POST" and form.is_valid():
        try:
            registry.update_organisation(profile, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Organisation updated."))
            return redirect("controlled:organisation_detail", pk=profile.pk)
    return render(
        request, "controlled/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": agency.name},
         "back": reverse("controlled:organisation_detail", args=[pk])},
    )  # fmt: skip


# --- licences


def licence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    licence: Licence = get_visible_or_404(
        Licence.objects.select_related("owning_agency", "licensing_agency"), request.user, pk=pk
    )
    can_keep = registry.may_keep_record(request.user, licence)
    allowed = registry.TRANSITIONS[licence.status]
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
    if not registry.may_keep_record(request.user, profile):
        raise PermissionDenied
    issuers = registry.licensing_agencies_for(request.user)
    stores = Store.objects.filter(owning_agency_id=org_pk).order_by("name")
    form = LicenceForm(request.POST or None, stores=stores, issuers=issuers)
    if request.method == "POST" and form.is_valid():
        try:
            licence = create_licence(profile.organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Licence recorded."))
            return redirect("controlled:licence_detail", pk=licence.pk)
    return render(
        request, "controlled/form.html",
        {"form": form, "title": _("New licence for %(org)s") % {"org": profile.organisation},
         "back": reverse("controlled:organisation_detail", args=[org_pk])},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def licence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    licence: Licence = get_visible_or_404(Licence.objects, request.user, pk=pk)
    if not registry.may_keep_record(request.user, licence):
        raise PermissionDenied
    stores = Store.objects.filter(owning_agency_id=licence.owning_agency_id).order_by("name")
    initial = {
        "number": licence.number, "kind": licence.kind, "valid_from": licence.valid_from,
        "valid_to": licence.valid_to, "item_classes": licence.item_classes,
        "stores": list(licence.stores.all()),
    }  # fmt: skip
    form = LicenceForm(request.POST or None, initial=initial, stores=stores, issuers=None)
    if request.method == "POST" and form.is_valid():
        try:
            registry.update_licence(licence, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Licence updated."))
            return redirect("controlled:licence_detail", pk=licence.pk)
    return render(
        request, "controlled/form.html",
        {"form": form, "title": _("Edit licence %(n)s") % {"n": licence.number},
         "back": reverse("controlled:licence_detail", args=[pk])},
    )  # fmt: skip


@require_POST
def licence_status(request: HttpRequest, pk: int) -> HttpResponse:
    licence: Licence = get_visible_or_404(Licence.objects, request.user, pk=pk)
    if not registry.may_keep_record(request.user, licence):
        raise PermissionDenied
    form = LicenceStatusForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("controlled:licence_detail", pk=pk)
    try:
        registry.change_licence_status(
            licence, form.cleaned_data["status"], reason=form.cleaned_data["reason"],
            actor=request.user,
        )  # fmt: skip
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Licence status changed."))
    return redirect("controlled:licence_detail", pk=pk)


# --- stores and inspections


@require_http_methods(["GET", "POST"])
def store_create(request: HttpRequest, org_pk: int) -> HttpResponse:
    profile = _profile_or_404(request.user, org_pk)
    if not registry.may_keep_record(request.user, profile):
        raise PermissionDenied
    form = StoreForm(request.POST or None, initial={"admin_unit": profile.organisation.admin_unit})
    if request.method == "POST" and form.is_valid():
        capacities = form.capacities()
        if form.is_valid():
            data = form.cleaned_data
            try:
                store = create_store(
                    profile.organisation, name=data["name"], kind=data["kind"],
                    admin_unit=data["admin_unit"], capacities=capacities, actor=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Store recorded."))
                return redirect("controlled:store_detail", pk=store.pk)
    return render(
        request, "controlled/form.html",
        {"form": form, "title": _("New store for %(org)s") % {"org": profile.organisation},
         "back": reverse("controlled:organisation_detail", args=[org_pk])},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def store_edit(request: HttpRequest, pk: int) -> HttpResponse:
    store: Store = get_visible_or_404(Store.objects, request.user, pk=pk)
    if not registry.may_keep_record(request.user, store):
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
    if request.method == "POST" and form.is_valid():
        capacities = form.capacities()
        if form.is_valid():
            data = form.cleaned_data
            try:
                registry.update_store(
                    store, name=data["name"], kind=data["kind"], admin_unit=data["admin_unit"],
                    capacities=capacities, actor=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Store updated."))
                return redirect("controlled:store_detail", pk=store.pk)
    return render(
        request, "controlled/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": store.name},
         "back": reverse("controlled:store_detail", args=[pk])},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def inspection_create(request: HttpRequest, store_pk: int) -> HttpResponse:
    store: Store = get_visible_or_404(Store.objects, request.user, pk=store_pk)
    if not registry.may_keep_record(request.user, store):
        raise PermissionDenied
    form = InspectionForm(request.POST or None, initial={"date": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            inspection = inspections.record_inspection(
                store, actor=request.user, **form.cleaned_data
            )
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


# --- balances


GROUPS: dict[str, tuple[str, str]] = {
    # by -> (the key column, its label column)
    "store": ("store_id", "store__name"),
    "organisation": ("owning_agency_id", "owning_agency__name"),
    "item": ("item_id", "item__name"),
    "commune": ("store__admin_unit_id", "store__admin_unit__name"),
}


def filtered_balances(user: Any, data: dict[str, Any]) -> QuerySet[Balance]:
    balances = Balance.objects.visible_to(user)
    if data.get("organisation"):
        balances = balances.filter(owning_agency=data["organisation"])
    if data.get("commune"):
        balances = balances.filter(store__admin_unit=data["commune"])
    if data.get("item_class"):
        balances = balances.filter(item__item_class=data["item_class"])
    if data.get("item"):
        balances = balances.filter(item=data["item"])
    return balances


def balance_totals(balances: QuerySet[Balance], by: str) -> list[dict[str, Any]]:
    """Sums per group and item class (per item when grouping by item), in shown units."""
    key, label = GROUPS[by]
    rows = (
        balances.values(key, label, "item__item_class")
        .annotate(total=Sum("quantity"))
        .order_by(label, "item__item_class")
    )
    return [
        {
            "id": row[key], "name": row[label],
            "item_class": ItemClass(row["item__item_class"]).label,
            "item_class_code": row["item__item_class"], "quantity": row["total"] or 0,
            "shown": shown(row["item__item_class"], row["total"] or 0),
        }
        for row in rows
    ]  # fmt: skip


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
