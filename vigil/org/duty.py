"""Duty roster queries: who answers for an agency at a given moment.

Later apps (alerts, escalations) call ``duty_officer(agency, at)`` to address the
officer on duty first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from vigil.org.models import Agency, DutyShift


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
