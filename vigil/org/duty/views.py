"""An agency's duty roster: who is on duty now, the coming shifts, and adding them."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vigil.core import clock
from vigil.core.confirm import confirm_page
from vigil.core.pages import acting, audit_classified_view, submit
from vigil.org.duty import services
from vigil.org.duty.forms import DutyShiftForm
from vigil.org.duty.models import DutyShift
from vigil.org.duty.queries import roster, rosterable_members
from vigil.org.models import Agency
from vigil.org.scope import can_edit_contact_points, get_visible_or_404

# The roster page shows the past day and the coming fortnight.
LOOK_BACK = dt.timedelta(days=1)
LOOK_AHEAD = dt.timedelta(days=14)


@require_http_methods(["GET", "POST"])
def duty_roster(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency: Agency = get_visible_or_404(
        Agency.objects.select_related("committee"), request.user, pk=agency_pk
    )
    user = acting(request)
    can_edit = can_edit_contact_points(user, agency)
    form = None
    if can_edit:
        form = DutyShiftForm(request.POST or None, members=rosterable_members(agency))
        done = submit(
            request, form, lambda d: services.add_duty_shift(agency, actor=user, **d),
            success=_("Duty shift added."),
            then=reverse("org:duty_roster", kwargs={"agency_pk": agency.pk}),
        )  # fmt: skip
        if done is not None:
            return done
    elif request.method == "POST":
        raise PermissionDenied
    now = clock.now()
    shifts = list(roster(agency, user, now - LOOK_BACK, now + LOOK_AHEAD))
    on_duty = next((s for s in shifts if s.starts_at <= now < s.ends_at), None)
    stamp = audit_classified_view(request, shifts, about=agency)
    return render(
        request,
        "org/duty_roster.html",
        {
            "agency": agency,
            "shifts": shifts,
            "on_duty": on_duty,
            "now": now,
            "form": form,
            "can_edit": can_edit,
            "page_stamp": stamp,
            "until": timezone.localtime(now + LOOK_AHEAD),
        },
    )


@require_http_methods(["GET", "POST"])
def duty_shift_remove(request: HttpRequest, pk: int) -> HttpResponse:
    shift: DutyShift = get_visible_or_404(
        DutyShift.objects.select_related("agency__committee", "officer"), request.user, pk=pk
    )
    if not can_edit_contact_points(request.user, shift.agency):
        raise PermissionDenied
    if request.method == "GET":
        when = "{} – {}".format(
            localtime(shift.starts_at).strftime("%d/%m/%Y %H:%M"),
            localtime(shift.ends_at).strftime("%d/%m/%Y %H:%M"),
        )
        return confirm_page(
            request,
            title=_("Remove this duty shift?"),
            question=_(
                "Nobody is on duty for %(agency)s in these hours unless another shift covers them."
            )
            % {"agency": shift.agency.name},
            details=[
                (_("Duty officer"), shift.officer.full_name or shift.officer.username),
                (_("Hours"), when),
                (_("Duty phone"), shift.phone),
            ],
            action=_("Remove the shift"),
            cancel_url=reverse("org:duty_roster", args=[shift.agency_id]),
            shown=[shift],
            about=shift,
        )
    services.remove_duty_shift(shift, actor=acting(request))
    messages.success(request, _("Duty shift removed."))
    return redirect("org:duty_roster", agency_pk=shift.agency_id)
