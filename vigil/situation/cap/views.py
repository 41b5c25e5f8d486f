"""CAP pages: an alert's CAP file, the import form, the private Atom feed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from vigil.core import attachments, audit
from vigil.core.pages import acting, refuse_oversized_upload, submit
from vigil.org.models import Committee
from vigil.org.scope import get_visible_or_404
from vigil.situation.alerts import services as alerts
from vigil.situation.alerts.models import Alert
from vigil.situation.cap import feed, services, writer
from vigil.situation.cap.forms import CapImportForm

# The private feed token is the user's one feed token (the calendar's, in work):
# reused, not a second mechanism (situation/cap/feed.py).
from vigil.work.feeds import create_feed, live_feed, revoke_feed, user_for_token


def cap_response(request: HttpRequest | Any, alert: Alert) -> HttpResponse:
    """The alert's CAP file as a download; a classified alert's read is audited."""
    audit.record_view(request.user, [alert], about=alert, path=request.path)
    response = HttpResponse(
        writer.alert_to_cap(alert, viewer=request.user), content_type=writer.CAP_CONTENT_TYPE
    )
    response["Content-Disposition"] = attachments.content_disposition(writer.filename(alert))
    return response


def visible_alert(request: HttpRequest | Any, pk: int) -> Alert:
    alert: Alert = get_visible_or_404(
        Alert.objects.select_related("owning_committee", "references"), request.user, pk=pk
    )
    return alert


@require_GET
def alert_cap(request: HttpRequest, pk: int) -> HttpResponse:
    return cap_response(request, visible_alert(request, pk))


def _after_import(alert: Alert) -> str:
    try:
        return alert.get_absolute_url()
    except NoReverseMatch:  # the alert pages are not installed
        return reverse("situation:alert_cap", kwargs={"pk": alert.pk})


@require_http_methods(["GET", "POST"])
def alert_import_cap(request: HttpRequest, committee_pk: int) -> HttpResponse:
    committee: Committee = get_visible_or_404(Committee.objects, request.user, pk=committee_pk)
    user = acting(request)
    if not alerts.may_draft(user, committee):
        raise PermissionDenied
    form = CapImportForm(request.POST or None, request.FILES or None, clearance=user.clearance)
    if request.method != "POST" or not refuse_oversized_upload(request, form, "file"):
        done = submit(
            request, form,
            lambda data: services.import_cap(
                data["file"].read(), committee, actor=user,
                classification=data["classification"],
            ),
            success=_("The CAP file was imported as a draft alert: check it, address it and "
                      "send it for approval."),
            then=_after_import,
        )  # fmt: skip
        if done is not None:
            return done
    return render(request, "situation/cap/import.html", {"form": form, "committee": committee})


@login_not_required
@never_cache
@require_GET
def alert_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = user_for_token(token)
    if user is None:
        raise Http404
    data = feed.atom_for(user, request.build_absolute_uri("/"))
    return HttpResponse(data, content_type="application/atom+xml; charset=utf-8")


@require_http_methods(["GET", "POST"])
def alert_feed_manage(request: HttpRequest) -> HttpResponse:
    """The user's private feed address for alerts: the one feed token, shared with the
    calendar feed (replacing or revoking it changes both addresses)."""
    user = acting(request)
    context: dict[str, Any] = {"feed": live_feed(user)}
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            revoke_feed(actor=user)
            messages.success(request, _("The private feed address was revoked."))
            return redirect("situation:alert_feed_manage")
        token = create_feed(actor=user)
        context = {
            "feed": live_feed(user),
            "feed_url": request.build_absolute_uri(reverse("situation:alert_feed", args=[token])),
            "calendar_url": request.build_absolute_uri(reverse("work:calendar_feed", args=[token])),
        }
    # The address is a secret: shown in this response only, and not cached.
    response = render(request, "situation/cap/feed.html", context)
    add_never_cache_headers(response)
    return response
