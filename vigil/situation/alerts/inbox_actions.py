"""An alert in the inbox: its priority colour (from severity and urgency) and an
**Acknowledge** button for the user's agency while its delivery waits, registered
with the inbox's hook (``vigil.inbox.actions``) in ``SituationConfig.ready``.

One query for a page of notifications, whatever the number of alerts on it.

An alert is one notification to all its recipients (one fan-out): the code each
recipient acknowledges with is its own, so it is not in that shared text. The
worker adds it to each e-mail as it builds it (``alert_email_lines``): a member of
an addressed agency reads that agency's code, and nobody else's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext
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


def alert_email_lines(notification: Any, reached: Mapping[int, Sequence[Any]]) -> dict[int, str]:
    """Each user's acknowledgement code(s): those of the deliveries of this notification
    to the agencies (or committees) whose member the user is (``reached``: the targets
    that brought each user, from current memberships). One query per batch of e-mail,
    for the deliveries of those users' agencies only."""
    if not str(notification.about_id).isdigit():
        return {}
    named = [t for targets in reached.values() for t in targets if not t.role]
    deliveries = list(
        AlertDelivery.objects.filter(
            Q(agency_id__in={t.agency_id for t in named if t.agency_id})
            | Q(committee_id__in={t.committee_id for t in named if t.committee_id}),
            alert_id=int(notification.about_id),
            notification=notification,
        )
        .select_related("agency", "committee")
        .order_by("pk")
    )
    by_agency = {d.agency_id: d for d in deliveries if d.agency_id}
    by_committee = {d.committee_id: d for d in deliveries if d.committee_id}
    lines: dict[int, str] = {}
    for user_id, targets in reached.items():
        mine: list[AlertDelivery] = []
        for target in targets:
            if target.role:  # an alert names whole agencies and committees
                continue
            found = (
                by_agency.get(target.agency_id)
                if target.agency_id
                else by_committee.get(target.committee_id)
            )
            # A notification written before codes left its text carries its code already.
            if found is not None and found not in mine and found.ack_code not in notification.body:
                mine.append(found)
        if len(mine) == 1:
            lines[user_id] = gettext(
                "Acknowledgement code: %(code)s. Acknowledge in Vigil, read the code to the "
                "standing office by telephone, or reply to the SMS with it."
            ) % {"code": mine[0].ack_code}
        elif mine:
            codes = [
                gettext("Acknowledgement code for %(recipient)s: %(code)s.")
                % {"recipient": d, "code": d.ack_code}
                for d in mine
            ]
            codes.append(gettext("Acknowledge in Vigil, read the code to the standing office "
                                 "by telephone, or reply to the SMS with it."))  # fmt: skip
            lines[user_id] = "\n".join(codes)
    return lines
