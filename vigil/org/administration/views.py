"""Administration pages ("Quản trị"): an administrator manages their committee
and the committees below it. Thin: look up within the administrator's tree,
validate with a form, call the service, show its refusal on the form.

A user outside the tree is not found; a committee the administrator can see
but does not administer is forbidden (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vigil.core import clock, dates
from vigil.core.confirm import confirm_page
from vigil.core.models import Holiday
from vigil.core.pages import acting, submit
from vigil.org import services
from vigil.org.administration import forms as f
from vigil.org.administration import queries as admin_queries
from vigil.org.administration import services as admin_services
from vigil.org.administration.forms import HolidayForm
from vigil.org.imports import services as imports
from vigil.org.models import (
    Agency,
    ClearanceRequest,
    Committee,
    MemberAgency,
    Post,
    PostHolder,
)
from vigil.org.scope import Role, get_visible_or_404, require_committee_admin

GET_POST = require_http_methods(["GET", "POST"])


def require_admin(request: HttpRequest) -> None:
    if not admin_queries.is_administrator(request.user):
        raise PermissionDenied(_("This page is for administrators."))


def _require_committee_admin(request: HttpRequest, committee: Committee) -> None:
    require_committee_admin(request.user, committee, _("You do not administer this committee."))


def form_page(
    request: HttpRequest, form: Any, *, title: str, back: str, intro: str = "", button: str = ""
) -> HttpResponse:
    return render(
        request,
        "org/admin/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "intro": intro,
            "button": button or _("Save"),
        },
    )


# --- overview and committees


def index(request: HttpRequest) -> HttpResponse:
    if not admin_queries.is_administrator(request.user):
        if admin_queries.role_paths(request.user, Role.COMMITTEE_LEADER):
            return redirect("org:admin_clearance_list")
        raise PermissionDenied(_("This page is for administrators."))
    committees = list(
        admin_queries.committees_administered(request.user)
        .order_by("path")
        .select_related("parent")
    )
    min_depth = min((c.path.count("/") for c in committees), default=0)
    for c in committees:
        c.depth = c.path.count("/") - min_depth  # type: ignore[attr-defined]
    pending = admin_queries.clearance_requests_visible_to(request.user).filter(
        status=ClearanceRequest.Status.PENDING
    )
    return render(
        request,
        "org/admin/index.html",
        {"committees": committees, "pending_count": pending.count()},
    )


def _committee(request: HttpRequest, pk: int) -> Committee:
    committee: Committee = get_visible_or_404(Committee.objects, request.user, pk=pk)
    _require_committee_admin(request, committee)
    return committee


def committee(request: HttpRequest, pk: int) -> HttpResponse:
    c = _committee(request, pk)
    holders = PostHolder.objects.order_by("-valid_from")
    posts = (
        Post.objects.filter(committee=c)
        .select_related("agency")
        .prefetch_related(Prefetch("holders", queryset=holders))
    )
    members = MemberAgency.objects.filter(committee=c).select_related("agency")
    return render(
        request,
        "org/admin/committee.html",
        {
            "committee": c,
            "posts": posts,
            "members": members.order_by("-valid_to", "agency__name"),
            "children": Committee.objects.filter(parent=c),
            "today": clock.today(),
        },
    )


@GET_POST
def committee_create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _committee(request, pk)
    form = f.CommitteeForm(request.POST or None, initial={"level": Committee.Level.COMMUNE})
    done = submit(
        request, form, lambda d: services.create_committee(parent=parent, actor=acting(request), **d),
        success=_("Committee created."),
        then=lambda created: reverse("org:admin_committee", args=[created.pk]), refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    back = reverse("org:admin_committee", args=[parent.pk])
    title = _("New committee below %(parent)s") % {"parent": parent.name}
    return form_page(request, form, title=title, back=back)


@GET_POST
def committee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    c = _committee(request, pk)
    initial = {
        "name": c.name,
        "short_name": c.short_name,
        "level": c.level,
        "standing_agency": c.standing_agency_id,
        "electronic_code": c.electronic_code,
    }
    form = f.CommitteeEditForm(request.POST or None, initial=initial, committee=c)
    done = submit(
        request, form, lambda d: services.update_committee(c, actor=acting(request), **d),
        success=_("Committee saved."), then=reverse("org:admin_committee", args=[c.pk]), refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    back = reverse("org:admin_committee", args=[c.pk])
    return form_page(request, form, title=_("Edit %(name)s") % {"name": c.name}, back=back)


@GET_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    c = _committee(request, pk)
    agencies = admin_queries.agencies_administered(request.user)
    form = f.MemberAgencyForm(request.POST or None, agencies=agencies)

    def add(d: dict[str, Any]) -> None:
        services.add_member_agency(c, d.pop("agency"), actor=acting(request), **d)

    done = submit(
        request, form, add, success=_("Member agency added."),
        then=reverse("org:admin_committee", args=[c.pk]), refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    back = reverse("org:admin_committee", args=[c.pk])
    title = _("Add a member agency to %(name)s") % {"name": c.name}
    return form_page(request, form, title=title, back=back)


@GET_POST
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    member: MemberAgency = get_visible_or_404(
        MemberAgency.objects.select_related("committee", "agency"), request.user, pk=pk
    )
    _require_committee_admin(request, member.committee)
    form = f.EndForm(request.POST or None)
    done = submit(
        request, form, lambda d: services.end_member_agency(member, on=d["on"], actor=acting(request)),
        success=_("Membership ended."),
        then=reverse("org:admin_committee", args=[member.committee_id]), refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    back = reverse("org:admin_committee", args=[member.committee_id])
    title = _("End the membership of %(agency)s") % {"agency": member.agency.name}
    return form_page(request, form, title=title, back=back, button=_("End membership"))


@GET_POST
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    c = _committee(request, pk)
    form = f.PostForm(
        request.POST or None, agencies=admin_queries.agencies_administered(request.user)
    )
    done = submit(
        request, form, lambda d: services.create_post(c, actor=acting(request), **d),
        success=_("Post created."), then=reverse("org:admin_committee", args=[c.pk]), refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    back = reverse("org:admin_committee", args=[c.pk])
    return form_page(request, form, title=_("New post in %(name)s") % {"name": c.name}, back=back)


@GET_POST
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post: Post = get_visible_or_404(Post.objects.select_related("committee"), request.user, pk=pk)
    _require_committee_admin(request, post.committee)
    initial = {
        "kind": post.kind,
        "title": post.title,
        "agency": post.agency_id,
        "order": post.order,
    }
    form = f.PostForm(
        request.POST or None,
        initial=initial,
        agencies=admin_queries.agencies_administered(request.user),
    )
    done = submit(
        request, form, lambda d: services.update_post(post, actor=acting(request), **d),
        success=_("Post saved."), then=reverse("org:admin_committee", args=[post.committee_id]),
        refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    back = reverse("org:admin_committee", args=[post.committee_id])
    return form_page(request, form, title=_("Edit %(name)s") % {"name": post.title}, back=back)


@GET_POST
def holder_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    post: Post = get_visible_or_404(Post.objects.select_related("committee"), request.user, pk=pk)
    _require_committee_admin(request, post.committee)
    form = f.HolderForm(request.POST or None)
    done = submit(
        request, form, lambda d: services.appoint_holder(post, actor=acting(request), **d),
        success=_("Holder appointed."),
        then=reverse("org:admin_committee", args=[post.committee_id]), refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    back = reverse("org:admin_committee", args=[post.committee_id])
    title = _("Appoint a holder: %(post)s") % {"post": post.title}
    return form_page(request, form, title=title, back=back)


@GET_POST
def holder_end(request: HttpRequest, pk: int) -> HttpResponse:
    holder: PostHolder = get_visible_or_404(
        PostHolder.objects.select_related("post__committee"), request.user, pk=pk
    )
    _require_committee_admin(request, holder.post.committee)
    form = f.EndForm(request.POST or None)
    done = submit(
        request, form, lambda d: services.end_holder_term(holder, on=d["on"], actor=acting(request)),
        success=_("Term ended."),
        then=reverse("org:admin_committee", args=[holder.post.committee_id]), refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    back = reverse("org:admin_committee", args=[holder.post.committee_id])
    title = _("End the term of %(name)s") % {"name": holder.holder_name}
    return form_page(request, form, title=title, back=back, button=_("End term"))


# --- agencies


def agency_list(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    agencies = admin_queries.agencies_administered(request.user).order_by("name")
    page = Paginator(agencies, 50).get_page(request.GET.get("page"))
    return render(request, "org/admin/agency_list.html", {"page": page})


@GET_POST
def agency_create(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    form = f.AgencyCreateForm(
        request.POST or None,
        committees=admin_queries.committees_administered(request.user),
        agencies=admin_queries.agencies_administered(request.user),
    )

    def create(d: dict[str, Any]) -> None:
        licenser = d.pop("licensed_by")
        services.create_agency(
            actor=acting(request), licensed_by=[licenser] if licenser else [], **d
        )

    done = submit(
        request,
        form,
        create,
        success=_("Agency created."),
        then="org:admin_agency_list",
        refusals=(PermissionDenied,),
    )
    if done is not None:
        return done
    back = reverse("org:admin_agency_list")
    return form_page(request, form, title=_("New agency"), back=back)


@GET_POST
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    get_visible_or_404(Agency.objects, request.user, pk=pk)
    agency = admin_queries.agencies_administered(request.user).filter(pk=pk).first()
    if agency is None:
        raise PermissionDenied(_("You do not administer this agency."))
    initial = {name: getattr(agency, name) for name in f.AgencyForm.base_fields}
    form = f.AgencyForm(request.POST or None, initial=initial)
    done = submit(
        request, form, lambda d: services.update_agency(agency, actor=acting(request), **d),
        success=_("Agency saved."), then="org:admin_agency_list", refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    back = reverse("org:admin_agency_list")
    return form_page(request, form, title=_("Edit %(name)s") % {"name": agency.name}, back=back)


# --- bulk onboarding


def import_template(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    response = HttpResponse(imports.template_bytes(), content_type=imports.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="vigil-mau-nhap-lieu.xlsx"'
    return response


@GET_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    form = f.ImportForm(request.POST or None, request.FILES or None)
    report: imports.Report | None = None
    if request.method == "POST" and form.is_valid():
        try:
            report = imports.run_import(form.cleaned_data["file"], actor=acting(request))
        except imports.ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            if report.ok:
                messages.success(
                    request, _("Import complete: %(n)s rows written.") % {"n": report.written}
                )
            else:
                messages.error(request, _("Nothing was written: correct the rows marked below."))
    return render(request, "org/admin/import.html", {"form": form, "report": report})


# --- The holiday table (its URLs keep their names in the inbox namespace: inbox:holidays)


@require_http_methods(["GET", "POST"])
def holidays(request: HttpRequest) -> HttpResponse:
    can_edit = admin_queries.can_edit_holidays(request.user)
    form = HolidayForm(request.POST or None)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    done = submit(
        request, form,
        lambda d: admin_services.add_holiday(
            day=d["date"], name=d["name"], kind=d["kind"], actor=acting(request)
        ),
        success=_("Holiday saved."), then="inbox:holidays",
    )  # fmt: skip
    if done is not None:
        return done
    year_raw = request.GET.get("year", "")
    digits = year_raw.isascii() and year_raw.isdigit() and len(year_raw) <= 4
    asked = int(year_raw) if digits else None
    if year_raw and (asked is None or not dates.FIRST.year <= asked <= dates.LAST.year):
        messages.error(
            request,
            _("Enter a year between %(first)s and %(last)s.")
            % {"first": dates.FIRST.year, "last": dates.LAST.year},
        )
        asked = None
    year = asked or clock.today().year
    rows = Holiday.objects.filter(date__year=year).order_by("date")
    return render(
        request,
        "org/admin/holidays.html",
        {"form": form, "holidays": rows, "year": year, "can_edit": can_edit},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    holiday = get_object_or_404(Holiday, pk=pk)
    if request.method == "GET":
        if not admin_queries.can_edit_holidays(request.user):
            raise PermissionDenied
        return confirm_page(
            request,
            title=_("Delete the holiday of %(day)s?") % {"day": holiday.date.strftime("%d/%m/%Y")},
            question=_("The day becomes an ordinary day in the working-day calendar."),
            details=[(_("Date"), holiday.date.strftime("%d/%m/%Y")), (_("Name"), holiday.name)],
            warning=_(
                "Deadlines counted in working days from now on count this day: "
                "every such deadline across the province may move."
            ),
            action=_("Delete the holiday"),
            cancel_url=f"{reverse('inbox:holidays')}?year={holiday.date.year}",
        )
    admin_services.delete_holiday(holiday, actor=acting(request))
    messages.success(request, _("Holiday deleted."))
    return redirect(f"{reverse('inbox:holidays')}?year={holiday.date.year}")
