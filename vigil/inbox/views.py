"""The inbox, its unread count (polled), and the holiday table."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vigil.core import audit, clock, dates
from vigil.core.classification import STAMPS, Classification
from vigil.core.confirm import confirm_page, safe_next
from vigil.core.forms import add_form_errors
from vigil.core.models import Holiday
from vigil.inbox import escalation, services
from vigil.inbox.forms import HolidayForm, InboxFilterForm, PolicyForm
from vigil.inbox.models import InboxEntry
from vigil.org.models import Committee


def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET)
    user: Any = request.user
    entries = InboxEntry.objects.of(user).select_related("notification")
    state = "unread"
    if form.is_valid():
        state = form.cleaned_data["state"] or "unread"
        if form.cleaned_data["kind"]:
            entries = entries.filter(notification__kind=form.cleaned_data["kind"])
    if state == "unread":
        entries = entries.filter(read_at__isnull=True)
    page = Paginator(entries.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    notifications = [entry.notification for entry in page]
    # Messages about classified objects carry their content here: audit the page.
    audit.record_view(request.user, notifications, about=None, path=request.path)
    level = max((n.classification for n in notifications), default=0)
    template = "inbox/inbox.html"
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "state": state,
            "page_stamp": STAMPS[Classification(level)] if level else "",
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(safe_next(request, reverse("inbox:index")))


@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    # Another user's entry is not found, exactly as if it did not exist.
    entry = get_object_or_404(
        InboxEntry.objects.of(request.user).select_related("notification"), pk=pk
    )
    services.mark_read(entry, actor=request.user)
    return _back(request)


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return _back(request)


@login_not_required
@never_cache
@require_GET
def unread_count(request: HttpRequest) -> HttpResponse:
    """The header's polled count: one indexed query, no audit, no session write.

    Signed out (or timed out): 286 tells htmx to stop polling.
    """
    user: Any = request.user
    if not user.is_authenticated:
        return HttpResponse(status=286)
    return HttpResponse(services.unread_badge(user), content_type="text/plain; charset=utf-8")


# --- Holidays


@require_http_methods(["GET", "POST"])
def holidays(request: HttpRequest) -> HttpResponse:
    can_edit = services.can_edit_holidays(request.user)
    form = HolidayForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.add_holiday(
                    day=form.cleaned_data["date"],
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Holiday saved."))
                return redirect("inbox:holidays")
    year_raw = request.GET.get("year", "")
    digits = year_raw.isascii() and year_raw.isdigit() and len(year_raw) <= 4
    asked = int(year_raw) if digits else None
    if year_raw and (asked is None or not dates.FIRST.year <= asked <= dates.LAST.year):
        messages.error(
            request,
            _("Enter a year between %(first)s and %(last)s.")
            % {"first": dates.FIRST.year, "last": dates.LAST.year},
        )
        asked = None
    year = asked or clock.today().year
    rows = Holiday.objects.filter(date__year=year).order_by("date")
    return render(
        request,
        "inbox/holidays.html",
        {"form": form, "holidays": rows, "year": year, "can_edit": can_edit},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    holiday = get_object_or_404(Holiday, pk=pk)
    if request.method == "GET":
        if not services.can_edit_holidays(request.user):
            raise PermissionDenied
        return confirm_page(
            request,
            title=_("Delete the holiday of %(day)s?") % {"day": holiday.date.strftime("%d/%m/%Y")},
            question=_("The day becomes an ordinary day in the working-day calendar."),
            details=[(_("Date"), holiday.date.strftime("%d/%m/%Y")), (_("Name"), holiday.name)],
            warning=_(
                "Deadlines counted in working days from now on count this day: "
                "every such deadline across the province may move."
            ),
            action=_("Delete the holiday"),
            cancel_url=f"{reverse('inbox:holidays')}?year={holiday.date.year}",
        )
    services.delete_holiday(holiday, actor=request.user)
    messages.success(request, _("Holiday deleted."))
    return redirect(f"{reverse('inbox:holidays')}?year={holiday.date.year}")


# --- Escalation policies


@require_http_methods(["GET", "POST"])
def policies(request: HttpRequest) -> HttpResponse:
    """Every visible committee's escalation policies; administrators set their committees'."""
    user: Any = request.user
    visible = Committee.objects.visible_to(user)
    administered = visible.filter(pk__in=escalation.administered_committee_ids(user))
    form = PolicyForm(request.POST or None, committees=administered)
    if request.method == "POST":
        if not administered.exists():
            raise PermissionDenied
        if form.is_valid():
            try:
                escalation.set_policy(
                    form.cleaned_data["committee"],
                    form.cleaned_data["kind"],
                    steps=form.steps(),
                    working_time=form.cleaned_data["working_time"],
                    actor=user,
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Escalation policy saved."))
                return redirect("inbox:policies")
    rows = escalation.policy_rows(visible)
    return render(
        request,
        "inbox/policies.html",
        {"form": form, "rows": rows, "can_edit": administered.exists()},
        status=400 if request.method == "POST" else 200,
    )
