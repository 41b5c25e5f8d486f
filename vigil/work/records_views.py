"""Pages of work plans, meetings, incoming documents and the calendar. Thin:
scope, then services."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vigil.core import attachments, audit, clock
from vigil.core.forms import add_form_errors
from vigil.org.forms import AttachmentForm
from vigil.org.models import Committee
from vigil.org.scope import get_visible_or_404
from vigil.work import feeds, records, services
from vigil.work.calendar import items_for
from vigil.work.forms import (
    EdxmlImportForm,
    HandlerForm,
    IncomingForm,
    MeetingForm,
    PlanForm,
    PointFormSet,
)
from vigil.work.models import IncomingDocument, IssuedDocument, Meeting, WorkPlan
from vigil.work.views import _stamp, _tasks, _upload, issuer_committees

PAGE = 50


def _attachment_context(request: HttpRequest, obj: Any, url_name: str) -> dict[str, Any]:
    user: Any = request.user
    return {
        "attachment_list": list(attachments.attachments_of(obj, user)),
        "can_attach": attachments.may_attach(user, obj),
        "attach_url": reverse(url_name, args=[obj.pk]),
        "attachment_form": AttachmentForm(clearance=user.clearance),
        "max_upload_mb": attachments.max_upload_bytes() // (1024 * 1024),
    }


def _specs(points: Any) -> list[services.PointSpec]:
    return [
        services.PointSpec(
            text=p["text"],
            lead=list(p["lead"]),
            supporting=list(p["supporting"]),
            deadline=p["deadline"],
            deadline_working_days=p["deadline_working_days"],
        )
        for p in points.cleaned_data
        if p and p.get("text", "").strip()
    ]


def _issuer_committee(request: HttpRequest, pk: int) -> Committee:
    committee: Committee = get_visible_or_404(Committee.objects, request.user, pk=pk)
    if not services.can_issue(request.user, committee):
        raise PermissionDenied
    return committee


# --- work plans


def _visible_document(request: HttpRequest, pk: int | None) -> IssuedDocument | None:
    """The document a record was issued as, if the reader may see it: its symbol and
    link are shown to those only (a less cleared reader sees that it was issued)."""
    if pk is None:
        return None
    return IssuedDocument.objects.visible_to(request.user).filter(pk=pk).first()


def plan_list(request: HttpRequest) -> HttpResponse:
    plans = WorkPlan.objects.visible_to(request.user).select_related("owning_committee")
    page = Paginator(plans.order_by("-year", "pk"), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "work/plan_list.html",
        {"page": page, "committees": issuer_committees(request.user),
         "page_stamp": _stamp(request, list(page.object_list), None)},
    )  # fmt: skip


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan: WorkPlan = get_visible_or_404(
        WorkPlan.objects.select_related("owning_committee"), request.user, pk=pk
    )
    tasks = _tasks(request.user).filter(plan_item__plan=plan).order_by("plan_item__order", "pk")
    return render(
        request,
        "work/plan_detail.html",
        {
            "plan": plan, "items": plan.items.all(), "tasks": tasks,
            "can_issue": services.can_issue(request.user, plan.owning_committee),
            "issued": _visible_document(request, plan.document_id),
            **_attachment_context(request, plan, "work:plan_attachment_upload"),
            "page_stamp": _stamp(request, [plan], plan),
        },
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, committee_pk: int) -> HttpResponse:
    committee = _issuer_committee(request, committee_pk)
    user: Any = request.user
    form = PlanForm(request.POST or None, clearance=user.clearance)
    points = PointFormSet(request.POST or None, prefix="points",
                          form_kwargs={"committee": committee})  # fmt: skip
    if request.method == "POST" and form.is_valid() and points.is_valid():
        data = form.cleaned_data
        try:
            plan = records.create_work_plan(
                committee, year=data["year"], title=data["title"], items=_specs(points),
                classification=data["classification"], actor=user,
            )  # fmt: skip
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Work plan saved."))
            return redirect(plan)
    return render(
        request,
        "work/record_form.html",
        {"form": form, "points": points, "committee": committee, "title": _("New work plan")},
    )


# --- meetings


def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = Meeting.objects.visible_to(request.user).select_related("owning_committee")
    page = Paginator(meetings, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "work/meeting_list.html",
        {"page": page, "committees": issuer_committees(request.user),
         "page_stamp": _stamp(request, list(page.object_list), None)},
    )  # fmt: skip


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting: Meeting = get_visible_or_404(
        Meeting.objects.select_related("owning_committee", "chair__post"),
        request.user,
        pk=pk,
    )
    tasks = (
        _tasks(request.user).filter(conclusion__meeting=meeting).order_by("conclusion__order", "pk")
    )
    return render(
        request,
        "work/meeting_detail.html",
        {
            "meeting": meeting, "points": meeting.points.all(), "tasks": tasks,
            "can_issue": services.can_issue(request.user, meeting.owning_committee),
            "issued": _visible_document(request, meeting.notice_id),
            "invited": meeting.invited.all(), "attending": meeting.attending.all(),
            **_attachment_context(request, meeting, "work:meeting_attachment_upload"),
            "page_stamp": _stamp(request, [meeting], meeting),
        },
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, committee_pk: int) -> HttpResponse:
    committee = _issuer_committee(request, committee_pk)
    user: Any = request.user
    form = MeetingForm(request.POST or None, committee=committee, clearance=user.clearance)
    points = PointFormSet(request.POST or None, prefix="points",
                          form_kwargs={"committee": committee})  # fmt: skip
    if request.method == "POST" and form.is_valid() and points.is_valid():
        data = form.cleaned_data
        try:
            meeting = records.record_meeting(
                committee, kind=data["kind"], title=data["title"], held_on=data["held_on"],
                agenda=data["agenda"], invited=list(data["invited"]),
                attending=list(data["attending"]), conclusions=data["conclusions"],
                points=_specs(points), classification=data["classification"],
                starts_at=data["starts_at"], venue=data["venue"], chair=data["chair"],
                actor=user,
            )  # fmt: skip
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect(meeting)
    return render(
        request,
        "work/record_form.html",
        {"form": form, "points": points, "committee": committee, "title": _("Record a meeting")},
    )


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
            "page_stamp": _stamp(request, list(page.object_list), None),
        },
    )  # fmt: skip


def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document: IncomingDocument = get_visible_or_404(
        IncomingDocument.objects.select_related("owning_committee", "issuer", "handler"),
        request.user, pk=pk,
    )  # fmt: skip
    user: Any = request.user
    issuer = services.can_issue(user, document.owning_committee)
    tasks = (
        _tasks(user)
        .filter(incoming_point__document=document)
        .order_by("incoming_point__order", "pk")
    )
    context = _attachment_context(request, document, "work:incoming_attachment_upload")
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
            "page_stamp": _stamp(request, [document, *context["attachment_list"]], document),
        },
    )  # fmt: skip


def _refused_upload(request: HttpRequest, form: Any, field: str) -> bool:
    """The upload handler stopped a file over the limit: say so, and write nothing."""
    refused = attachments.upload_too_large(request)
    if refused is not None and form.is_bound:
        form.add_error(field, refused)
    elif refused is not None:  # the fields after the file were not read either
        messages.error(request, "; ".join(refused.messages))
    return refused is not None


@require_http_methods(["GET", "POST"])
def incoming_create(request: HttpRequest, committee_pk: int) -> HttpResponse:
    committee = _issuer_committee(request, committee_pk)
    user: Any = request.user
    form = IncomingForm(request.POST or None, request.FILES or None, clearance=user.clearance)
    points = PointFormSet(request.POST or None, prefix="points",
                          form_kwargs={"committee": committee})  # fmt: skip
    if request.method == "POST" and _refused_upload(request, form, "file"):
        pass
    elif request.method == "POST" and form.is_valid() and points.is_valid():
        data = form.cleaned_data
        try:
            document = records.register_incoming(
                committee, issuer=data["issuer"], issuer_name=data["issuer_name"],
                number=data["number"], notation=data["notation"], doc_date=data["doc_date"],
                subject=data["subject"], deadline=data["deadline"],
                classification=data["classification"],
                files=[data["file"]] if data["file"] else [], points=_specs(points), actor=user,
            )  # fmt: skip
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Incoming document registered."))
            return redirect(document)
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
    committee = _issuer_committee(request, committee_pk)
    user: Any = request.user
    form = EdxmlImportForm(request.POST or None, request.FILES or None, clearance=user.clearance)
    if request.method == "POST" and _refused_upload(request, form, "package"):
        pass
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = records.import_incoming_edxml(
                committee, data["package"].read(), classification=data["classification"],
                actor=user,
            )  # fmt: skip
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            if document.issuer_unknown:
                messages.warning(
                    request,
                    _("The issuer %(name)s is not in the directory: check it.")
                    % {"name": document.issuer_name},
                )
            messages.success(request, _("Incoming document registered."))
            return redirect(document)
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
    if not services.can_issue(request.user, document.owning_committee):
        raise PermissionDenied
    form = HandlerForm(request.POST, committee=document.owning_committee)
    if form.is_valid():
        try:
            records.assign_incoming(document, handler=form.cleaned_data["handler"],
                                    actor=request.user)  # fmt: skip
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
    if not services.can_issue(request.user, document.owning_committee):
        raise PermissionDenied
    points = PointFormSet(request.POST, prefix="points",
                          form_kwargs={"committee": document.owning_committee})  # fmt: skip
    if not points.is_valid():
        messages.error(request, _("Check the points."))
        return redirect(document)
    try:
        tasks = records.tasks_from_incoming(document, points=_specs(points), actor=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d tasks assigned.") % {"n": len(tasks)})
    return redirect(document)


def document_edxml(request: HttpRequest, pk: int) -> HttpResponse:
    document: IssuedDocument = get_visible_or_404(
        IssuedDocument.objects.select_related("owning_committee__standing_agency", "signer__post"),
        request.user, pk=pk,
    )  # fmt: skip
    try:
        data = records.export_edxml(document, actor=request.user)
    except records.ClassifiedExportRefused as exc:
        messages.error(request, str(exc))
        return redirect(document)
    response = HttpResponse(data, content_type="application/xml")
    name = document.symbol.replace("/", "-")
    response["Content-Disposition"] = attachments.content_disposition(f"{name}.edxml")
    return response


@require_POST
def upload_to(request: HttpRequest, pk: int, model: str) -> HttpResponse:
    classes: dict[str, Any] = {"plan": WorkPlan, "meeting": Meeting, "incoming": IncomingDocument}
    obj = get_visible_or_404(classes[model].objects, request.user, pk=pk)
    return _upload(request, obj)


# --- calendar


def _month(request: HttpRequest) -> dt.date:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(x) for x in raw.split("-"))
        if not 1900 <= year <= 9000:  # the previous and next links stay dates
            raise ValueError(raw)
        return dt.date(year, month, 1)
    except ValueError:
        return clock.today().replace(day=1)


def calendar_page(request: HttpRequest) -> HttpResponse:
    return _calendar(request)


def _calendar(request: HttpRequest, feed_url: str = "") -> HttpResponse:
    first = _month(request)
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    items = items_for(request.user, first, last)
    _audit_classified(request, [i for i in items if i.classification])
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    feed = feeds.live_feed(request.user)
    return render(
        request,
        "work/calendar.html",
        {
            "items": items, "first": first, "previous": previous, "following": following,
            "feed": feed, "feed_url": feed_url,
        },
    )  # fmt: skip


def _audit_classified(request: HttpRequest, shown: list[Any]) -> None:
    """One view event for a calendar page that shows classified items (as record_view)."""
    if not shown:
        return
    user: Any = request.user
    with transaction.atomic():
        audit.record(
            audit.CoreAction.OBJECT_VIEWED, actor=user, object_type="page",
            object_id=request.path[:64], classification=max(i.classification for i in shown),
            after={"path": request.get_full_path(), "shown": sorted(i.uid for i in shown)},
        )  # fmt: skip


@require_http_methods(["GET", "POST"])
def calendar_feed_manage(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":  # e.g. the language switch coming back here: the address is gone
        return redirect("work:calendar")
    if request.POST.get("action") == "revoke":
        feeds.revoke_feed(actor=request.user)
        messages.success(request, _("The calendar feed was revoked."))
        return redirect("work:calendar")
    token = feeds.create_feed(actor=request.user)
    # The address is a secret: shown in this response only (never kept in the
    # session, never put in a URL to come back to), and not cached.
    response = _calendar(
        request, feed_url=request.build_absolute_uri(reverse("work:calendar_feed", args=[token]))
    )
    add_never_cache_headers(response)
    return response


@login_not_required
@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = feeds.user_for_token(token)
    if user is None:
        raise Http404
    data = feeds.ical_for(user, request.build_absolute_uri("/"))
    return HttpResponse(data, content_type="text/calendar; charset=utf-8")
