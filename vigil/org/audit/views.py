"""The audit log pages: the log, one object's history, and verifying the chains now."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.core import audit, verification
from vigil.core.models import AuditEvent, AuditHead
from vigil.core.pages import acting
from vigil.org.audit.forms import AuditFilterForm
from vigil.org.audit.queries import events_visible_to, filter_events, is_auditor
from vigil.org.audit.services import verify_chains
from vigil.org.models import Agency
from vigil.org.scope import AUDIT_ROLES, committees_with_role


def _require_reader(request: HttpRequest) -> None:
    if not committees_with_role(request.user, *AUDIT_ROLES):
        raise Http404


def _render_events(
    request: HttpRequest, template: str, events: QuerySet[AuditEvent], context: dict[str, Any]
) -> HttpResponse:
    page = Paginator(events.order_by("-seq"), 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # A page of classified events is itself a classified view.
    audit.record_view(request.user, rows, path=request.get_full_path())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, template, {**context, "page": page, "rows": rows, "query": query.urlencode()}
    )


def audit_log(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    readable = committees_with_role(request.user, *AUDIT_ROLES)
    form = AuditFilterForm(
        request.GET or None,
        agencies=Agency.objects.filter(committee_id__in=readable).order_by("name"),
    )
    events = events_visible_to(request.user)
    if form.is_bound and form.is_valid():
        events = filter_events(events, form.cleaned_data)
    elif form.is_bound:
        events = events.none()
    head = AuditHead.objects.filter(id=1).first()
    return _render_events(
        request,
        "org/audit_log.html",
        events,
        {
            "form": form,
            "head": head,
            "runs": {
                verification.verifier_label(name): run
                for name, run in verification.latest_runs().items()
            },
            "can_verify": is_auditor(request.user),
        },
    )


def audit_object(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    """One object's history: every event about it the user may read."""
    _require_reader(request)
    events = events_visible_to(request.user).filter(object_type=object_type, object_id=object_id)
    return _render_events(
        request,
        "org/audit_object.html",
        events,
        {"object_type": object_type, "object_id": object_id},
    )


@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Verify every chain now (auditors); the result is kept and shown on the log page."""
    _require_reader(request)
    runs = verify_chains(actor=acting(request))
    if all(run.ok for run in runs.values()):
        messages.success(request, _("Verification passed: the chains are intact."))
    else:
        messages.error(request, _("Verification FAILED: see the result below."))
    return redirect("org:audit_log")
