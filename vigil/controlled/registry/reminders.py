"""Licence expiry reminders at 60 and 30 days: to the organisation, the licensing
agency and the standing office of the owning committee, each threshold once."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.controlled.registry.models import Licence
from vigil.inbox.services import CommitteeRole, remind_once
from vigil.org.models import Role

THRESHOLDS = (60, 30)
RULE = "controlled.licence_expiry"


def remind_expiring_licences(now: dt.datetime) -> int:
    """Send what is due; returns how many reminders were sent by this run."""
    today = timezone.localdate(now)
    sent = 0
    horizon = today + dt.timedelta(days=max(THRESHOLDS))
    due = Licence.objects.filter(
        status=Licence.Status.ACTIVE, valid_to__gte=today, valid_to__lte=horizon
    ).select_related("owning_agency", "licensing_agency", "owning_committee")
    for licence in due:
        days_left = (licence.valid_to - today).days
        threshold = min(t for t in THRESHOLDS if days_left <= t)
        recipients: list[object] = [
            licence.owning_agency,
            CommitteeRole(licence.owning_committee, Role.STANDING_OFFICE),
        ]
        if licence.licensing_agency is not None:
            recipients.append(licence.licensing_agency)
        with translation.override(settings.LANGUAGE_CODE):
            message = _("Licence %(number)s of %(org)s expires on %(date)s (%(days)d days left).") % {
                "number": licence.number, "org": licence.owning_agency.name,
                "date": licence.valid_to.strftime("%d/%m/%Y"), "days": days_left,
            }  # fmt: skip
        if remind_once(
            licence, rule=RULE, threshold=f"{threshold}d", recipients=recipients,
            message=message, now=now,
        ):  # fmt: skip
            sent += 1
    return sent
