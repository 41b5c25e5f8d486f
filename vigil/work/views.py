"""Pages of the committee's work as a whole: the scorecard and the calendar. Thin:
scope, then services.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from vigil.core import audit, clock
from vigil.core.calendar import items_for
from vigil.core.pages import acting, page_stamp
from vigil.core.xlsx import xlsx_response
from vigil.work import feeds
from vigil.work import scorecard as scorecards

# --- scorecards


def _scorecard_rows(request: HttpRequest) -> list[scorecards.Row]:
    committee = request.GET.get("committee")
    committee_id = (
        int(committee) if committee and committee.isascii() and committee.isdigit() else None
    )
    rows = scorecards.scorecard(request.user, committee_id=committee_id)
    scorecards.record_view(request.user, rows, path=request.path, committee_id=committee_id)
    return rows


def scorecard(request: HttpRequest) -> HttpResponse:
    rows = _scorecard_rows(request)
    return render(
        request,
        "work/scorecard.html",
        {"rows": rows, "page_stamp": page_stamp(rows)},
    )


def scorecard_xlsx(request: HttpRequest) -> HttpResponse:
    rows = _scorecard_rows(request)
    return xlsx_response(
        f"bang-diem-{dt.date.isoformat(clock.today())}.xlsx",
        [scorecards.sheet(rows, headers=scorecards.headers(), title=_("Scorecard"))],
        classification=scorecards.classification(rows),
    )


# --- calendar


def _month(request: HttpRequest) -> dt.date:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(x) for x in raw.split("-"))
        if not 1900 <= year <= 9000:  # the previous and next links stay dates
            raise ValueError(raw)
        return dt.date(year, month, 1)
    except ValueError:
        return clock.today().replace(day=1)


def calendar_page(request: HttpRequest) -> HttpResponse:
    return _calendar(request)


def _calendar(request: HttpRequest, feed_url: str = "") -> HttpResponse:
    first = _month(request)
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    items = items_for(request.user, first, last)
    _audit_classified(request, [i for i in items if i.classification])
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    feed = feeds.live_feed(request.user)
    return render(
        request,
        "work/calendar.html",
        {
            "items": items, "first": first, "previous": previous, "following": following,
            "feed": feed, "feed_url": feed_url,
        },
    )  # fmt: skip


def _audit_classified(request: HttpRequest, shown: list[Any]) -> None:
    """One view event for a calendar page that shows classified items (as record_view)."""
    if not shown:
        return
    user = acting(request)
    with transaction.atomic():
        audit.record(
            audit.CoreAction.OBJECT_VIEWED, actor=user, object_type="page",
            object_id=request.path[:64], classification=max(i.classification for i in shown),
            after={"path": request.get_full_path(), "shown": sorted(i.uid for i in shown)},
        )  # fmt: skip


@require_http_methods(["GET", "POST"])
def calendar_feed_manage(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":  # e.g. the language switch coming back here: the address is gone
        return redirect("work:calendar")
    if request.POST.get("action") == "revoke":
        feeds.revoke_feed(actor=acting(request))
        messages.success(request, _("The calendar feed was revoked."))
        return redirect("work:calendar")
    token = feeds.create_feed(actor=acting(request))
    # The address is a secret: shown in this response only (never kept in the
    # session, never put in a URL to come back to), and not cached.
    response = _calendar(
        request, feed_url=request.build_absolute_uri(reverse("work:calendar_feed", args=[token]))
    )
    add_never_cache_headers(response)
    return response


@login_not_required
@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = feeds.user_for_token(token)
    if user is None:
        raise Http404
    data = feeds.ical_for(user, request.build_absolute_uri("/"))
    return HttpResponse(data, content_type="text/calendar; charset=utf-8")
