"""The situation figures for the home page: open incidents (real only), alerts that
wait for my agency's acknowledgement, alerts that wait for my approval. Each links to
the list of exactly the rows it counts; exercises are never counted. The panel comes
first in ``SUMMARIES``: the first thing the committee head sees in the morning."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.org.scope import Role, Viewer
from vigil.situation import queries
from vigil.situation.alerts.models import Alert
from vigil.situation.alerts.queries import awaiting_acknowledgement, awaiting_approval


def summary_for(user: Viewer) -> dict[str, Any]:
    visible = Alert.objects.visible_to(user).filter(is_exercise=False)
    alerts = reverse("situation:alert_list")
    incidents = queries.open_incidents(user).count()
    to_ack = awaiting_acknowledgement(user, visible).count()
    to_approve = awaiting_approval(user, visible).count()
    return {
        "title": _("Situation"),
        "items": [
            {"label": _("open incidents"), "value": incidents,
             "url": reverse("situation:picture"), "urgency": "waiting"},
            {"label": _("alerts awaiting my agency's acknowledgement"), "value": to_ack,
             "url": f"{alerts}?awaiting=ack&kind=real", "urgency": "overdue"},
            {"label": _("alerts awaiting my approval"), "value": to_approve,
             "url": f"{alerts}?awaiting=approval&kind=real", "urgency": "waiting"},
        ],
        # First for the committee head in the morning; the standing office keeps its
        # work panels first and sees this one below them when something waits.
        "roles": (Role.COMMITTEE_LEADER, Role.OFFICER, "commune"),
    }  # fmt: skip
