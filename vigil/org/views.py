"""Directory pages: committees, agencies, contact points, administrative units."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core import clock
from vigil.core.pages import (
    acting,
    attachment_context,
    audit_classified_view,
    submit,
    upload_attachment,
)
from vigil.core.search import folded_query
from vigil.org import services
from vigil.org.duty.queries import roster
from vigil.org.forms import (
    AdminUnitSearchForm,
    AgencySearchForm,
    ContactPointForm,
    SearchForm,
)
from vigil.org.models import (
    Agency,
    Committee,
    ContactPoint,
    MemberAgency,
    Period,
    Post,
    PostHolder,
)
from vigil.org.queries import current_holders, home_province_id, opened_branches
from vigil.org.scope import (
    admin_units_visible_to,
    can_edit_contact_points,
    can_keep_numbers,
    can_read_audit,
    get_visible_or_404,
)

# A search shows at most this many committees; more means "narrow it down".
TREE_SEARCH_LIMIT = 100
# At most this many branches opened by hand (?open=ID) at once.
TREE_MAX_OPEN = 20


def committee_tree(request: HttpRequest) -> HttpResponse:
    """The committee tree, opened along the user's own branch.

    A country has thousands of committees: the tree shows the top levels, every
    committee on the way down to the user's own (and their children), and the
    branches opened with ``?open=ID``; a search lists matches flat."""
    form = SearchForm(request.GET)
    visible = Committee.objects.visible_to(request.user).select_related("admin_unit")
    query = form.cleaned_data["q"] if form.is_valid() else ""
    truncated = False
    if query:
        rows = list(visible.filter(folded_query("name_folded", query))[: TREE_SEARCH_LIMIT + 1])
        truncated = len(rows) > TREE_SEARCH_LIMIT
        rows = rows[:TREE_SEARCH_LIMIT]
        opened: set[int] = set()
    else:
        opened = opened_branches(
            request.user,
            {int(v) for v in request.GET.getlist("open")[:TREE_MAX_OPEN] if v.isdigit()},
        )
        rows = list(
            visible.filter(Q(parent__isnull=True) | Q(parent_id__in=opened))
            .annotate(below=Count("children"))
            .order_by("path")
        )
    # Depth for indentation; the root of what this user sees starts at 0.
    min_depth = min((c.path.count("/") for c in rows), default=0)
    for c in rows:
        c.depth = c.path.count("/") - min_depth  # type: ignore[attr-defined]
        c.is_open = c.pk in opened  # type: ignore[attr-defined]
    return render(
        request,
        "org/committee_tree.html",
        {"committees": rows, "form": form, "truncated": truncated, "limit": TREE_SEARCH_LIMIT},
    )


def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    committee: Committee = get_visible_or_404(
        Committee.objects.select_related("parent", "admin_unit", "standing_agency"),
        request.user,
        pk=pk,
    )
    today = clock.today()
    members = (
        MemberAgency.objects.visible_to(request.user)
        .filter(Period.current_on(today), committee=committee)
        .select_related("agency")
    )
    posts = (
        Post.objects.visible_to(request.user)
        .filter(committee=committee)
        .select_related("agency")
        .prefetch_related(current_holders())
    )
    children = Committee.objects.visible_to(request.user).filter(parent=committee)
    # History: who held the posts before, and agencies that are members no longer.
    past_holders = (
        PostHolder.objects.visible_to(request.user)
        .filter(post__committee=committee, valid_to__lt=today)
        .select_related("post")
        .order_by("-valid_to")
    )
    past_members = (
        MemberAgency.objects.visible_to(request.user)
        .filter(committee=committee, valid_to__lt=today)
        .select_related("agency")
        .order_by("-valid_to")
    )
    return render(
        request,
        "org/committee_detail.html",
        {
            "committee": committee,
            "members": members,
            "posts": posts,
            "children": children,
            "past_holders": past_holders,
            "past_members": past_members,
            "can_keep_numbers": can_keep_numbers(request.user, committee),
        },
    )


def agency_list(request: HttpRequest) -> HttpResponse:
    form = AgencySearchForm(request.GET)
    agencies = Agency.objects.visible_to(request.user).select_related("committee", "admin_unit")
    if form.is_valid():
        if form.cleaned_data["q"]:
            agencies = agencies.filter(folded_query("name_folded", form.cleaned_data["q"]))
        if form.cleaned_data["kind"]:
            agencies = agencies.filter(kind=form.cleaned_data["kind"])
    page = Paginator(agencies, 50).get_page(request.GET.get("page"))
    template = "org/agency_list.html"
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, {"form": form, "page": page})


def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency: Agency = get_visible_or_404(
        Agency.objects.select_related("committee", "admin_unit"), request.user, pk=pk
    )
    contacts = list(
        ContactPoint.objects.visible_to(request.user).filter(agency=agency).order_by("label")
    )
    now = clock.now()
    on_duty = roster(agency, request.user, now, now + dt.timedelta(seconds=1)).first()
    shown = [*contacts, *([on_duty] if on_duty else [])]
    stamp = audit_classified_view(request, shown, about=agency)
    return render(
        request,
        "org/agency_detail.html",
        {
            "page_stamp": stamp,
            "agency": agency,
            "on_duty": on_duty,
            "contacts": contacts,
            "licensed_by": agency.licensed_by.visible_to(request.user),
            "can_edit": can_edit_contact_points(request.user, agency),
            "can_read_audit": agency.committee is not None
            and can_read_audit(request.user, agency.committee),
        },
    )


def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact: ContactPoint = get_visible_or_404(
        ContactPoint.objects.select_related("agency", "owning_committee"), request.user, pk=pk
    )
    files = attachment_context(
        request, contact, upload_url=reverse("org:contact_attachment_upload", args=[contact.pk])
    )
    stamp = audit_classified_view(request, [contact, *files["attachment_list"]], about=contact)
    return render(
        request,
        "org/contact_detail.html",
        {
            "page_stamp": stamp,
            "contact": contact,
            "can_edit": can_edit_contact_points(request.user, contact.agency),
            **files,
            "can_read_audit": can_read_audit(request.user, contact.owning_committee),
        },
    )


@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency: Agency = get_visible_or_404(
        Agency.objects.select_related("committee"), request.user, pk=agency_pk
    )
    if not can_edit_contact_points(request.user, agency):
        raise PermissionDenied
    user = acting(request)
    form = ContactPointForm(request.POST or None, clearance=user.clearance)
    done = submit(
        request, form, lambda d: services.create_contact_point(agency, actor=user, **d),
        success=_("Contact point saved."),
        then=lambda contact: reverse("org:contact_detail", args=[contact.pk]),
    )  # fmt: skip
    if done is not None:
        return done
    return render(request, "org/contact_form.html", {"form": form, "agency": agency})


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact: ContactPoint = get_visible_or_404(
        ContactPoint.objects.select_related("agency__committee"), request.user, pk=pk
    )
    if not can_edit_contact_points(request.user, contact.agency):
        raise PermissionDenied
    user = acting(request)
    form = ContactPointForm(request.POST or None, instance=contact, clearance=user.clearance)

    def update(data: dict[str, Any]) -> None:
        changes = {name: data[name] for name in form.changed_data}
        if changes:
            services.update_contact_point(contact, actor=user, **changes)

    done = submit(
        request, form, update, success=_("Contact point saved."),
        then=reverse("org:contact_detail", args=[contact.pk]),
    )  # fmt: skip
    if done is not None:
        return done
    # Audited as a view only when the form (with the contact's data) is shown.
    stamp = audit_classified_view(request, [contact], about=contact)
    return render(
        request,
        "org/contact_form.html",
        {"form": form, "agency": contact.agency, "contact": contact, "page_stamp": stamp},
    )


def admin_unit_list(request: HttpRequest) -> HttpResponse:
    visible = admin_units_visible_to(request.user)
    query: Any = request.GET
    if "province" not in query and "q" not in query:
        # Opened from the menu: the user's own province first ("All provinces" is one pick away).
        query = {"province": str(home_province_id(acting(request)) or "")}
    form = AdminUnitSearchForm(query, units=visible)
    units = visible.select_related("parent")
    if form.is_valid():
        if form.cleaned_data["q"]:
            units = units.filter(folded_query("name_folded", form.cleaned_data["q"]))
        if form.cleaned_data["province"]:
            province = form.cleaned_data["province"]
            units = units.filter(Q(pk=province.pk) | Q(parent=province))
    page = Paginator(units, 100).get_page(request.GET.get("page"))
    template = "org/admin_unit_list.html"
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, {"form": form, "page": page})


@require_POST
def contact_attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    contact: ContactPoint = get_visible_or_404(
        ContactPoint.objects.select_related("agency__committee"), request.user, pk=pk
    )
    return upload_attachment(
        request, contact, back=reverse("org:contact_detail", args=[contact.pk])
    )
