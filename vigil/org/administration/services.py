"""Checks and helpers the org use cases share (an administrator of this committee,
periods that begin and end), and the holiday table's use cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from vigil.core import audit, workdays
from vigil.core.audit import Actor
from vigil.core.models import Holiday
from vigil.org.administration.queries import can_edit_holidays
from vigil.org.models import Committee
from vigil.org.scope import require_committee_admin

# --- Helpers the org use cases share (they run inside the caller's transaction)


def check_period(valid_from: dt.date, valid_to: dt.date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": _("The period ends before it starts.")})


def clean(obj: Any, exclude: Iterable[str] = ()) -> None:
    """Model validation (field rules and named constraints) before any write."""
    obj.full_clean(exclude=list(exclude))


def set_period(
    obj: Any, action: str, *, committee: Committee, actor: Actor, **period: dt.date | None
) -> Any:
    """Helper (runs in the caller's transaction): change the dates of a member agency,
    a holder's term or a role (locked, audited)."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    require_committee_admin(actor, committee)
    changes = {k: v for k, v in period.items() if getattr(obj, k) != v}
    if not changes:
        return obj
    before = audit.snapshot(obj, ["valid_from", "valid_to"])
    for name, value in changes.items():
        setattr(obj, name, value)
    check_period(obj.valid_from, obj.valid_to)
    clean(obj)
    obj.save(update_fields=list(changes))
    audit.record(
        action,
        actor=actor,
        obj=obj,
        before=before,
        after=audit.snapshot(obj, ["valid_from", "valid_to"]),
    )
    return obj


def end_on(obj: Any, on: dt.date) -> None:
    if obj.valid_to is not None and obj.valid_to <= on:
        raise ValidationError(
            {"valid_to": _("This already ended on %s.") % obj.valid_to.strftime("%d/%m/%Y")}
        )


# --- The holiday table (kept in core; administrators of a province or above edit it)


def _require_holiday_editor(actor: Actor) -> None:
    if not can_edit_holidays(actor):
        raise PermissionDenied(_("Only an administrator may change the holiday table."))


def add_holiday(*, day: dt.date, name: str, kind: str, actor: Actor) -> Holiday:
    _require_holiday_editor(actor)
    return workdays.create_holiday(day=day, name=name, kind=kind, actor=actor)


def delete_holiday(holiday: Holiday, *, actor: Actor) -> None:
    _require_holiday_editor(actor)
    workdays.delete_holiday(holiday, actor=actor)
