"""The inbox and its unread count (polled), and the escalation policies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vigil.core.confirm import safe_next
from vigil.core.pages import acting, audit_classified_view, submit
from vigil.inbox import escalation, services
from vigil.inbox.forms import InboxFilterForm, PolicyForm
from vigil.inbox.models import InboxEntry
from vigil.org.models import Committee


def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET)
    user = acting(request)
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
    stamp = audit_classified_view(request, notifications)
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
            "page_stamp": stamp,
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
    services.mark_read(entry, actor=acting(request))
    return _back(request)


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=acting(request))
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return _back(request)


@login_not_required
@never_cache
@require_GET
def unread_count(request: HttpRequest) -> HttpResponse:
    """The header's polled count: one indexed query, no audit, no session write.

    Signed out (or timed out): 286 tells htmx to stop polling.
    """
    user = request.user
    if not user.is_authenticated:
        return HttpResponse(status=286)
    return HttpResponse(services.unread_badge(user), content_type="text/plain; charset=utf-8")


# --- Escalation policies


@require_http_methods(["GET", "POST"])
def policies(request: HttpRequest) -> HttpResponse:
    """Every visible committee's escalation policies; administrators set their committees'."""
    user = acting(request)
    visible = Committee.objects.visible_to(user)
    administered = visible.filter(pk__in=escalation.administered_committee_ids(user))
    form = PolicyForm(request.POST or None, committees=administered)
    if request.method == "POST" and not administered.exists():
        raise PermissionDenied
    done = submit(
        request, form,
        lambda data: escalation.set_policy(
            data["committee"], data["kind"], steps=form.steps(),
            working_time=data["working_time"], actor=user,
        ),
        success=_("Escalation policy saved."), then="inbox:policies",
    )  # fmt: skip
    if done is not None:
        return done
    rows = escalation.policy_rows(visible)
    return render(
        request,
        "inbox/policies.html",
        {"form": form, "rows": rows, "can_edit": administered.exists()},
        status=400 if request.method == "POST" else 200,
    )
