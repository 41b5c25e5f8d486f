"""Pages of report obligations. Thin: scope, then services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core import audit, clock
from vigil.core.documents.decree30 import docx_response
from vigil.core.forms import add_form_errors
from vigil.core.pages import acting, submit
from vigil.core.xlsx import xlsx_response
from vigil.org.models import Committee, Role
from vigil.org.scope import get_visible_or_404, scope_for
from vigil.work.obligations import consolidation as cons
from vigil.work.obligations import services, submissions
from vigil.work.obligations.calendar_source import own_submissions, reports_waiting
from vigil.work.obligations.forms import (
    ObligationForm,
    ReturnForm,
    SubmissionForm,
    TemplateEditor,
    posted_initial,
)
from vigil.work.obligations.models import (
    OPEN_STATES,
    ReportObligation,
    ReportPeriod,
    ReportSubmission,
    SubmissionState,
)

PAGE = 50


def issuing_committees(user: Any) -> Any:
    """Committees where the user may set obligations (their standing office's, and below)."""
    scope = scope_for(user)
    return Committee.objects.filter(pk__in=scope.committees_below).filter(
        pk__in=[
            c.pk
            for c in Committee.objects.filter(pk__in=scope.committees_below).only("path")
            if scope.committee_role_covers(c.path, Role.STANDING_OFFICE)
        ]
    )


def _viewed(request: HttpRequest, obj: Any) -> None:
    audit.record_view(request.user, [obj], about=obj, path=request.path)


def obligation_list(request: HttpRequest) -> HttpResponse:
    obligations = (
        ReportObligation.objects.visible_to(request.user)
        .select_related("owning_committee", "current_template")
        .order_by("-active", "title", "pk")
    )
    page = Paginator(obligations, PAGE).get_page(request.GET.get("page"))
    audit.record_view(request.user, list(page.object_list), path=request.path)
    return render(
        request,
        "work/obligations/obligation_list.html",
        {"page": page, "can_create": issuing_committees(request.user).exists()},
    )


EDITOR_TEMPLATE = "work/obligations/_template_editor.html"


@require_http_methods(["GET", "POST"])
def obligation_create(request: HttpRequest) -> HttpResponse:
    committees = issuing_committees(request.user)
    if not committees.exists():
        raise Http404  # a page for standing offices only, like the number registers
    data = request.POST if request.method == "POST" else None
    form = ObligationForm(data, committees=committees)
    editor = TemplateEditor(data)
    context = {"form": form, "editor": editor}
    if editor.action:  # a row added, removed or moved: nothing is saved
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, EDITOR_TEMPLATE, context)
        context["form"] = ObligationForm(
            initial=posted_initial(form, request.POST), committees=committees
        )
    elif data is not None and all([form.is_valid(), editor.is_valid()]):  # both show errors
        values = form.cleaned_data
        indicators, sections = editor.specs()
        try:
            obligation = services.create_obligation(
                values["committee"], title=values["title"], period_kind=values["period_kind"],
                starts_on=values["starts_on"], ends_on=values["ends_on"],
                due_rule=values["due_rule"], due_day=values["due_day"],
                agencies=values["agencies"], committees=values["committees"],
                indicators=indicators, sections=sections,
                classification=values["classification"], actor=acting(request),
            )  # fmt: skip
        except ValidationError as exc:
            rest = editor.take_errors(exc)
            if rest is not None:
                add_form_errors(form, rest)
        else:
            messages.success(request, _("Report obligation created."))
            return redirect("work:obligation_detail", pk=obligation.pk)
    return render(request, "work/obligations/obligation_form.html", context)


