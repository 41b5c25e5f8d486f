"""The summary reports' pages: the list (and the draft form), a report with its sections,
a section's edit page, recomputing and discarding a draft, issuing, and the downloads
(.docx, .xlsx, edXML, a chart's PNG). Thin: scope, then the services. What a user may not
see (a report classified above their clearance included, and its sections) is 404; what
they see but may not change, 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vigil.core import attachments, audit, clock
from vigil.core.confirm import confirm_page
from vigil.core.documents.decree30 import docx_response
from vigil.core.pages import acting, audit_classified_view, refusal_text, submit
from vigil.core.xlsx import XLSX_TYPE
from vigil.org.letterhead import default_signature
from vigil.org.scope import get_visible_or_404
from vigil.reports.charts import chart_png
from vigil.reports.summaries import queries, services
from vigil.reports.summaries.documents import docx_bytes, edxml_bytes, filename
from vigil.reports.summaries.exports import xlsx_bytes
from vigil.reports.summaries.forms import (
    SIGNING_FORMS,
    ConfirmForm,
    DraftForm,
    IssueForm,
    ReportFilterForm,
    SectionForm,
)
from vigil.reports.summaries.models import SummaryReport, SummarySection
from vigil.work.figures.queries import review_conference, work_plan_of

PAGE = 50


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _report(request: HttpRequest, pk: int) -> SummaryReport:
    report: SummaryReport = get_visible_or_404(
        SummaryReport.objects.select_related(
            "owning_committee", "owning_agency", "created_by", "issued_by"
        ).defer("issued_docx"),
        request.user,
        pk=pk,
    )
    return report


def _section(report: SummaryReport, key: str) -> SummarySection:
    section = queries.section_of(report, key)
    if section is None:
        raise Http404
    return section


def _filters(request: HttpRequest) -> tuple[ReportFilterForm, queries.ReportFilters]:
    form = ReportFilterForm(request.GET or None, years=queries.years_for(request.user))
    if not form.is_valid():
        return form, queries.ReportFilters()
    data = form.cleaned_data
    return form, queries.ReportFilters(year=data["year"], kind=data["kind"], state=data["state"])


@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports the user sees; the draft form for who may draft (a POST drafts)."""
    committees = queries.drafting_committees(request.user)
    may_draft = committees.exists()
    draft_form: DraftForm | None = None
    if may_draft:
        user = acting(request)
        draft_form = DraftForm(_posted(request), user=user, committees=committees,
                               initial={"year": clock.today().year})  # fmt: skip

        def draft(data: dict[str, Any]) -> SummaryReport:
            return services.draft_report(
                data["committee"], data["kind"], data["year"], data["part"] or 0, actor=user,
                classification=data["classification"],
            )  # fmt: skip

        done = submit(request, draft_form, draft, success=_("Report drafted."),
                      refusals=(PermissionDenied,))  # fmt: skip
        if done is not None:
            return done
    elif request.method == "POST":
        raise PermissionDenied
    form, filters = _filters(request)
    page = Paginator(queries.reports_for(request.user, filters), PAGE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    context = {
        "form": form, "page": page, "draft_form": draft_form,
        "to_draft": queries.annual_to_draft(request.user, clock.today()),
        "today": clock.today(),
        "page_stamp": audit_classified_view(request, rows),
    }  # fmt: skip
    status = 400 if draft_form is not None and draft_form.is_bound else 200
    return render(request, "reports/report_list.html", context, status=status)


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    user = request.user
    committee = report.owning_committee
    draft = not report.is_issued
    context = {
        "report": report, "sections": queries.sections_of(report),
        "may_draft": draft and services.may_draft(user, committee),
        "may_issue": draft and services.may_issue(user, committee),
        "page_stamp": audit_classified_view(request, [report], about=report),
        # The year's review conference and work plan, in the work app, as the user sees them.
        "conference": review_conference(user, committee, report.year),
        "work_plan": work_plan_of(user, committee, report.year),
    }  # fmt: skip
    return render(request, "reports/report_detail.html", context)


def _require_drafter(request: HttpRequest, report: SummaryReport) -> None:
    if not services.may_draft(request.user, report.owning_committee):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    report = _report(request, pk)
    section = _section(report, key)
    _require_drafter(request, report)
    user = acting(request)
    form = SectionForm(_posted(request), initial={"text": section.text,
                                                  "version": section.version})  # fmt: skip
    done = submit(
        request, form,
        lambda data: services.edit_section(section, data["text"], actor=user,
                                           version=data["version"]),
        success=_("Section saved."), then=lambda _s: report.get_absolute_url() + f"#s-{key}",
        refusals=(PermissionDenied,),
    )  # fmt: skip
    if done is not None:
        return done
    return render(request, "reports/section_edit.html", {
        "report": report, "section": section, "form": form,
        "page_stamp": audit_classified_view(request, [report], about=report),
    }, status=400 if form.is_bound else 200)  # fmt: skip


def _refused(request: HttpRequest, report: SummaryReport, exc: Exception) -> HttpResponse:
    text = refusal_text(exc) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text or _("You may not do this."))
    return redirect(report)


