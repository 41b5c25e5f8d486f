"""The private Atom feed of the issued alerts a user may see.

Authenticated as the iCalendar feed is, by the same revocable token (the
user's one private feed token, ``vigil.work.feeds``: creating a new one or
revoking it changes both feeds' addresses). The rows are
``Alert.objects.visible_to(user)``, issued ones only, so a draft never
appears and an alert addressed to another agency never does. As on the
calendar feed, a classified alert's headline, event and text stay off the
feed: its entry says only that there is something to read in Vigil.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import feedgenerator
from django.utils.translation import gettext as _

from vigil.situation.alerts.models import Alert, AlertState
from vigil.situation.cap.writer import EXERCISE_MARK

FEED_SIZE = 100


def feed_alerts(user: Any) -> list[Alert]:
    """The latest issued alerts ``user`` may see, newest first."""
    return list(
        Alert.objects.visible_to(user)
        .filter(state=AlertState.ISSUED)
        .select_related("owning_committee")
        .order_by("-sent_at", "-pk")[:FEED_SIZE]
    )


def _link(alert: Alert) -> str:
    try:
        return alert.get_absolute_url()
    except NoReverseMatch:  # the alert pages not installed: the CAP download
        return reverse("situation:alert_cap", kwargs={"pk": alert.pk})


def _title(alert: Alert) -> str:
    if alert.classification:
        title = _("A classified alert: open Vigil to read it")
    else:
        title = alert.headline
    if alert.is_exercise:
        title = f"{EXERCISE_MARK}: {title}"
    return title


def _summary(alert: Alert) -> str:
    if alert.classification:
        return ""
    parts = [alert.event, f"{alert.urgency} / {alert.severity} / {alert.certainty}"]
    if alert.area_desc:
        parts.append(alert.area_desc)
    if alert.description:
        parts.append(alert.description)
    return "\n".join(parts)


def atom_for(user: Any, base_url: str) -> bytes:
    """The Atom document of ``user``'s alerts; links are made absolute with ``base_url``."""
    base = base_url.rstrip("/")
    feed = feedgenerator.Atom1Feed(
        title=_("Vigil: alerts"),
        link=base + "/",
        description=_("The issued alerts addressed to you."),
        language="vi",
        feed_guid=f"{base}/situation/cap/feed",
    )
    for alert in feed_alerts(user):
        assert alert.sent_at is not None  # issued (a database constraint)
        feed.add_item(
            title=_title(alert),
            link=base + _link(alert),
            description=_summary(alert),
            unique_id=alert.identifier,
            unique_id_is_permalink=False,
            pubdate=alert.sent_at,
            updateddate=alert.sent_at,
            categories=["Exercise"] if alert.is_exercise else None,
        )
    return feed.writeString("utf-8").encode()