def obligation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obligation: ReportObligation = get_visible_or_404(
        ReportObligation.objects.select_related("owning_committee", "current_template", "upstream"),
        request.user,
        pk=pk,
    )
    _viewed(request, obligation)
    reviewer = services.can_review(request.user, obligation)
    periods = []
    if reviewer:
        for period in obligation.periods.order_by("-starts_on")[:24]:
            states = list(period.submissions.values_list("state", flat=True))
            periods.append(
                {
                    "period": period,
                    "total": len(states),
                    "submitted": states.count(SubmissionState.SUBMITTED),
                    "accepted": states.count(SubmissionState.ACCEPTED),
                    "late": period.due_on < clock.today() and any(s in OPEN_STATES for s in states),
                }
            )
    mine = (
        own_submissions(request.user)
        .filter(obligation=obligation)
        .select_related("period", "agency", "committee")
        .order_by("-due_on")[:24]
    )
    template = obligation.current_template
    return render(
        request,
        "work/obligations/obligation_detail.html",
        {
            "obligation": obligation,
            "template": template,
            "indicators": template.indicators.all() if template else [],
            "sections": template.sections.all() if template else [],
            "agencies": obligation.addressed_agencies.order_by("name"),
            "committees": obligation.addressed_committees.order_by("path"),
            "reviewer": reviewer,
            "periods": periods,
            "mine": mine,
        },
    )


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of the template. What was opened keeps its own version, so
    nothing a unit has written changes; the page says how much that is."""
    obligation: ReportObligation = get_visible_or_404(
        ReportObligation.objects.select_related("current_template"), request.user, pk=pk
    )
    if not services.can_review(request.user, obligation):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    editor = TemplateEditor(data, template=obligation.current_template)
    context = {"editor": editor, "obligation": obligation}
    if editor.action:
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, EDITOR_TEMPLATE, context)
    elif data is not None and editor.is_valid():
        indicators, sections = editor.specs()
        try:
            services.revise_template(
                obligation, indicators=indicators, sections=sections, actor=acting(request)
            )
        except ValidationError as exc:
            rest = editor.take_errors(exc)
            if rest is not None:
                editor.messages.extend(rest.messages)
        else:
            messages.success(request, _("New version of the template saved."))
            return redirect("work:obligation_detail", pk=obligation.pk)
    context["opened"] = services.template_use(obligation)
    return render(request, "work/obligations/template_form.html", context)


@require_POST
def period_open(request: HttpRequest, pk: int) -> HttpResponse:
    obligation: ReportObligation = get_visible_or_404(ReportObligation.objects, request.user, pk=pk)
    if not services.can_review(request.user, obligation):
        raise PermissionDenied
    try:
        opened = services.open_period(obligation, actor=acting(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("work:obligation_detail", pk=obligation.pk)
    messages.success(
        request,
        _("%(period)s is open: %(n)d new report tasks.")
        % {"period": opened.period.label, "n": opened.created},
    )
    return redirect("work:consolidation", pk=opened.period.pk)


def reports_due(request: HttpRequest) -> HttpResponse:
    """The reports the user's units must write (``?overdue=1``: those past due), or with
    ``?view=waiting`` the reports sent to the user's committees that wait for acceptance."""
    waiting = request.GET.get("view") == "waiting"
    subs = (
        (reports_waiting(request.user) if waiting else own_submissions(request.user))
        .select_related("obligation", "period", "agency", "committee")
        .order_by("due_on", "pk")
    )
    today = clock.today()
    listed = subs if waiting else subs.filter(state__in=OPEN_STATES)
    if request.GET.get("overdue"):
        listed = listed.filter(due_on__lt=today)
    page = Paginator(listed, PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # The recently sent reports: a short reminder under the first page only.
    recent = (
        list(subs.exclude(state__in=OPEN_STATES).order_by("-due_on", "-pk")[:20])
        if page.number == 1 and not waiting
        else []
    )
    audit.record_view(request.user, rows + recent, path=request.path)
    return render(
        request,
        "work/obligations/reports_due.html",
        {"page": page, "rows": rows, "recent": recent, "today": today, "waiting": waiting},
    )


def _submission(request: HttpRequest, pk: int) -> ReportSubmission:
    sub: ReportSubmission = get_visible_or_404(
        ReportSubmission.objects.select_related(
            "obligation", "period__template", "agency", "committee", "owning_committee"
        ),
        request.user,
        pk=pk,
    )
    return sub


def _on_fields(form: SubmissionForm, exc: ValidationError) -> ValidationError:
    """The service names indicator and section codes; the form's fields carry prefixes."""
    if hasattr(exc, "error_dict"):
        codes = {i.code: f"v_{i.code}" for i in form.indicators}
        codes |= {s.code: f"n_{s.code}" for s in form.sections}
        exc = ValidationError({codes.get(k, k): v for k, v in exc.error_dict.items()})
    return exc


@require_http_methods(["GET", "POST"])
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _submission(request, pk)
    _viewed(request, sub)
    writer = services.can_report(request.user, sub) and sub.is_open
    form = SubmissionForm(request.POST or None, submission=sub) if writer else None
    if request.method == "POST" and form is None:
        raise PermissionDenied
    if form is not None:
        sending = request.POST.get("action") == "submit"

        def save(data: dict[str, Any]) -> None:
            values, narrative = form.answers()
            try:
                # One transaction: a refused submission leaves the draft as it was,
                # so the form's revision still holds for the next try.
                with transaction.atomic(durable=True):
                    submissions.save_draft_within(
                        sub, values=values, narrative=narrative,
                        revision=data["revision"], actor=acting(request),
                    )  # fmt: skip
                    if sending:
                        submissions.submit_within(sub, actor=acting(request))
            except ValidationError as exc:
                raise _on_fields(form, exc) from exc

        done = submit(
            request, form, save,
            success=_("Report submitted.") if sending else _("Draft saved."),
            then=reverse("work:submission_detail", args=[sub.pk]),
        )  # fmt: skip
        if done is not None:
            return done
    reviewer = services.can_review(request.user, sub.obligation)
    template = sub.period.template
    answers = [
        {"indicator": i, "value": cons.shown(sub.values.get(i.code))}
        for i in template.indicators.all()
    ]
    texts = [{"section": s, "text": sub.narrative.get(s.code, "")} for s in template.sections.all()]
    return render(
        request,
        "work/obligations/submission_detail.html",
        {
            "sub": sub, "form": form, "answers": answers, "texts": texts,
            "reviewer": reviewer and sub.state == SubmissionState.SUBMITTED,
            "return_form": ReturnForm(), "can_fill": writer
            and submissions.own_obligation_for(sub) is not None,
        },
    )  # fmt: skip


def _act(request: HttpRequest, pk: int, action: Any, success: str, **kwargs: Any) -> HttpResponse:
    sub = _submission(request, pk)
    try:
        action(sub, actor=acting(request), **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("work:submission_detail", pk=sub.pk)


@require_POST
def submission_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, submissions.submit, _("Report submitted."))


@require_POST
def submission_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, submissions.accept_submission, _("Report accepted."))


