"""Pages of issued and incoming documents. Thin: scope, then services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core import attachments, audit
from vigil.core.documents.decree30 import docx_response
from vigil.core.pages import (
    acting,
    attachment_context,
    audit_classified_view,
    refuse_oversized_upload,
    submit,
    upload_attachment,
)
from vigil.org.models import Committee
from vigil.org.scope import get_visible_or_404
from vigil.work.documents import exchange, services, sources
from vigil.work.documents.docx import addressee_names, recipient_names, signature_lines
from vigil.work.documents.models import IncomingDocument, IssuedDocument
from vigil.work.documents.printing import docx_bytes
from vigil.work.forms import DocumentForm, EdxmlImportForm, HandlerForm, IncomingForm, PointFormSet
from vigil.work.pages import issuer_committee_or_404, point_specs
from vigil.work.queries import issuer_committees
from vigil.work.records.models import Meeting, WorkPlan
from vigil.work.services import can_issue
from vigil.work.tasks.queries import visible_tasks

PAGE = 50


# --- issued documents


def document_list(request: HttpRequest) -> HttpResponse:
    documents = (
        IssuedDocument.objects.visible_to(request.user)
        .select_related("owning_committee")
        .order_by("-issue_date", "-pk")
    )
    page = Paginator(documents, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "work/document_list.html",
        {
            "page": page,
            "committees": issuer_committees(request.user),
            "page_stamp": audit_classified_view(request, list(page.object_list)),
        },
    )


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document: IssuedDocument = get_visible_or_404(
        IssuedDocument.objects.select_related(
            "owning_committee", "signing_post", "signer__post"
        ),
        request.user, pk=pk,
    )  # fmt: skip
    user = acting(request)
    files = attachment_context(
        request, document, upload_url=reverse("work:document_attachment_upload", args=[document.pk])
    )
    tasks = visible_tasks(user).filter(document=document).order_by("point__order", "assignee__name")
    addressees = addressee_names(document)
    return render(
        request,
        "work/document_detail.html",
        {
            "document": document, "points": document.points.all(), "tasks": tasks,
            "recipients": document.recipients.all(),
            "signature": signature_lines(document),
            "addressees": addressees,
            "recipient_lines": recipient_names(document, addressees),
            **files,
            "page_stamp": audit_classified_view(
                request, [document, *files["attachment_list"]], about=document
            ),
        },
    )  # fmt: skip


def document_docx(request: HttpRequest, pk: int) -> HttpResponse:
    document: IssuedDocument = get_visible_or_404(
        IssuedDocument.objects.select_related(
            "owning_committee", "signing_post__committee", "signer__post"
        ),
        request.user, pk=pk,
    )  # fmt: skip
    audit.record_view(request.user, [document], about=document, path=request.path)
    data = docx_bytes(document)
    name = document.symbol.replace("/", "-")
    return docx_response(f"{name}.docx", data)


def _source(request: HttpRequest, committee: Committee) -> tuple[Any, dict[str, Any], list[str]]:
    """A meeting's conclusions notice (``?meeting=``) or a work plan (``?plan=``): the
    form starts from what the record says; the clerk chooses signer and recipients."""
    for key, model in (("meeting", Meeting), ("plan", WorkPlan)):
        raw = request.GET.get(key, "")
        if raw.isascii() and raw.isdigit():
            record = get_visible_or_404(model.objects, request.user, pk=int(raw))
            if record.owning_committee_id != committee.pk:
                raise Http404
            if request.method == "GET":
                # The form shows the record's conclusions: a read like its detail page.
                audit.record_view(request.user, [record], about=record, path=request.path)
            return (record, *sources.draft(record))
    return None, {}, []


@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, committee_pk: int) -> HttpResponse:
    committee: Committee = get_visible_or_404(Committee.objects, request.user, pk=committee_pk)
    user = acting(request)
    if not can_issue(user, committee):
        raise PermissionDenied
    source, initial, point_texts = _source(request, committee)
    form = DocumentForm(
        request.POST or None, committee=committee, clearance=user.clearance, initial=initial
    )
    points = PointFormSet(
        request.POST or None, prefix="points", form_kwargs={"committee": committee},
        # Only shown, never compared: a posted point equal to its initial text would
        # count as unchanged and be dropped.
        initial=None if request.method == "POST" else [{"text": t} for t in point_texts],
    )  # fmt: skip

    def issue(data: dict[str, Any]) -> IssuedDocument:
        return services.issue_document(
            committee, doc_type=data["doc_type"], subject=data["subject"],
            issue_date=data["issue_date"], signing_post=data["signing_post"],
            signer=data["signer"], signing_form=data["signing_form"] or "",
            body=data["body"], points=point_specs(points), classification=data["classification"],
            addressees=list(data["addressees"]), addressees_other=data["addressees_other"],
            recipients=list(data["recipients"]), recipients_other=data["recipients_other"],
            drafting_unit=data["drafting_unit"], legal_bases=data["legal_bases"],
            authority=data["authority"], source=source,
            urgency=data["urgency"] or "", external_number=data["external_number"],
            actor=user,
        )  # fmt: skip

    def issued(document: IssuedDocument) -> IssuedDocument:
        messages.success(request, _("Document %(symbol)s issued.") % {"symbol": document.symbol})
        return document

    done = submit(request, form, issue, success=None, then=issued, also=[points])
    if done is not None:
        return done
    return render(
        request,
        "work/document_form.html",
        {"form": form, "points": points, "committee": committee},
    )


@require_POST
def document_attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    document: IssuedDocument = get_visible_or_404(IssuedDocument.objects, request.user, pk=pk)
    return upload_attachment(request, document)


def document_edxml(request: HttpRequest, pk: int) -> HttpResponse:
    document: IssuedDocument = get_visible_or_404(
        IssuedDocument.objects.select_related("owning_committee__standing_agency", "signer__post"),
        request.user, pk=pk,
    )  # fmt: skip
    try:
        data = exchange.export_edxml(document, actor=acting(request))
    except exchange.ClassifiedExportRefused as exc:
        messages.error(request, str(exc))
        return redirect(document)
    response = HttpResponse(data, content_type="application/xml")
    name = document.symbol.replace("/", "-")
    response["Content-Disposition"] = attachments.content_disposition(f"{name}.edxml")
    return response


# --- incoming documents


def incoming_list(request: HttpRequest) -> HttpResponse:
    documents = IncomingDocument.objects.visible_to(request.user).select_related(
        "owning_committee", "handler"
    )
    page = Paginator(documents, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "work/incoming_list.html",
        {
            "page": page, "committees": issuer_committees(request.user),
            "page_stamp": audit_classified_view(request, list(page.object_list)),
        },
    )  # fmt: skip


def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document: IncomingDocument = get_visible_or_404(
        IncomingDocument.objects.select_related("owning_committee", "issuer", "handler"),
        request.user, pk=pk,
    )  # fmt: skip
    user = acting(request)
    issuer = can_issue(user, document.owning_committee)
    tasks = (
        visible_tasks(user)
        .filter(incoming_point__document=document)
        .order_by("incoming_point__order", "pk")
    )
    context = attachment_context(
        request, document, upload_url=reverse("work:incoming_attachment_upload", args=[document.pk])
    )
    return render(
        request,
        "work/incoming_detail.html",
        {
            "document": document, "points": document.points.all(), "tasks": tasks,
            "issuer": issuer,
            "handler_form": HandlerForm(committee=document.owning_committee) if issuer else None,
            "point_forms": PointFormSet(prefix="points",
                                        form_kwargs={"committee": document.owning_committee})
            if issuer else None,
            **context,
            "page_stamp": audit_classified_view(request, [document, *context["attachment_list"]],
                                                about=document),
        },
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def incoming_create(request: HttpRequest, committee_pk: int) -> HttpResponse:
    committee = issuer_committee_or_404(request, committee_pk)
    user = acting(request)
    form = IncomingForm(request.POST or None, request.FILES or None, clearance=user.clearance)
    points = PointFormSet(request.POST or None, prefix="points",
                          form_kwargs={"committee": committee})  # fmt: skip
    if request.method != "POST" or not refuse_oversized_upload(request, form, "file"):
        done = submit(
            request, form,
            lambda data: services.register_incoming(
                committee, issuer=data["issuer"], issuer_name=data["issuer_name"],
                number=data["number"], notation=data["notation"], doc_date=data["doc_date"],
                subject=data["subject"], deadline=data["deadline"],
                classification=data["classification"],
                files=[data["file"]] if data["file"] else [], points=point_specs(points), actor=user,
            ),
            success=_("Incoming document registered."), also=[points],
        )  # fmt: skip
        if done is not None:
            return done
    return render(
        request,
        "work/record_form.html",
        {
            "form": form, "points": points, "committee": committee, "multipart": True,
            "title": _("Register an incoming document"),
        },
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def incoming_import(request: HttpRequest, committee_pk: int) -> HttpResponse:
    committee = issuer_committee_or_404(request, committee_pk)
    user = acting(request)
    form = EdxmlImportForm(request.POST or None, request.FILES or None, clearance=user.clearance)

    def imported(document: IncomingDocument) -> IncomingDocument:
        if document.issuer_unknown:
            messages.warning(
                request,
                _("The issuer %(name)s is not in the directory: check it.")
                % {"name": document.issuer_name},
            )
        messages.success(request, _("Incoming document registered."))
        return document

    if request.method != "POST" or not refuse_oversized_upload(request, form, "package"):
        done = submit(
            request, form,
            lambda data: exchange.import_incoming_edxml(
                committee, data["package"].read(), classification=data["classification"],
                actor=user,
            ),
            success=None, then=imported,
        )  # fmt: skip
        if done is not None:
            return done
    return render(
        request,
        "work/record_form.html",
        {"form": form, "committee": committee, "multipart": True,
         "title": _("Import an edXML package")},
    )  # fmt: skip


@require_POST
def incoming_assign(request: HttpRequest, pk: int) -> HttpResponse:
    document: IncomingDocument = get_visible_or_404(
        IncomingDocument.objects.select_related("owning_committee"), request.user, pk=pk
    )
    if not can_issue(request.user, document.owning_committee):
        raise PermissionDenied
    form = HandlerForm(request.POST, committee=document.owning_committee)
    if form.is_valid():
        try:
            services.assign_incoming(document, handler=form.cleaned_data["handler"],
                                    actor=acting(request))  # fmt: skip
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose an agency."))
    return redirect(document)


@require_POST
def incoming_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    document: IncomingDocument = get_visible_or_404(
        IncomingDocument.objects.select_related("owning_committee"), request.user, pk=pk
    )
    if not can_issue(request.user, document.owning_committee):
        raise PermissionDenied
    points = PointFormSet(request.POST, prefix="points",
                          form_kwargs={"committee": document.owning_committee})  # fmt: skip
    if not points.is_valid():
        messages.error(request, _("Check the points."))
        return redirect(document)
    try:
        tasks = services.tasks_from_incoming(
            document, points=point_specs(points), actor=acting(request)
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d tasks assigned.") % {"n": len(tasks)})
    return redirect(document)


@require_POST
def incoming_attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    document: IncomingDocument = get_visible_or_404(IncomingDocument.objects, request.user, pk=pk)
    return upload_attachment(request, document)
