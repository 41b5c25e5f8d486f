"""The situation: incidents at places and the alerts every addressed agency acknowledges.

The concepts' models live in ``incidents/models.py`` and ``alerts/models.py``;
importing them here lets ``makemigrations`` see them in the ``situation`` app.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.situation.alerts.models import (
    AckMethod,
    Alert,
    AlertDelivery,
    AlertEvent,
    AlertState,
    CapScope,
    CapStatus,
    MsgType,
)
from vigil.situation.incidents.models import (
    FlashReport,
    Incident,
    IncidentEvent,
    IncidentState,
    IncidentType,
    TimelineEntry,
    UrgencyMark,
)
from vigil.situation.terms import Certainty, Severity, Urgency

__all__ = [
    "AckMethod",
    "Alert",
    "AlertDelivery",
    "AlertEvent",
    "AlertState",
    "CapScope",
    "CapStatus",
    "Certainty",
    "FlashReport",
    "Incident",
    "IncidentEvent",
    "IncidentState",
    "IncidentType",
    "MsgType",
    "Severity",
    "SituationAction",
    "TimelineEntry",
    "Urgency",
    "UrgencyMark",
]


class SituationAction(models.TextChoices):
    INCIDENT_REPORTED = "incident.reported", _("Incident reported")
    INCIDENT_CHANGED = "incident.changed", _("Incident details changed")
    INCIDENT_MOVED = "incident.moved", _("Incident state changed")
    TIMELINE_ADDED = "incident.timeline_added", _("Incident update added")
    FLASH_REPORT_ISSUED = "flash_report.issued", _("Flash report issued")
    FLASH_REPORT_EXPORTED = "flash_report.exported", _("Flash report exported for exchange")
    ALERT_DRAFTED = "alert.drafted", _("Alert drafted")
    ALERT_CHANGED = "alert.changed", _("Alert draft changed")
    ALERT_WITHDRAWN = "alert.withdrawn", _("Alert draft withdrawn")
    ALERT_APPROVED = "alert.approved", _("Alert approved and sent")
    ALERT_ACKNOWLEDGED = "alert.acknowledged", _("Alert acknowledged")
    ALERT_READ = "alert.read", _("Alert opened by a recipient")
    ALERT_ESCALATED = "alert.escalated", _("Alert recipient escalated")
    ALERT_IMPORTED = "alert.imported", _("CAP alert imported as a draft")
    ALERT_EXPIRED = "alert.expired", _("Alert expired: its escalation stopped")
