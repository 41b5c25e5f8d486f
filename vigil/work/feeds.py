"""The private, revocable iCalendar feed of a user's deadlines and meetings.

The URL carries a random token; only its SHA-256 is stored. Titles of classified
items are not put in the feed (a calendar program is not a place for them)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from vigil.accounts.models import User
from vigil.core import audit, clock
from vigil.core.calendar import items_for
from vigil.work.models import CalendarFeed, WorkAction

PAST = dt.timedelta(days=60)
AHEAD = dt.timedelta(days=400)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic(durable=True)
def create_feed(*, actor: User) -> str:
    """A new feed for ``actor`` (the previous one is revoked); returns the raw token once."""
    revoke_feed_within(actor=actor)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=actor, token_hash=_hash(token), created_at=clock.now())
    audit.record(WorkAction.FEED_CREATED, actor=actor, obj=feed, after={"user": actor.pk})
    return token


def revoke_feed_within(*, actor: User) -> int:
    live = list(
        CalendarFeed.objects.select_for_update().filter(user=actor, revoked_at__isnull=True)
    )
    for feed in live:
        CalendarFeed.objects.filter(pk=feed.pk).update(revoked_at=clock.now())
        audit.record(WorkAction.FEED_REVOKED, actor=actor, obj=feed, after={"user": actor.pk})
    return len(live)


# The use case; ``create_feed`` revokes the old feed in its transaction (``…_within``).
revoke_feed = transaction.atomic(durable=True)(revoke_feed_within)


def live_feed(user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def user_for_token(token: str) -> Any | None:
    feed = (
        CalendarFeed.objects.filter(token_hash=_hash(token), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def ical_for(user: Any, base_url: str) -> bytes:
    today = clock.today()
    calendar = Calendar()
    calendar.add("prodid", "-//Vigil//BCĐ PCKB//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Vigil: deadlines and meetings"))
    stamp = clock.now()
    for item in items_for(user, today - PAST, today + AHEAD):
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        if item.classification:
            event.add("summary", _("A classified item: open Vigil to read it"))
        else:
            event.add("summary", item.title)
        event.add("url", base_url.rstrip("/") + item.url)
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
