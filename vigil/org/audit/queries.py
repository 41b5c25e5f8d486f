"""The audit log: for auditors and the standing office, over their committee and below.

Core keeps the chain and knows no roles; who reads which events is decided
here. A user reads the events filed under a committee where they are auditor
or standing office (or one below it), and the events about those committees
and their agencies, up to their clearance. Everyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from vigil.core.models import AuditEvent
from vigil.org.models import Agency, Membership, Role
from vigil.org.scope import AUDIT_ROLES, Viewer, committees_with_role, scope_for


def events_visible_to(user: Viewer) -> QuerySet[AuditEvent]:
    """The events ``user`` may read. Not ``visible_to``: audit events are core rows
    that name no owning agency and are never shared; reading them is a role
    (``AUDIT_ROLES``) over a committee and those below it, and the clearance bound
    is the same as the rule's."""
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


def is_auditor(user: Viewer) -> bool:
    return bool(committees_with_role(user, Role.AUDITOR))
