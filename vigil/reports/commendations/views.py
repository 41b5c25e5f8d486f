"""The commendations' pages: the list (by year and state), a proposal with its
evidence and its workflow buttons, the proposal form (the evidence offered is what
Vigil shows for the recipient chosen), the review, decision and refusal steps, and
the decision as a .docx. Thin: scope, then the services. What a user may not see is
404; a step they may not take, 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vigil.core.documents.decree30 import docx_response
from vigil.core.pages import acting, audit_classified_view, submit
from vigil.org.models import Agency, Committee
from vigil.org.scope import get_visible_or_404
from vigil.reports.commendations import documents, queries, services
from vigil.reports.commendations.evidence import evidence_for, record_view
from vigil.reports.commendations.forms import (
    DecideForm,
    FilterForm,
    ProposeForm,
    RecipientForm,
    RefuseForm,
    ReviewForm,
)
from vigil.reports.commendations.models import Commendation

PAGE = 50


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _commendation(request: HttpRequest, pk: int) -> Commendation:
    found: Commendation = get_visible_or_404(
        Commendation.objects.select_related(
            "owning_committee", "owning_agency", "recipient_agency", "recipient_committee"
        ),
        request.user,
        pk=pk,
    )
    return found


def commendation_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None,
                      committees=Committee.objects.visible_to(request.user).order_by("path"))  # fmt: skip
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    committee = data.get("committee")
    filters = queries.Filters(year=data.get("year"), state=data.get("state") or "",
                              committee=committee.pk if committee else None)  # fmt: skip
    page = Paginator(queries.commendations_for(request.user, filters), PAGE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    return render(request, "reports/commendation_list.html", {
        "form": form, "page": page, "rows": rows,
        "can_propose": queries.proposing_committees(request.user).exists(),
        "page_stamp": audit_classified_view(request, rows),
    })  # fmt: skip


def commendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = _commendation(request, pk)
    return render(request, "reports/commendation_detail.html", {
        "c": c, "steps": services.steps_for(request.user, c),
        "page_stamp": audit_classified_view(request, [c], about=c),
    })  # fmt: skip


def commendation_docx(request: HttpRequest, pk: int) -> HttpResponse:
    c = _commendation(request, pk)
    audit_classified_view(request, [c], about=c)
    return docx_response(documents.filename(c), documents.docx_bytes(c))


def _recipients(committee: Committee) -> list[tuple[str, str]]:
    choices = [(f"a{a.pk}", a.name) for a in queries.agencies_of(committee)]
    choices += [(f"c{c.pk}", c.name) for c in queries.committees_below(committee)]
    choices += [(f"u{a.pk}", _("A person of %(agency)s") % {"agency": a.name})
                for a in queries.agencies_of(committee)]  # fmt: skip
    return choices


@require_http_methods(["GET", "POST"])
def commendation_new(request: HttpRequest) -> HttpResponse:
    user = acting(request)
    committees = list(queries.proposing_committees(user))
    if not committees:
        raise Http404  # a page for those who may propose
    chosen = request.GET.get("committee", "")
    committee = next((c for c in committees if chosen.isdigit() and c.pk == int(chosen)),
                     committees[0])  # fmt: skip
    picker = RecipientForm(request.GET if "recipient" in request.GET else None,
                           recipients=_recipients(committee))  # fmt: skip
    context: dict[str, Any] = {"committee": committee, "committees": committees,
                               "picker": picker}  # fmt: skip
    if picker.is_bound and picker.is_valid():
        year, code = picker.cleaned_data["year"], picker.cleaned_data["recipient"]
        target: dict[str, Any] = {}
        recipient: Agency | Committee
        if code[0] == "c":
            recipient = target["recipient_committee"] = Committee.objects.get(pk=int(code[1:]))
            evidence = evidence_for(user, year, committee=recipient)
        else:
            recipient = Agency.objects.get(pk=int(code[1:]))
            target["unit" if code[0] == "u" else "recipient_agency"] = recipient
            evidence = evidence_for(user, year, agency=recipient)
        record_view(user, evidence, recipient, path=request.get_full_path())
        form = ProposeForm(_posted(request), evidence=evidence)

        def propose(values: dict[str, Any]) -> Commendation:
            values = dict(values)
            if code[0] != "u":
                values.pop("person_name"), values.pop("person_position")
            return services.propose(committee, actor=user, year=year, **target, **values)

        done = submit(request, form, propose, success=_("Commendation proposed."),
                      refusals=(PermissionDenied,))  # fmt: skip
        if done is not None:
            return done
        context |= {"form": form, "evidence": evidence, "individual": code[0] == "u"}
    return render(request, "reports/commendation_form.html", context,
                  status=400 if request.method == "POST" else 200)  # fmt: skip


def _step(
    request: HttpRequest, pk: int, step: str, form_class: type[Any],
    action: Callable[[Commendation, dict[str, Any]], Any], *, title: str, button: str,
    success: str, danger: bool = False,
) -> HttpResponse:  # fmt: skip
    c = _commendation(request, pk)
    if request.method != "POST" and step not in services.steps_for(request.user, c):
        raise PermissionDenied
    form = form_class(_posted(request))
    done = submit(request, form, lambda data: action(c, data), success=success,
                  then=c.get_absolute_url(), refusals=(PermissionDenied,))  # fmt: skip
    if done is not None:
        return done
    return render(request, "reports/commendation_step.html", {
        "c": c, "form": form, "title": title, "button": button, "danger": danger,
        "page_stamp": audit_classified_view(request, [c], about=c),
    }, status=400 if form.is_bound else 200)  # fmt: skip


@require_http_methods(["GET", "POST"])
def commendation_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting(request)
    return _step(request, pk, "review", ReviewForm,
                 lambda c, d: services.review(c, actor=user, note=d["note"]),
                 title=_("Review the proposal"), button=_("Mark as reviewed"),
                 success=_("The proposal is reviewed."))  # fmt: skip


@require_http_methods(["GET", "POST"])
def commendation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting(request)
    return _step(request, pk, "decide", DecideForm,
                 lambda c, d: services.decide(c, actor=user, number=d["number"], on=d["on"]),
                 title=_("Record the decision"), button=_("Record the decision"),
                 success=_("The decision is recorded."))  # fmt: skip


@require_http_methods(["GET", "POST"])
def commendation_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting(request)
    return _step(request, pk, "refuse", RefuseForm,
                 lambda c, d: services.refuse(c, actor=user, reason=d["reason"]),
                 title=_("Refuse the proposal"), button=_("Refuse"),
                 success=_("The proposal is refused."), danger=True)  # fmt: skip
