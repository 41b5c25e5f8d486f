"""Lockout (django-axes): who the client is, and what a locked-out user reads."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.core import clock


def client_ip(request: HttpRequest) -> str:
    """The client's address (settings.AXES_CLIENT_IP_CALLABLE).

    X-Forwarded-For is anyone's to write; only the configured proxy's word
    counts, and of its header only the last entry, the one that proxy added.
    """
    peer = str(request.META.get("REMOTE_ADDR", ""))
    proxy = settings.VIGIL_TRUSTED_PROXY
    if proxy and peer == proxy:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return peer


def locked_until(username: str, ip_address: str | None = None) -> dt.datetime | None:
    """When the lockout of this username (from this address, or any) ends; None if not locked."""
    attempts = AccessAttempt.objects.filter(
        username=username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    )
    if ip_address is not None:
        attempts = attempts.filter(ip_address=ip_address)
    last = attempts.order_by("-attempt_time").values_list("attempt_time", flat=True).first()
    if last is None:
        return None
    until: dt.datetime = last + settings.AXES_COOLOFF_TIME
    return until if until > clock.now() else None


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_address: str
    until: dt.datetime


def current_lockouts() -> list[Lockout]:
    """Who is locked out now, from where, until when: for the administrator's unlock."""
    since = clock.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gt=since
    ).order_by("username", "-attempt_time")
    return [
        Lockout(a.username or "", a.ip_address or "", a.attempt_time + settings.AXES_COOLOFF_TIME)
        for a in attempts
    ]


def lockout_message(until: dt.datetime | None) -> str:
    if until is None:
        return _(
            "This account is locked after too many failed sign-ins. "
            "Ask your administrator to unlock it."
        )
    minutes = max(1, math.ceil((until - clock.now()).total_seconds() / 60))
    return ngettext(
        "This account is locked after too many failed sign-ins. "
        "Try again in %(minutes)d minute, or ask your administrator to unlock it.",
        "This account is locked after too many failed sign-ins. "
        "Try again in %(minutes)d minutes, or ask your administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def locked_out_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """settings.AXES_LOCKOUT_CALLABLE: the sign-in page again, saying when to retry."""
    from vigil.accounts.forms import SignInForm

    username = str((credentials or {}).get("username") or request.POST.get("username", ""))
    until = locked_until(username, getattr(request, "axes_ip_address", None) or client_ip(request))
    form = SignInForm(request, initial={"username": username})
    return render(
        request,
        "accounts/login.html",
        {"form": form, "lockout": lockout_message(until), "next": request.POST.get("next", "")},
        status=429,
    )
