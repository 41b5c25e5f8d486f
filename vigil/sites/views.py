"""Pages of key sites, contingency plans and the risk register. Thin: scope, then
services. What a user may not see is 404; what they see but may not change, 403."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core import audit
from vigil.core.attachments import content_disposition
from vigil.core.coordinates import LAT_MAX, LAT_MIN, LON_MAX, LON_MIN
from vigil.core.documents.decree30 import docx_response
from vigil.core.pages import acting, submit
from vigil.org.administration.forms import ImportForm
from vigil.org.models import Committee
from vigil.org.scope import Role, committees_with_role, get_visible_or_404
from vigil.sites import exports, printing, queries, services
from vigil.sites import imports as site_imports
from vigil.sites.forms import (
    ApproveForm,
    AssessmentForm,
    PlanForm,
    ReturnForm,
    SiteFilterForm,
    SiteForm,
    VersionForm,
    communes_for,
    site_initial,
)
from vigil.sites.models import (
    NO_PLAN,
    SECTION_NAMES,
    Freshness,
    KeySite,
    Plan,
    PlanVersion,
    VersionStatus,
)

PAGE = 50


def keeping_committees(user: Any) -> QuerySet[Committee]:
    """Committees whose sites and plans the user keeps (standing office, leaders)."""
    return Committee.objects.filter(
        pk__in=committees_with_role(user, Role.STANDING_OFFICE, Role.COMMITTEE_LEADER)
    ).order_by("path")


def _viewed(request: HttpRequest, objects: list[Any], about: Any = None) -> None:
    audit.record_view(request.user, objects, about=about, path=request.get_full_path())


def _filtered(request: HttpRequest) -> tuple[SiteFilterForm, queries.SiteFilters]:
    """The list's filter form and what it asks for; the list, the map and the export
    read the same query string the same way (an invalid filter filters nothing)."""
    form = SiteFilterForm(request.GET or None, communes=communes_for(request.user),
                          categories=queries.categories_for(request.user))  # fmt: skip
    if not form.is_valid():
        return form, queries.SiteFilters()
    data = form.cleaned_data
    return form, queries.SiteFilters(
        q=data["q"], category=data["category"].pk if data["category"] else None,
        commune=data["commune"].pk if data["commune"] else None, state=data["state"],
    )  # fmt: skip


def site_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filtered(request)
    page = Paginator(queries.sites_for(request.user, filters), PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(site, queries.state_of(site.state_rank), queries.state_label(site.state_rank))
            for site in page.object_list]  # fmt: skip
    _viewed(request, list(page.object_list))
    context = {"form": form, "page": page, "rows": rows,
               "can_create": keeping_committees(request.user).exists()}  # fmt: skip
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "sites/site_list.html#results", context)
    return render(request, "sites/site_list.html", context)


def _matrix_cell(request: HttpRequest) -> tuple[int, int] | None:
    """The matrix cell the register is narrowed to (?likelihood=&consequence=), if any;
    anything but two numbers from 1 to 5 is no cell."""
    try:
        cell = int(request.GET["likelihood"]), int(request.GET["consequence"])
    except (KeyError, ValueError):
        return None
    return cell if all(n in queries.SCALE for n in cell) else None


def risk_register(request: HttpRequest) -> HttpResponse:
    cell = _matrix_cell(request)
    sites = queries.risk_register(request.user, cell)
    page = Paginator(sites, PAGE).get_page(request.GET.get("page"))
    rows = [(site, queries.state_of(site.state_rank), queries.state_label(site.state_rank))
            for site in page.object_list]  # fmt: skip
    _viewed(request, list(page.object_list))
    context = {"page": page, "rows": rows, "cell": cell,
               "matrix": queries.risk_matrix(request.user), "scale": queries.SCALE}  # fmt: skip
    return render(request, "sites/risk_register.html", context)


def _site(request: HttpRequest, pk: int) -> KeySite:
    site: KeySite = get_visible_or_404(
        KeySite.objects.select_related(
            "category", "commune", "responsible_agency", "owning_committee", "owning_agency"
        ),
        request.user,
        pk=pk,
    )
    return site


def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request, pk)
    plans = list(queries.plans_of_site(site, request.user))
    panels = queries.panels_for(site, request.user)
    shown = [obj for panel in panels for obj in panel.get("shown", ())]
    _viewed(request, [site, *plans, *shown], about=site)
    context = {
        "site": site,
        "plans": [(p, queries.state_of(p.state_rank), queries.state_label(p.state_rank))
                  for p in plans],
        "assessments": site.assessments.select_related("assessor_agency")[:20],
        "panels": panels,
        "can_change": services.can_change_site(request.user, site),
        "can_archive": services.can_keep_sites(request.user, site.owning_committee),
    }  # fmt: skip
    return render(request, "sites/site_detail.html", context)


@require_http_methods(["GET", "POST"])
def site_create(request: HttpRequest) -> HttpResponse:
    committees = keeping_committees(request.user)
    if not committees.exists():
        raise Http404  # a page for those who keep a committee's sites
    form = SiteForm(request.POST or None, user=request.user, committees=committees)

    def create(data: dict[str, Any]) -> KeySite:
        values = dict(data)
        return services.create_site(values.pop("committee"), actor=acting(request), **values)

    done = submit(request, form, create, success=_("Key site added."))
    if done is not None:
        return done
    return render(request, "sites/form.html", {"form": form, "title": _("New key site"),
                                               "back": "/sites/"})  # fmt: skip


@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request, pk)
    if not services.can_change_site(request.user, site):
        raise PermissionDenied
    form = SiteForm(request.POST or None, initial=site_initial(site), user=request.user,
                    committees=None)  # fmt: skip
    done = submit(
        request, form, lambda data: services.update_site(site, actor=acting(request), **data),
        success=_("Key site saved."), then=site.get_absolute_url(),
    )  # fmt: skip
    if done is not None:
        return done
    return render(request, "sites/form.html", {"form": form, "title": site.name,
                                               "back": site.get_absolute_url()})  # fmt: skip


@require_POST
def site_archive(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request, pk)
    try:
        services.archive_site(site, actor=acting(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Key site archived."))
    return redirect(site)


@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site(request, pk)
    if not services.can_change_site(request.user, site):
        raise PermissionDenied
    form = AssessmentForm(request.POST or None, user=request.user)
    done = submit(
        request, form, lambda data: services.record_assessment(site, actor=acting(request), **data),
        success=_("Risk assessment recorded."), then=site.get_absolute_url(),
    )  # fmt: skip
    if done is not None:
        return done
    return render(request, "sites/form.html", {"form": form, "title": _("New risk assessment"),
                                               "back": site.get_absolute_url()})  # fmt: skip


# --- plans


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    committees = keeping_committees(request.user)
    if not committees.exists():
        raise Http404
    initial = {"sites": request.GET.getlist("site")}
    form = PlanForm(request.POST or None, initial=initial, user=request.user, committees=committees)

    def create(data: dict[str, Any]) -> Plan:
        values = dict(data)
        return services.create_plan(values.pop("committee"), actor=acting(request), **values)

    done = submit(request, form, create, success=_("Contingency plan created."))
    if done is not None:
        return done
    return render(request, "sites/form.html", {"form": form, "title": _("New contingency plan"),
                                               "back": "/sites/"})  # fmt: skip


def _plan(request: HttpRequest, pk: int) -> Plan:
    plan: Plan = get_visible_or_404(
        Plan.objects.select_related("owning_committee", "owning_agency", "in_force"),
        request.user,
        pk=pk,
    )
    return plan


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _viewed(request, [plan], about=plan)
    user = request.user
    versions = list(plan.versions.order_by("-number"))
    context = {
        "plan": plan,
        "state": queries.freshness(plan),
        "sites": KeySite.objects.visible_to(user).filter(plans=plan),
        "versions": versions,
        "open": next((v for v in versions if v.status in (VersionStatus.DRAFT,
                                                           VersionStatus.SUBMITTED)), None),
        "can_write": services.can_write_plan(user, plan),
        "can_approve": services.can_approve(user, plan),
        "can_return": services.can_return(user, plan),
        "approve_form": ApproveForm(),
        "return_form": ReturnForm(),
    }  # fmt: skip
    return render(request, "sites/plan_detail.html", context)


@require_POST
def version_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    try:
        version = services.add_version(plan, actor=acting(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(plan)
    return redirect("sites:version_edit", pk=version.pk)


def _version(request: HttpRequest, pk: int) -> PlanVersion:
    version: PlanVersion = get_visible_or_404(
        PlanVersion.objects.select_related("plan__owning_committee"), request.user, pk=pk
    )
    return version


@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    if not services.can_write_plan(request.user, version.plan):
        raise PermissionDenied
    initial = {name: getattr(version, name) for name in SECTION_NAMES}
    form = VersionForm(request.POST or None, initial=initial)
    done = submit(
        request, form,
        lambda data: services.update_version(version, sections=data, actor=acting(request)),
        success=_("Draft saved."), then=version.plan.get_absolute_url(),
    )  # fmt: skip
    if done is not None:
        return done
    title = _("%(plan)s, version %(number)s") % {"plan": version.plan, "number": version.number}
    return render(request, "sites/form.html", {"form": form, "title": title,
                                               "back": version.plan.get_absolute_url()})  # fmt: skip


def _act(request: HttpRequest, pk: int, action: Any, done: str, **kwargs: Any) -> HttpResponse:
    version = _version(request, pk)
    try:
        action(version, actor=acting(request), **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(version.plan)


@require_POST
def version_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.submit_version, _("Version submitted for approval."))


@require_POST
def version_approve(request: HttpRequest, pk: int) -> HttpResponse:
    form = ApproveForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return _act(request, pk, services.approve_version, _("Version approved: it is in force."),
                decision_number=data.get("decision_number") or "",
                approved_on=data.get("approved_on"))  # fmt: skip


@require_POST
def version_return(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReturnForm(request.POST)
    form.is_valid()
    return _act(request, pk, services.return_version, _("Version returned with comments."),
                comments=form.cleaned_data.get("comments") or "")  # fmt: skip


# --- the map


def site_map(request: HttpRequest) -> HttpResponse:
    """The sites on a map, filtered like the list; the markers come from the map data
    endpoint (static/sites/map.js), with the same filters."""
    form, filters = _filtered(request)
    params = {"q": filters.q, "category": filters.category, "commune": filters.commune,
              "state": filters.state}  # fmt: skip
    query = urlencode({name: value for name, value in params.items() if value})
    context = {
        "form": form,
        "data_url": reverse("api-site-map") + (f"?{query}" if query else ""),
        "tiles": settings.VIGIL_MAP_TILES,
        "attribution": settings.VIGIL_MAP_ATTRIBUTION,
        "bounds": f"{LAT_MIN},{LON_MIN},{LAT_MAX},{LON_MAX}",
        "legend": [(state.value, state.label) for state in Freshness] + [(NO_PLAN, _("No plan"))],
    }
    return render(request, "sites/site_map.html", context)


# --- printing, export and bulk import (issue 23, parts 3 and 6)


def site_export(request: HttpRequest) -> HttpResponse:
    """The list as the filters show it, as .xlsx (the safe writer)."""
    export = exports.export_sites(request.user, _filtered(request)[1])
    plans = [plan for site in export.sites for plan in site.visible_plans]  # type: ignore[attr-defined]
    _viewed(request, [*export.sites, *plans])
    response = HttpResponse(export.data, content_type=site_imports.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(exports.filename())
    return response


def version_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan version as a Decree 30 .docx (type PA)."""
    version: PlanVersion = get_visible_or_404(
        PlanVersion.objects.select_related("plan__owning_committee__admin_unit__parent"),
        request.user, pk=pk,
    )  # fmt: skip
    _viewed(request, [version.plan], about=version.plan)
    return docx_response(printing.filename(version), printing.docx_bytes(version, request.user))


def site_import_template(request: HttpRequest) -> HttpResponse:
    if not keeping_committees(request.user).exists():
        raise Http404
    response = HttpResponse(
        site_imports.template_bytes(request.user), content_type=site_imports.XLSX_TYPE
    )
    response["Content-Disposition"] = content_disposition("mau-nhap-muc-tieu.xlsx")
    return response


@require_http_methods(["GET", "POST"])
def site_import(request: HttpRequest) -> HttpResponse:
    """Upload a workbook of sites; all rows are written or none, with the report."""
    if not keeping_committees(request.user).exists():
        raise Http404  # a page for those who keep a committee's sites
    form = ImportForm(request.POST or None, request.FILES or None)
    report: site_imports.Report | None = None
    if request.method == "POST" and form.is_valid():
        try:
            report = site_imports.run_import(form.cleaned_data["file"], actor=acting(request))
        except site_imports.ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            if report.ok and report.written:
                messages.success(
                    request, _("Import complete: %(n)s rows written.") % {"n": report.written}
                )
            elif not report.ok:
                messages.error(request, _("Nothing was written: correct the rows marked below."))
    return render(request, "sites/import.html", {"form": form, "report": report})
