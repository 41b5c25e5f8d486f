"""The audit log: for auditors and the standing office, over their committee and below.

Core keeps the chain and knows no roles; who reads which events is decided
here. A user reads the events filed under a committee where they are auditor
or standing office (or one below it), and the events about those committees
and their agencies, up to their clearance. Everyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.core import audit, verification
from vigil.core.models import AuditEvent, AuditHead, VerificationRun
from vigil.org.forms import AuditFilterForm
from vigil.org.models import Agency, Membership
from vigil.org.scope import AUDIT_ROLES, committees_with_role, scope_for


def events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    committee_ids = committees_with_role(user, *AUDIT_ROLES)
    if not committee_ids:
        return AuditEvent.objects.none()
    agency_ids = Agency.objects.filter(committee_id__in=committee_ids).values_list("pk", flat=True)
    q = Q(committee_id__in=committee_ids)
    q |= Q(object_type="org.committee", object_id__in=[str(pk) for pk in committee_ids])
    q |= Q(object_type="org.agency", object_id__in=[str(pk) for pk in agency_ids])
    # Events filed under no committee (sign-ins, tokens, lockouts, deactivations):
    # those of the tree's people, by what they did or what was done to their account.
    people = (
        Membership.objects.filter(agency_id__in=agency_ids)
        .annotate(uid=Cast("user_id", CharField()))
        .values("uid")
    )
    q |= Q(committee_id__isnull=True, agency_id__in=agency_ids)
    q |= Q(committee_id__isnull=True, object_type="accounts.user", object_id__in=people)
    return AuditEvent.objects.filter(q, classification__lte=scope_for(user).clearance)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filter_events(events: QuerySet[AuditEvent], data: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The filters the page and the API share (``data``: cleaned values, empty ones ignored)."""
    actor = (data.get("actor") or "").strip()
    if actor:
        by_label = Q(actor_label__icontains=actor)
        events = events.filter(
            by_label | Q(actor_id=int(actor)) if actor.isdigit() and len(actor) < 19 else by_label
        )
    if data.get("agency"):
        agency = data["agency"]
        events = events.filter(agency_id=getattr(agency, "pk", agency))
    if data.get("object_type"):
        events = events.filter(object_type=data["object_type"])
    if data.get("object_id"):
        events = events.filter(object_id=data["object_id"])
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("date_from"):
        events = events.filter(at__gte=_day_start(data["date_from"]))
    if data.get("date_to"):
        events = events.filter(at__lt=_day_start(data["date_to"] + dt.timedelta(days=1)))
    return events


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
            "can_verify": _is_auditor(request.user),
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


def _is_auditor(user: Any) -> bool:
    return bool(committees_with_role(user, "auditor"))


def verify_chains(*, actor: Any) -> dict[str, VerificationRun]:
    """Service: an auditor runs every chain verifier now; the results are kept."""
    if not _is_auditor(actor):
        raise PermissionDenied(_("Only an auditor may run the verification."))
    return verification.run_all(actor=actor)


@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Verify every chain now (auditors); the result is kept and shown on the log page."""
    _require_reader(request)
    runs = verify_chains(actor=request.user)
    if all(run.ok for run in runs.values()):
        messages.success(request, _("Verification passed: the chains are intact."))
    else:
        messages.error(request, _("Verification FAILED: see the result below."))
    return redirect("org:audit_log")
