"""Duty roster queries: who answers for an agency at a given moment.

The escalations (``vigil.inbox.escalation``) call ``duty_officer(agency, at)`` to
address the officer on duty first. Writes are ``vigil.org.duty.services``
(``add_duty_shift``, ``remove_duty_shift``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from vigil.core import clock
from vigil.org.duty.models import DutyShift
from vigil.org.models import Agency, Membership, Period
from vigil.org.scope import Viewer


def shift_at(agency: Agency | int, at: dt.datetime) -> DutyShift | None:
    """The shift covering ``at`` (shifts of an agency never overlap)."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    return (
        DutyShift.objects.select_related("officer")
        .filter(agency_id=agency_id, starts_at__lte=at, ends_at__gt=at)
        .first()
    )


def duty_officer(agency: Agency | int, at: dt.datetime) -> Any | None:
    """The user on duty for ``agency`` at ``at``, or None when nobody is rostered."""
    shift = shift_at(agency, at)
    return shift.officer if shift is not None else None


def roster(
    agency: Agency, user: Viewer, since: dt.datetime, until: dt.datetime
) -> QuerySet[DutyShift]:
    """The shifts ``user`` may see that overlap [since, until), in order."""
    return (
        DutyShift.objects.visible_to(user)
        .filter(agency=agency, starts_at__lt=until, ends_at__gt=since)
        .select_related("officer")
        .order_by("starts_at")
    )


def rosterable_members(agency: Agency) -> QuerySet[Any]:
    """Users who hold a current role in the agency: those who can be put on duty."""
    current = Membership.objects.filter(Period.current_on(clock.today()), agency=agency)
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=current.values("user_id"))
        .order_by("full_name", "username")
    )
