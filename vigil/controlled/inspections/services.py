"""Store inspections: recorded by the registry's keepers, a reminder when the next is due.

A use case opens its own durable transaction; ``record_inspection_within`` writes
the same in the caller's transaction (the demo seed)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.controlled.inspections.models import Inspection, InspectionResult
from vigil.controlled.models import ControlledAction
from vigil.controlled.registry.keepers import require_keeper
from vigil.controlled.registry.models import Store
from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.inbox.services import CommitteeRole, remind_once
from vigil.org.models import Agency, Role

RULE = "controlled.inspection_due"
DUE_AHEAD_DAYS = 14  # the reminder goes out this many days before the due date


@transaction.atomic(durable=True)
def record_inspection(
    store: Store,
    *,
    date: dt.date,
    inspecting_agency: Agency,
    result: str,
    findings: str = "",
    next_due: dt.date | None = None,
    actor: Actor,
) -> Inspection:
    """Record an inspection of a store (by a registry keeper)."""
    return record_inspection_within(
        store,
        date=date,
        inspecting_agency=inspecting_agency,
        result=result,
        findings=findings,
        next_due=next_due,
        actor=actor,
    )


def record_inspection_within(
    store: Store,
    *,
    date: dt.date,
    inspecting_agency: Agency,
    result: str,
    findings: str = "",
    next_due: dt.date | None = None,
    actor: Actor,
) -> Inspection:
    """``record_inspection`` as a helper that nests: in the caller's transaction (the demo seed)."""
    require_keeper(actor, store.owning_committee, store.licensing_agency_id)
    if result not in InspectionResult.values:
        raise ValidationError({"result": _("Choose a result from the list.")})
    if date > clock.today():
        raise ValidationError({"date": _("An inspection cannot be recorded before it happens.")})
    if inspecting_agency.committee_id is None:
        raise ValidationError(
            {"inspecting_agency": _("The inspecting agency must be a member agency.")}
        )
    if result != InspectionResult.SATISFACTORY and not findings.strip():
        raise ValidationError({"findings": _("Describe the deficiencies found.")})
    inspection = Inspection(
        store=store, date=date, inspecting_agency=inspecting_agency, result=result,
        findings=findings.strip(), next_due=next_due,
        owning_committee_id=store.owning_committee_id, owning_agency_id=store.owning_agency_id,
        licensing_agency_id=store.licensing_agency_id, classification=store.classification,
        recorded_at=clock.now(), recorded_by=audit.actor_label(actor),
    )  # fmt: skip
    inspection.full_clean()
    inspection.save()
    audit.record(
        ControlledAction.INSPECTION_RECORDED, actor=actor, obj=inspection,
        after=audit.snapshot(inspection, ["store_id", "date", "inspecting_agency_id", "result",
                                          "findings", "next_due"]),
    )  # fmt: skip
    return inspection


def remind_inspections_due(now: dt.datetime) -> int:
    """For each store, its latest inspection's next due date: remind once, 14 days ahead,
    the organisation, its licensing agency and the standing office."""
    today = timezone.localdate(now)
    horizon = today + dt.timedelta(days=DUE_AHEAD_DAYS)
    latest: dict[int, Inspection] = {}
    candidates = (
        Inspection.objects.filter(next_due__isnull=False)
        .select_related("store", "owning_agency", "licensing_agency", "owning_committee")
        .order_by("store_id", "-date", "-pk")
    )
    for inspection in candidates:
        latest.setdefault(inspection.store_id, inspection)
    sent = 0
    for inspection in latest.values():
        assert inspection.next_due is not None
        if inspection.next_due > horizon:
            continue
        recipients: list[object] = [
            inspection.owning_agency,
            CommitteeRole(inspection.owning_committee, Role.STANDING_OFFICE),
        ]
        if inspection.licensing_agency is not None:
            recipients.append(inspection.licensing_agency)
        overdue = inspection.next_due < today
        with translation.override(settings.LANGUAGE_CODE):
            if overdue:
                message = _("The inspection of store %(store)s was due on %(date)s.")
            else:
                message = _("The inspection of store %(store)s is due on %(date)s.")
            message = message % {
                "store": inspection.store.name, "date": inspection.next_due.strftime("%d/%m/%Y"),
            }  # fmt: skip
        if remind_once(
            inspection, rule=RULE, threshold=f"due:{inspection.next_due.isoformat()}",
            recipients=recipients, message=message, now=now,
        ):  # fmt: skip
            sent += 1
    return sent
