"""Second factor: who needs one, what they hold, and the QR code to enrol.

A session that signed in with a password but still owes its second factor
carries ``PENDING_KEY`` ("verify" or "enrol"); SecondFactorMiddleware lets it
reach nothing else until the factor is given.
"""

from __future__ import annotations

from typing import Any, Protocol

import segno
from django.conf import settings
from django.utils.module_loading import import_string
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING_KEY = "vigil_mfa_pending"
VERIFY = "verify"
ENROL = "enrol"
RECOVERY_CODES = 10
RECOVERY_DEVICE_NAME = "recovery"


class _Policy(Protocol):
    def __call__(self, user: Any) -> bool: ...


def requires_second_factor(user: Any) -> bool:
    """settings.VIGIL_MFA_REQUIRED: "off", "all", or "roles" (asked of VIGIL_MFA_POLICY)."""
    mode = settings.VIGIL_MFA_REQUIRED
    if mode == "off":
        return False
    if mode == "all":
        return True
    policy: _Policy = import_string(settings.VIGIL_MFA_POLICY)
    return policy(user)


def authenticator(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device(user: Any) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()


def pending_step(user: Any) -> str:
    """What a user owes after their password: VERIFY, ENROL or nothing."""
    if authenticator(user) is not None:
        return VERIFY
    if requires_second_factor(user):
        return ENROL
    return ""


def qr_svg(data: str) -> str:
    """The QR code as inline SVG markup: no image request, no data: URI, nothing for CSP to refuse."""
    return str(segno.make(data, error="m").svg_inline(scale=5, dark="#1d2430", light="#ffffff"))
