"""The auditor's panel on the home page: the last verification of each hash chain (its
result and when), and the audit events of his scope since yesterday, linked to the audit
log filtered to exactly those events.

Only for auditors: the standing office reads the log too, but its morning is the reports
and the duty roster. The events are ``events_visible_to`` the reader (his committees and
below, up to his clearance), as on the log page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.core import clock, verification
from vigil.org.audit.queries import events_visible_to, filter_events, is_auditor
from vigil.org.scope import Viewer

STALE_DAYS = 7  # a chain not verified for a week asks to be verified


def summary_for(user: Viewer) -> dict[str, Any]:
    if not is_auditor(user):
        return {"title": _("Audit"), "items": [], "roles": ()}
    today = clock.today()
    since = today - dt.timedelta(days=1)
    events = filter_events(events_visible_to(user), {"date_from": since})
    log = reverse("org:audit_log")
    return {
        "title": _("Audit"),
        "status": chain_status(log),
        "items": [
            {
                "label": _("audit events in my scope since yesterday"),
                "value": events.count(),
                "url": f"{log}?date_from={since.isoformat()}",
            },
        ],
        "roles": ("auditor",),
    }


def chain_status(url: str) -> list[dict[str, Any]]:
    """Each registered chain's last verification: intact or broken, when, by whom; a
    chain never verified, or not for ``STALE_DAYS``, is flagged."""
    runs = verification.latest_runs()
    stale = clock.now() - dt.timedelta(days=STALE_DAYS)
    lines = []
    for name in verification.verifiers():
        run = runs.get(name)
        if run is None:
            urgency = "waiting"
        elif not run.ok:
            urgency = "overdue"
        else:
            urgency = "waiting" if run.at < stale else ""
        lines.append(
            {"label": verification.verifier_label(name), "run": run, "url": url, "urgency": urgency}
        )
    return lines
