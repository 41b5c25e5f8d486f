"""Flash report pages: the form (prefilled from the incident), the report, its files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vigil.core import attachments, audit
from vigil.core.documents.decree30 import docx_response
from vigil.core.pages import acting, audit_classified_view, submit
from vigil.org.scope import get_visible_or_404
from vigil.situation.flash import documents, queries, services
from vigil.situation.flash.forms import FlashReportForm
from vigil.situation.incidents.models import FlashReport, Incident, UrgencyMark


def _report(request: HttpRequest, pk: int) -> FlashReport:
    report = queries.visible_reports(request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


@require_http_methods(["GET", "POST"])
def flash_report_new(request: HttpRequest, pk: int) -> HttpResponse:
    incident: Incident = get_visible_or_404(
        Incident.objects.select_related("owning_committee__parent"), request.user, pk=pk
    )
    if not services.may_issue(request.user, incident):
        raise PermissionDenied(_("Only the standing office or the committee's leaders issue "
                                 "a flash report."))  # fmt: skip
    form_, title, name = services.default_signer(incident.owning_committee)
    initial = {
        "urgency_mark": UrgencyMark.HOA_TOC,
        "signing_form": form_,
        "signer_title": title,
        "signer_name": name,
        "recipients": "\n".join(r["name"] for r in services.default_recipients(incident)),
    }
    form = FlashReportForm(request.POST or None, initial=initial)

    def issue(data: dict[str, Any]) -> FlashReport:
        return services.issue_flash_report(
            incident, actor=acting(request), urgency_mark=data["urgency_mark"],
            signer_title=data["signer_title"], signer_name=data["signer_name"],
            recipients=data["recipients"], signing_form=data["signing_form"] or "",
        )  # fmt: skip

    def issued(report: FlashReport) -> str:
        messages.success(request, _("Flash report %(symbol)s issued.") % {"symbol": report.symbol})
        return services.report_url(report)

    done = submit(request, form, issue, success=None, then=issued, refusals=(PermissionDenied,))
    if done is not None:
        return done
    stamp = audit_classified_view(request, [incident], about=incident)
    context = {"form": form, "incident": incident, "page_stamp": stamp,
               "where": services.where_of(incident)}  # fmt: skip
    return render(request, "situation/flash/form.html", context)


@require_GET
def flash_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    stamp = audit_classified_view(request, [report], about=report)
    context = {
        "report": report,
        "content": report.content,
        "signature": documents.signature_lines(report),
        "refusal": documents.edxml_refusal(report),
        "page_stamp": stamp,
    }
    return render(request, "situation/flash/detail.html", context)


@require_GET
def flash_report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    audit.record_view(request.user, [report], about=report, path=request.path)
    return docx_response(documents.filename(report, "docx"), documents.docx_bytes(report))


@require_GET
def flash_report_edxml(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    try:
        data = services.export_edxml(report, actor=acting(request))
    except documents.ClassifiedExportRefused as exc:
        messages.error(request, str(exc))
        return redirect(services.report_url(report))
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = attachments.content_disposition(
        documents.filename(report, "edxml")
    )
    return response