@require_POST
def report_redraft(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    _require_drafter(request, report)
    form = ConfirmForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        services.redraft_report(report, actor=acting(request), version=version)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, report, exc)
    messages.success(request, _("The figures were computed again."))
    return redirect(report)


@require_http_methods(["GET", "POST"])
def report_discard(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    _require_drafter(request, report)
    if request.method == "POST":
        try:
            services.discard_report(report, actor=acting(request))
        except (ValidationError, PermissionDenied) as exc:
            return _refused(request, report, exc)
        messages.success(request, _("Draft discarded."))
        return redirect("reports:report_list")
    return confirm_page(
        request, title=_("Discard the draft"),
        question=_("Discard this draft and every edit made to its sections?"),
        action=_("Discard the draft"), cancel_url=report.get_absolute_url(),
        details=[(_("Report"), report.title), (_("Period"), f"{report.starts_on:%d/%m/%Y} – "
                                                            f"{report.ends_on:%d/%m/%Y}")],
        warning=_("The period can then be drafted again from scratch."),
        shown=[report], about=report,
    )  # fmt: skip


def _issue_initial(report: SummaryReport) -> dict[str, Any]:
    signature = default_signature(report.owning_committee)
    forms = {value for value, _label in SIGNING_FORMS}
    return {
        "version": report.version, "issued_on": clock.today(),
        "signer_name": signature.name, "signer_title": signature.title,
        "signing_form": signature.form if signature.form in forms else "TM.",
    }  # fmt: skip


@require_http_methods(["GET", "POST"])
def report_issue(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not services.may_issue(request.user, report.owning_committee):
        raise PermissionDenied
    user = acting(request)
    form = IssueForm(_posted(request), initial=_issue_initial(report))

    def issue(data: dict[str, Any]) -> SummaryReport:
        return services.issue_report(
            report, actor=user, version=data["version"], issued_on=data["issued_on"],
            recipients=data["recipients"].splitlines(), signer_name=data["signer_name"],
            signer_title=data["signer_title"], signing_form=data["signing_form"],
        )  # fmt: skip

    done = submit(request, form, issue, success=None, refusals=(PermissionDenied,),
                  then=lambda issued: _issued(request, issued))  # fmt: skip
    if done is not None:
        return done
    return render(request, "reports/report_issue.html", {
        "report": report, "form": form,
        "page_stamp": audit_classified_view(request, [report], about=report),
    }, status=400 if form.is_bound else 200)  # fmt: skip


def _issued(request: HttpRequest, report: SummaryReport) -> SummaryReport:
    messages.success(request, _("Report issued as %(number)s.") % {"number": report.number})
    return report


# --- downloads


def _downloaded(request: HttpRequest, report: SummaryReport) -> None:
    audit.record_view(request.user, [report], about=report, path=request.path)


@require_GET
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's .docx (DỰ THẢO), or the issued one as it was issued."""
    report = get_visible_or_404(
        SummaryReport.objects.select_related("owning_committee"), request.user, pk=pk
    )
    _downloaded(request, report)
    return docx_response(filename(report, "docx"), docx_bytes(report))


@require_GET
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    _downloaded(request, report)
    response = HttpResponse(xlsx_bytes(report), content_type=XLSX_TYPE)
    response["Content-Disposition"] = attachments.content_disposition(filename(report, "xlsx"))
    return response


@require_GET
def report_edxml(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_visible_or_404(
        SummaryReport.objects.select_related("owning_committee"), request.user, pk=pk
    )
    _downloaded(request, report)  # a refusal names the report's level: a read too
    refusal = queries.edxml_refusal(report)
    if refusal:
        messages.error(request, refusal)
        return redirect(report)
    try:
        data = edxml_bytes(report)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, report, exc)
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = attachments.content_disposition(filename(report, "edxml"))
    return response


@require_GET
def report_chart(request: HttpRequest, pk: int, key: str, chart: str) -> HttpResponse:
    """A section's chart as a PNG (the page's <img>, the same picture as in the .docx)."""
    report = _report(request, pk)
    found = queries.chart_of(_section(report, key), chart)
    if found is None:
        raise Http404
    _downloaded(request, report)
    response = HttpResponse(chart_png(found), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response
