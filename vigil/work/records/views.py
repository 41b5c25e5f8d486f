"""Pages of work plans and meetings. Thin: scope, then services."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core.pages import (
    acting,
    attachment_context,
    audit_classified_view,
    submit,
    upload_attachment,
)
from vigil.org.scope import get_visible_or_404
from vigil.work.documents.models import IssuedDocument
from vigil.work.forms import MeetingForm, PlanForm, PointFormSet
from vigil.work.pages import issuer_committee_or_404, point_specs
from vigil.work.queries import issuer_committees
from vigil.work.records import services
from vigil.work.records.models import Meeting, WorkPlan
from vigil.work.services import can_issue
from vigil.work.tasks.queries import visible_tasks

PAGE = 50


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
         "page_stamp": audit_classified_view(request, list(page.object_list))},
    )  # fmt: skip


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan: WorkPlan = get_visible_or_404(
        WorkPlan.objects.select_related("owning_committee"), request.user, pk=pk
    )
    tasks = (
        visible_tasks(request.user).filter(plan_item__plan=plan).order_by("plan_item__order", "pk")
    )
    return render(
        request,
        "work/plan_detail.html",
        {
            "plan": plan, "items": plan.items.all(), "tasks": tasks,
            "can_issue": can_issue(request.user, plan.owning_committee),
            "issued": _visible_document(request, plan.document_id),
            **attachment_context(
                request, plan, upload_url=reverse("work:plan_attachment_upload", args=[plan.pk])
            ),
            "page_stamp": audit_classified_view(request, [plan], about=plan),
        },
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, committee_pk: int) -> HttpResponse:
    committee = issuer_committee_or_404(request, committee_pk)
    user = acting(request)
    form = PlanForm(request.POST or None, clearance=user.clearance)
    points = PointFormSet(request.POST or None, prefix="points",
                          form_kwargs={"committee": committee})  # fmt: skip
    done = submit(
        request, form,
        lambda data: services.create_work_plan(
            committee, year=data["year"], title=data["title"], items=point_specs(points),
            classification=data["classification"], actor=user,
        ),
        success=_("Work plan saved."), also=[points],
    )  # fmt: skip
    if done is not None:
        return done
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
         "page_stamp": audit_classified_view(request, list(page.object_list))},
    )  # fmt: skip


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting: Meeting = get_visible_or_404(
        Meeting.objects.select_related("owning_committee", "chair__post"),
        request.user,
        pk=pk,
    )
    tasks = (
        visible_tasks(request.user)
        .filter(conclusion__meeting=meeting)
        .order_by("conclusion__order", "pk")
    )
    return render(
        request,
        "work/meeting_detail.html",
        {
            "meeting": meeting, "points": meeting.points.all(), "tasks": tasks,
            "can_issue": can_issue(request.user, meeting.owning_committee),
            "issued": _visible_document(request, meeting.notice_id),
            "invited": meeting.invited.all(), "attending": meeting.attending.all(),
            **attachment_context(
                request, meeting,
                upload_url=reverse("work:meeting_attachment_upload", args=[meeting.pk]),
            ),
            "page_stamp": audit_classified_view(request, [meeting], about=meeting),
        },
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, committee_pk: int) -> HttpResponse:
    committee = issuer_committee_or_404(request, committee_pk)
    user = acting(request)
    form = MeetingForm(request.POST or None, committee=committee, clearance=user.clearance)
    points = PointFormSet(request.POST or None, prefix="points",
                          form_kwargs={"committee": committee})  # fmt: skip
    done = submit(
        request, form,
        lambda data: services.record_meeting(
            committee, kind=data["kind"], title=data["title"], held_on=data["held_on"],
            agenda=data["agenda"], invited=list(data["invited"]),
            attending=list(data["attending"]), conclusions=data["conclusions"],
            points=point_specs(points), classification=data["classification"],
            starts_at=data["starts_at"], venue=data["venue"], chair=data["chair"],
            reviews_year=data.get("reviews_year"), actor=user,
        ),
        success=_("Meeting recorded."), also=[points],
    )  # fmt: skip
    if done is not None:
        return done
    return render(
        request,
        "work/record_form.html",
        {"form": form, "points": points, "committee": committee, "title": _("Record a meeting")},
    )


@require_POST
def upload_to(request: HttpRequest, pk: int, model: str) -> HttpResponse:
    classes: dict[str, Any] = {"plan": WorkPlan, "meeting": Meeting}
    obj = get_visible_or_404(classes[model].objects, request.user, pk=pk)
    return upload_attachment(request, obj)
