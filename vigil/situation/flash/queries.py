"""Reads of flash reports: a report is seen by whoever sees its incident (the scope
rule on ``Incident``) and is cleared for the report's own classification."""

from __future__ import annotations

from django.db.models import QuerySet

from vigil.org.scope import Viewer, scope_for
from vigil.situation.incidents.models import FlashReport, Incident


def visible_reports(user: Viewer) -> QuerySet[FlashReport]:
    return FlashReport.objects.filter(
        incident__in=Incident.objects.visible_to(user).values("pk"),
        classification__lte=scope_for(user).clearance,
    ).select_related("incident", "issued_by")


def reports_of(incident: Incident, user: Viewer) -> QuerySet[FlashReport]:
    """The flash reports on one incident the user sees, newest first."""
    return visible_reports(user).filter(incident=incident)
