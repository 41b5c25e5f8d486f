"""An alert in the inbox: its priority colour (from severity and urgency) and an
**Acknowledge** button for the user's agency while its delivery waits, registered
with the inbox's hook (``vigil.inbox.actions``) in ``SituationConfig.ready``.

One query for a page of notifications, whatever the number of alerts on it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.inbox.actions import Action, Extras
from vigil.org.scope import scope_for
from vigil.situation.alerts.models import Alert, AlertDelivery, AlertState, MsgType
from vigil.situation.terms import Severity, Urgency


def priority(alert: Alert) -> str:
    if alert.severity == Severity.EXTREME or alert.urgency == Urgency.IMMEDIATE:
        return "priority-high"
    if alert.severity == Severity.SEVERE or alert.urgency == Urgency.EXPECTED:
        return "priority-medium"
    return "priority-low"


def alert_extras(notifications: Sequence[Any], user: Any) -> dict[int, Extras]:
    ids = {int(n.about_id) for n in notifications if str(n.about_id).isdigit()}
    scope = scope_for(user)
    mine = Q(agency_id__in=scope.agency_ids) | Q(committee_id__in=scope.committee_ids)
    pending = AlertDelivery.objects.filter(mine, alert=OuterRef("pk"), acknowledged_at__isnull=True)
    cancels = Alert.objects.filter(
        references=OuterRef("pk"), msg_type=MsgType.CANCEL, state=AlertState.ISSUED
    )
    alerts = {
        alert.pk: alert
        for alert in Alert.objects.filter(pk__in=ids)
        .annotate(waiting=Exists(pending), cancelled=Exists(cancels))
        .only("pk", "severity", "urgency", "state")
    }
    found: dict[int, Extras] = {}
    for notification in notifications:
        alert = (
            alerts.get(int(notification.about_id)) if str(notification.about_id).isdigit() else None
        )
        if alert is None:
            continue
        actions: tuple[Action, ...] = ()
        waiting = alert.waiting and not alert.cancelled
        if waiting and alert.state == AlertState.ISSUED:
            url = reverse("situation:alert_acknowledge", kwargs={"pk": alert.pk})
            actions = (Action(_("Acknowledge"), url, "acknowledge"),)
        note = _("%(severity)s · %(urgency)s") % {
            "severity": alert.get_severity_display(),
            "urgency": alert.get_urgency_display(),
        }
        found[notification.pk] = Extras(priority(alert), actions, note)
    return found