@require_POST
def submission_return(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReturnForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(request, pk, submissions.return_submission, _("Report returned."), reason=reason)


@require_POST
def submission_fill(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, submissions.fill_from_consolidation,
        _("Filled in from your committee's consolidation."),
    )  # fmt: skip


def _period(request: HttpRequest, pk: int) -> ReportPeriod:
    period: ReportPeriod = get_visible_or_404(
        ReportPeriod.objects.select_related("obligation__owning_committee__admin_unit", "template"),
        request.user,
        pk=pk,
    )
    return period


def consolidation(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    _viewed(request, period)
    c = cons.consolidate(period)
    totals = [{"total": t, "shown": cons.shown(t.value)} for t in c.totals]
    units = [
        {"row": u, "cells": [cons.shown(u.values.get(i.code)) if u.accepted else ""
                             for i in c.indicators]}
        for u in c.units
    ]  # fmt: skip
    return render(
        request,
        "work/obligations/consolidation.html",
        {
            "period": period, "c": c, "totals": totals, "units": units,
            "late": period.due_on < clock.today(),
            "reviewer": services.can_review(request.user, period.obligation),
        },
    )  # fmt: skip


def consolidation_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    _viewed(request, period)
    c = cons.consolidate(period)
    return xlsx_response(
        cons.filename(c, "xlsx"), cons.xlsx_sheets(c), classification=period.classification
    )


def consolidation_docx(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    _viewed(request, period)
    c = cons.consolidate(period)
    return docx_response(cons.filename(c, "docx"), cons.docx_bytes(c, date=clock.today()))
