"""The calendar page and the private, revocable iCalendar feed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from vigil.work import feeds
from vigil.work.models import CalendarFeed, Meeting, Task

pytestmark = pytest.mark.django_db


def test_the_calendar_page_lists_this_months_deadlines(client_for: Callable[[str], Client]) -> None:
    response = client_for("congthuong").get(reverse("work:calendar"))
    assert response.status_code == 200


def test_the_feed_token_is_stored_hashed_shown_once_and_revocable(
    persona: Callable[[str], Any], client: Client
) -> None:
    user = persona("bienphong")
    token = feeds.create_feed(actor=user)
    feed = CalendarFeed.objects.get(user=user, revoked_at__isnull=True)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash
    url = reverse("work:calendar_feed", args=[token])
    response = client.get(url)  # no session: the token is the credential
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    uids = {str(e["uid"]) for e in calendar.walk("VEVENT")}
    visible = Task.objects.visible_to(user)
    assert any(f"task-{t.pk}@vigil" in uids for t in visible)
    # bienphong sees a Mật meeting and a Mật task: their titles stay out of the feed.
    secret_meeting = Meeting.objects.get(title="Họp đột xuất về bảo vệ mục tiêu biên giới")
    assert f"meeting-{secret_meeting.pk}@vigil" in uids
    assert secret_meeting.title not in summaries
    for task in visible.filter(classification__gt=0):
        assert not any(task.title in s for s in summaries)
    feeds.revoke_feed(actor=user)
    assert client.get(url).status_code == 404


def test_replacing_the_feed_kills_the_old_address(
    persona: Callable[[str], Any], client: Client
) -> None:
    user = persona("congthuong")
    old = feeds.create_feed(actor=user)
    new = feeds.create_feed(actor=user)
    assert client.get(reverse("work:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("work:calendar_feed", args=[new])).status_code == 200
    assert client.get(reverse("work:calendar_feed", args=["guess"])).status_code == 404


def test_a_calendar_page_with_classified_items_is_audited(
    client_for: Callable[[str], Client],
) -> None:
    from vigil.core.models import AuditEvent

    meeting = Meeting.objects.get(title="Họp đột xuất về bảo vệ mục tiêu biên giới")
    before = AuditEvent.objects.filter(action="object.viewed").count()
    month = meeting.held_on.strftime("%Y-%m")
    response = client_for("bienphong").get(reverse("work:calendar") + f"?month={month}")
    assert meeting.title in response.content.decode()
    event = AuditEvent.objects.filter(action="object.viewed").order_by("-seq").first()
    assert AuditEvent.objects.filter(action="object.viewed").count() == before + 1
    assert event is not None and event.after is not None
    assert f"meeting-{meeting.pk}@vigil" in event.after["shown"]


def test_a_month_at_the_edge_of_the_calendar_is_not_a_500(
    client_for: Callable[[str], Client],
) -> None:
    """Review: ?month=9999-12 (or 0001-01) overflowed the date arithmetic of the
    previous/next links and gave a 500."""
    client = client_for("congthuong")
    for month in ("9999-12", "0001-01", "1-1", "-5-3"):
        assert client.get(reverse("work:calendar"), {"month": month}).status_code == 200


def test_a_new_feed_address_is_shown_once_in_the_create_response_only(
    client_for: Callable[[str], Client], client: Client
) -> None:
    officer = client_for("congthuong")
    response = officer.post(reverse("work:calendar_feed_manage"), {"action": "create"})
    # Shown in the response itself: no redirect, so no URL or session to carry it.
    assert response.status_code == 200
    page = response.content.decode()
    found = re.search(r'<input type="text" id="feed-url" class="copy-field" value="([^"]+)" readonly',
                      page)  # fmt: skip
    assert found is not None
    url = found.group(1)
    assert url.startswith("http://testserver/work/calendar/") and url.endswith(".ics")
    token = url.removeprefix("http://testserver/work/calendar/").removesuffix(".ics")
    assert 'data-copy="feed-url"' in page and "work/copy.js" in page
    assert "no-store" in response["Cache-Control"]
    assert not any(token in str(v) for v in officer.session.values())
    assert client.get(url.removeprefix("http://testserver")).status_code == 200
    # Never again: not on the calendar page, not after the language switch's GET.
    again = officer.get(reverse("work:calendar")).content.decode()
    assert token not in again and 'id="feed-url"' not in again
    back = officer.get(reverse("work:calendar_feed_manage"))
    assert back.status_code == 302 and back["Location"] == reverse("work:calendar")
    # Revoking still works, and kills the address.
    revoked = officer.post(reverse("work:calendar_feed_manage"), {"action": "revoke"})
    assert revoked.status_code == 302 and token not in revoked["Location"]
    assert client.get(url.removeprefix("http://testserver")).status_code == 404
    assert not CalendarFeed.objects.filter(
        user__username="congthuong", revoked_at__isnull=True
    ).exists()


def test_the_month_links_of_the_create_response_lead_to_the_calendar(
    client_for: Callable[[str], Client],
) -> None:
    page = client_for("congthuong").post(reverse("work:calendar_feed_manage"), {"action": "create"})
    assert f'href="{reverse("work:calendar")}?month=' in page.content.decode()
