"""Pages of alerts: the list, an alert's page (CAP fields, recipients, timeline and the
buttons of whoever may act), the draft form, approval, acknowledgement (the button,
or a code the standing office records), update and cancel, and the live board.

Thin: scope, then the services of ``alerts/services.py``. What a user may not see is
404; what they see but may not change, 403. Every page of an exercise alert carries
the "DIỄN TẬP" banner (``situation/alerts/_base.html``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.core.confirm import safe_next
from vigil.core.pages import acting, audit_classified_view, refusal_text, submit
from vigil.org.models import Committee
from vigil.org.scope import Viewer, get_visible_or_404
from vigil.situation.alerts import queries, services
from vigil.situation.alerts.forms import (
    AckCodeForm,
    AcknowledgeForm,
    AlertFilterForm,
    AlertForm,
    CancelForm,
    alert_initial,
    initial_from_incident,
)
from vigil.situation.alerts.models import Alert, AlertDelivery, AlertState, MsgType
from vigil.situation.incidents.models import Incident

PAGE = 50


def drafting_committees(user: Viewer) -> QuerySet[Committee]:
    """The committees in whose name ``user`` may draft an alert."""
    ids = [c.pk for c in Committee.objects.visible_to(user) if services.may_draft(user, c)]
    return Committee.objects.filter(pk__in=ids).order_by("path")


def _alert(request: HttpRequest, pk: int) -> Alert:
    alert: Alert = get_visible_or_404(
        Alert.objects.select_related(
            "owning_committee", "owning_agency", "references", "drafted_by", "approved_by"
        ),
        request.user,
        pk=pk,
    )
    return alert


def _read_by_member(request: HttpRequest, alert: Alert) -> None:
    """A member of a recipient opens the alert: the recipient's first read (the board's
    "read" state, and an event on the timeline). Later opens change nothing."""
    if alert.state != AlertState.ISSUED or not request.user.is_authenticated:
        return
    for delivery in queries.unread_for_member(request.user, alert).select_related("alert"):
        services.mark_read(delivery, actor=acting(request))


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, refusal_text(exc))


def alert_list(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET or None)
    alerts = queries.alerts_for(request.user, form.filters())
    page = Paginator(alerts, PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    stamp = audit_classified_view(request, rows)
    context = {
        "form": form,
        "page": page,
        "rows": [(alert, queries.percent(alert.acknowledged, alert.recipients))
                 for alert in rows],
        "can_draft": drafting_committees(request.user).exists(),
        "page_stamp": stamp,
    }  # fmt: skip
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "situation/alerts/alert_list.html#results", context)
    return render(request, "situation/alerts/alert_list.html", context)


def _may_follow_up(user: Viewer, alert: Alert) -> bool:
    """An issued Alert or Update may be updated or cancelled by those who may draft."""
    return (
        alert.state == AlertState.ISSUED
        and alert.msg_type != MsgType.CANCEL
        and services.may_draft(user, alert.owning_committee)
    )


def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert(request, pk)
    _read_by_member(request, alert)
    user = request.user
    draft = alert.state == AlertState.DRAFT
    issued = alert.state == AlertState.ISSUED
    stamp = audit_classified_view(request, [alert], about=alert)
    context = {
        "alert": alert,
        "board": queries.board_rows(alert),
        "timeline": queries.timeline(alert),
        "agencies": alert.addressed_agencies.order_by("name"),
        "committees": alert.addressed_committees.order_by("path"),
        "communes": alert.communes.order_by("name"),
        "sites": alert.sites.visible_to(user).order_by("name"),
        "incidents": alert.incidents.visible_to(user),
        "followups": alert.followups.visible_to(user).order_by("drafted_at"),
        # The alert this one updates or cancels, only if the reader may see it too.
        "original": Alert.objects.visible_to(user).filter(pk=alert.references_id).first()
        if alert.references_id
        else None,
        "mine": services.deliveries_to_acknowledge(user, alert) if issued else [],
        "ack_form": AcknowledgeForm(),
        "code_form": AckCodeForm(),
        "can_edit": draft and services.may_draft(user, alert.owning_committee),
        "can_approve": draft and services.may_approve(user, alert),
        "can_record_code": issued and services.may_record_code(user, alert),
        "can_follow_up": _may_follow_up(user, alert),
        "page_stamp": stamp,
    }
    return render(request, "situation/alerts/alert_detail.html", context)


# --- drafting


@require_http_methods(["GET", "POST"])
def alert_new(request: HttpRequest) -> HttpResponse:
    committees = drafting_committees(request.user)
    if not committees.exists():
        raise Http404  # a page for those who may draft
    form = AlertForm(request.POST or None, initial=_about_incident(request, committees),
                     user=request.user, committees=committees)  # fmt: skip

    def create(data: dict[str, Any]) -> Alert:
        values = dict(data)
        return services.draft_alert(values.pop("committee"), actor=acting(request), **values)

    done = submit(request, form, create, success=_("Alert drafted: a leader approves it."))
    if done is not None:
        return done
    return render(request, "situation/alerts/alert_form.html",
                  {"form": form, "title": _("New alert"), "back": "/situation/alerts/"})  # fmt: skip


def _about_incident(request: HttpRequest, committees: QuerySet[Committee]) -> dict[str, Any]:
    """``?incident=<id>`` (the incident page's "Draft an alert"): the form starts from it,
    in the incident's committee when the user drafts for it. The page shows the
    incident's title: a read of it, audited when classified."""
    wanted = request.GET.get("incident")
    if not wanted:
        return {}
    if not wanted.isdigit():
        raise Http404
    incident: Incident = get_visible_or_404(
        Incident.objects.select_related("site", "commune"), request.user, pk=int(wanted)
    )
    initial = initial_from_incident(incident)
    if not committees.filter(pk=incident.owning_committee_id).exists():
        del initial["committee"]
    if request.method == "GET":
        audit_classified_view(request, [incident], about=incident)
    return initial


def _draft(request: HttpRequest, pk: int) -> Alert:
    """A draft the user may change (403 for a visible alert they may not)."""
    alert = _alert(request, pk)
    if alert.state != AlertState.DRAFT or not services.may_draft(
        request.user, alert.owning_committee
    ):
        raise PermissionDenied
    return alert


@require_http_methods(["GET", "POST"])
def alert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _draft(request, pk)
    form = AlertForm(request.POST or None, initial=alert_initial(alert), user=request.user,
                     committees=None)  # fmt: skip
    done = submit(
        request, form, lambda data: services.change_draft(alert, actor=acting(request), **data),
        success=_("Draft saved."), then=alert.get_absolute_url(),
    )  # fmt: skip
    if done is not None:
        return done
    audit_classified_view(request, [alert], about=alert)
    return render(request, "situation/alerts/alert_form.html",
                  {"form": form, "title": alert.headline, "alert": alert,
                   "back": alert.get_absolute_url()})  # fmt: skip


@require_POST
def alert_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _draft(request, pk)
    try:
        services.withdraw_draft(alert, actor=acting(request))
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Draft withdrawn."))
    return redirect(alert)


# --- approval


@require_http_methods(["GET", "POST"])
def alert_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirm page: the recipients and what approval does; the POST approves."""
    alert = _alert(request, pk)
    if alert.state != AlertState.DRAFT or not services.may_approve(request.user, alert):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.approve(alert, actor=acting(request))
        except ValidationError as exc:
            _refused(request, exc)
            return redirect(alert)
        messages.success(request, _("Alert approved and sent to every recipient."))
        return redirect("situation:alert_board", pk=alert.pk)
    stamp = audit_classified_view(request, [alert], about=alert)
    context = {
        "alert": alert,
        "agencies": alert.addressed_agencies.order_by("name"),
        "committees": alert.addressed_committees.order_by("path"),
        "page_stamp": stamp,
    }
    return render(request, "situation/alerts/alert_approve.html", context)


# --- acknowledgement


def _my_delivery(request: HttpRequest, alert: Alert, wanted: int | None) -> AlertDelivery | None:
    mine = services.deliveries_to_acknowledge(request.user, alert)
    if wanted is not None:
        return next((d for d in mine if d.pk == wanted), None)
    return mine[0] if mine else None


@require_http_methods(["GET", "POST"])
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge for the user's agency (its delivery; ``delivery`` picks one when the
    user answers for several), with an optional note."""
    alert = _alert(request, pk)
    form = AcknowledgeForm(request.POST or None, initial={"delivery": request.GET.get("delivery")})
    back = safe_next(request, alert.get_absolute_url())
    if request.method == "POST" and form.is_valid():
        delivery = _my_delivery(request, alert, form.cleaned_data["delivery"])
        if delivery is None:
            messages.error(request, _("Nothing of this alert waits for your acknowledgement."))
            return redirect(back)
        try:
            services.acknowledge(delivery, actor=acting(request), note=form.cleaned_data["note"])
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(
                request, _("Acknowledged for %(recipient)s.") % {"recipient": delivery}
            )
        return redirect(back)
    mine = services.deliveries_to_acknowledge(request.user, alert)
    if alert.state != AlertState.ISSUED or not mine:
        raise PermissionDenied
    _read_by_member(request, alert)
    stamp = audit_classified_view(request, [alert], about=alert)
    return render(request, "situation/alerts/alert_acknowledge.html",
                  {"alert": alert, "mine": mine, "form": form, "next": back,
                   "page_stamp": stamp})  # fmt: skip


@require_http_methods(["GET", "POST"])
def alert_ack_code(request: HttpRequest, pk: int) -> HttpResponse:
    """The standing office records an acknowledgement read over the phone, by its code."""
    alert = _alert(request, pk)
    if alert.state != AlertState.ISSUED or not services.may_record_code(request.user, alert):
        raise PermissionDenied
    form = AckCodeForm(request.POST or None)

    def record(data: dict[str, Any]) -> AlertDelivery:
        return services.acknowledge_by_code(alert, data["code"], actor=acting(request),
                                            note=data["note"])  # fmt: skip

    done = submit(request, form, record, success=_("Acknowledgement recorded."),
                  then=lambda _d: alert.get_absolute_url())  # fmt: skip
    if done is not None:
        return done
    stamp = audit_classified_view(request, [alert], about=alert)
    return render(request, "situation/alerts/alert_ack_code.html",
                  {"alert": alert, "form": form, "page_stamp": stamp})  # fmt: skip


# --- update and cancel


@require_http_methods(["GET", "POST"])
def alert_update(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft Update of an issued alert, starting from its values."""
    original = _alert(request, pk)
    if not _may_follow_up(request.user, original):
        raise PermissionDenied
    form = AlertForm(request.POST or None, initial=alert_initial(original), user=request.user,
                     committees=None)  # fmt: skip
    done = submit(
        request, form, lambda data: services.draft_update(original, actor=acting(request), **data),
        success=_("Update drafted: a leader approves it."),
    )  # fmt: skip
    if done is not None:
        return done
    audit_classified_view(request, [original], about=original)
    title = _("Update of: %(headline)s") % {"headline": original.headline}
    return render(request, "situation/alerts/alert_form.html",
                  {"form": form, "title": title, "alert": original,
                   "back": original.get_absolute_url()})  # fmt: skip


@require_http_methods(["GET", "POST"])
def alert_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft Cancel of an issued alert; it is sent when a leader approves it."""
    original = _alert(request, pk)
    if not _may_follow_up(request.user, original):
        raise PermissionDenied
    form = CancelForm(request.POST or None)
    done = submit(
        request, form,
        lambda data: services.draft_cancel(original, actor=acting(request), note=data["note"]),
        success=_("Cancel drafted: a leader approves it."),
    )  # fmt: skip
    if done is not None:
        return done
    stamp = audit_classified_view(request, [original], about=original)
    return render(request, "situation/alerts/alert_cancel.html",
                  {"alert": original, "form": form, "page_stamp": stamp})  # fmt: skip


# --- the board


def alert_board(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has and who has not acknowledged; the partial polls itself every 5 s.

    The page is audited as a read of a classified alert; the polled partial (states
    and times of recipients, no content of the alert) is not, so polling stays quiet.
    """
    alert = _alert(request, pk)
    if not request.htmx:  # type: ignore[attr-defined]
        _read_by_member(request, alert)  # opening the board; its polls are not reads
    context: dict[str, Any] = {
        "alert": alert,
        "board": queries.board_rows(alert),
        "mine": services.deliveries_to_acknowledge(request.user, alert)
        if alert.state == AlertState.ISSUED
        else [],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "situation/alerts/alert_board.html#board", context)
    context["page_stamp"] = audit_classified_view(request, [alert], about=alert)
    return render(request, "situation/alerts/alert_board.html", context)
