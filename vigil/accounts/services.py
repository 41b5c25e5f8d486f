"""Account use cases. Each writes in one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts import mfa
from vigil.accounts.models import AccountAction, ApiToken, User, UserSession, token_digest
from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.core.classification import Classification

MAX_TOKEN_DAYS = 366


@transaction.atomic
def create_user(
    *,
    username: str,
    full_name: str,
    email: str = "",
    password: str | None,
    clearance: int = Classification.UNCLASSIFIED,
    actor: Actor,
    check_password: bool = True,
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    if email:
        validate_email(email)
    user = User(username=username, full_name=full_name, email=email, clearance=clearance)
    if password is None:
        user.set_unusable_password()
    else:
        if check_password:
            validate_password(password, user)
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        AccountAction.USER_CREATED,
        actor=actor,
        obj=user,
        after=audit.snapshot(user, ["username", "full_name", "email", "clearance", "is_active"]),
    )
    return user


@transaction.atomic
def create_token(
    user: User, *, name: str, scope: str = ApiToken.Scope.READ, days: int = 90, actor: Actor
) -> tuple[ApiToken, str]:
    """Return the new token and its secret, which is never stored or shown again."""
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": _("Scope must be 'read' or 'write'.")})
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError(
            {"days": _("A token lasts from 1 to %(max)s days.") % {"max": MAX_TOKEN_DAYS}}
        )
    if not name.strip():
        raise ValidationError({"name": _("Give the token a name.")})
    if not user.is_active:
        raise ValidationError(_("This user is deactivated."))
    raw = "vgl_" + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=raw[:10],
        digest=token_digest(raw),
        scope=scope,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    audit.record(
        AccountAction.TOKEN_CREATED,
        actor=actor,
        obj=token,
        after=audit.snapshot(token, ["user_id", "name", "prefix", "scope", "expires_at"]),
    )
    return token, raw


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: Actor) -> None:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        AccountAction.TOKEN_REVOKED, actor=actor, obj=token, after={"revoked_at": token.revoked_at}
    )


# Session keys of the timeouts (vigil.accounts.middleware), as POSIX seconds.
STARTED_KEY = "vigil_started"
SEEN_KEY = "vigil_seen"


@transaction.atomic
def sign_in(request: HttpRequest, user: Any) -> None:
    """Start a session (Django rotates its id) and record it.

    The session may still owe a second factor (mfa.PENDING_KEY): then it reaches
    nothing but the code or enrolment page until it is given."""
    login(request, user)
    now = clock.now()
    request.session[STARTED_KEY] = request.session[SEEN_KEY] = now.timestamp()
    pending = mfa.pending_step(user)
    if pending:
        request.session[mfa.PENDING_KEY] = pending
    UserSession.objects.create(
        session_key=str(request.session.session_key), user=user, started_at=now
    )
    audit.record(
        AccountAction.SIGNED_IN, actor=user, obj=user, after={"second_factor": pending or "none"}
    )


@transaction.atomic
def sign_out(request: HttpRequest, *, reason: str = "") -> None:
    """Record the end of the session, then end it.

    ``reason`` ("idle", "absolute") marks a session the timeouts ended."""
    user: Any = request.user
    if user.is_authenticated:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
        if reason:
            audit.record(
                AccountAction.SESSION_EXPIRED, actor=user, obj=user, after={"reason": reason}
            )
        else:
            audit.record(AccountAction.SIGNED_OUT, actor=user, obj=user)
    logout(request)


@transaction.atomic
def sign_out_other_sessions(request: HttpRequest) -> int:
    """End every session of the signed-in user but this one (a browser left signed in)."""
    user: Any = request.user
    ended = end_sessions(user, keep=request.session.session_key)
    audit.record(
        AccountAction.OTHER_SESSIONS_ENDED, actor=user, obj=user, after={"sessions_ended": ended}
    )
    return ended


@dataclass(frozen=True)
class SecondFactorResult:
    ok: bool
    wait_seconds: int = 0  # > 0: too many wrong codes, try again after this


@transaction.atomic
def verify_second_factor(request: HttpRequest, code: str) -> SecondFactorResult:
    """Check a code from the authenticator app (digits) or a recovery code (letters).

    django-otp refuses a TOTP code at or before the last one accepted (no replay),
    deletes a recovery code once used, and throttles wrong codes per device."""
    user: Any = request.user
    code = "".join(code.split()).lower()
    device: Any = (  # TOTPDevice, StaticDevice or None (django-otp is untyped)
        mfa.authenticator(user) if code.isdigit() and len(code) == 6 else mfa.recovery_device(user)
    )
    if device is None or not code:
        return SecondFactorResult(ok=False)
    allowed, why = device.verify_is_allowed()
    if not allowed:
        until = (why or {}).get("locked_until")
        wait = int((until - clock.now()).total_seconds()) + 1 if until else 60
        return SecondFactorResult(ok=False, wait_seconds=max(wait, 1))
    if not device.verify_token(code):
        return SecondFactorResult(ok=False)
    otp_login(request, device)
    request.session.pop(mfa.PENDING_KEY, None)
    if isinstance(device, StaticDevice):
        audit.record(
            AccountAction.RECOVERY_CODE_USED,
            actor=user,
            obj=user,
            after={"codes_left": device.token_set.count()},
        )
    return SecondFactorResult(ok=True)


def _issue_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=mfa.RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(mfa.RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def enrol_authenticator(
    user: User, *, key: str, code: str, actor: Actor, request: HttpRequest | None = None
) -> list[str]:
    """Confirm an authenticator app by a code it shows; replace any earlier one.

    Returns a fresh set of recovery codes, shown once. With ``request``, the
    session counts as verified by the new device."""
    device = TOTPDevice(user=user, name="Vigil", key=key, confirmed=True)
    code = "".join(code.split())
    if not code.isdigit() or not device.verify_token(code):
        raise ValidationError(
            {"code": _("That code is not right. Enter the 6 digits the app shows now.")}
        )
    replaced, _rows = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _issue_recovery_codes(user)
    if request is not None:
        otp_login(request, device)
        request.session.pop(mfa.PENDING_KEY, None)
    audit.record(
        AccountAction.MFA_ENROLLED,
        actor=actor,
        obj=user,
        after={"replaced_devices": replaced, "recovery_codes": len(codes)},
    )
    return codes


@transaction.atomic
def regenerate_recovery_codes(user: User, *, actor: Actor) -> list[str]:
    """A new set of recovery codes; the old ones stop working. Shown once."""
    if mfa.authenticator(user) is None:
        raise ValidationError(_("Set up an authenticator app first."))
    codes = _issue_recovery_codes(user)
    audit.record(
        AccountAction.RECOVERY_CODES_ISSUED, actor=actor, obj=user, after={"codes": len(codes)}
    )
    return codes


@transaction.atomic
def change_password(user: User, *, password: str, request: HttpRequest) -> int:
    """Set a new password (validated), end the user's other sessions, keep this one,
    and clear the username's failed attempts (the old password was just proven, as at
    a sign-in, which axes resets only on a login).

    Returns how many other sessions ended."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    AccessAttempt.objects.filter(username=user.username).delete()
    old_key = request.session.session_key
    ended = end_sessions(user, keep=old_key)
    # Django rotates this session's id with the new password hash; follow it.
    update_session_auth_hash(request, user)
    request.session.save()
    UserSession.objects.filter(session_key=old_key or "").update(
        session_key=str(request.session.session_key)
    )
    audit.record(
        AccountAction.PASSWORD_CHANGED, actor=user, obj=user, after={"sessions_ended": ended}
    )
    return ended


@transaction.atomic
def set_language(user: User, *, language: str, actor: Actor) -> None:
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Choose Vietnamese or English.")})
    if user.language == language:
        return
    before = user.language
    user.language = language
    user.save(update_fields=["language"])
    audit.record(
        AccountAction.LANGUAGE_CHANGED,
        actor=actor,
        obj=user,
        before={"language": before},
        after={"language": language},
    )


@transaction.atomic
def record_lockout(username: str, *, ip_address: str) -> None:
    """The failure that locked an account (axes keeps every attempt; this makes the lockout
    itself part of the audit trail)."""
    user = User.objects.filter(username=username).first()
    audit.record(
        AccountAction.LOCKED_OUT,
        actor=audit.SystemActor("lockout"),
        obj=user,
        object_type="" if user else "accounts.user",
        after={"username": username[:150], "ip_address": ip_address},
    )


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """End every session of ``user`` except the one keyed ``keep``; return how many.

    Runs inside the caller's transaction (deactivation, password change)."""
    held = UserSession.objects.filter(user=user).exclude(session_key=keep or "")
    keys = list(held.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    held.delete()
    return len(keys)


@transaction.atomic
def deactivate_user(user: User, *, actor: Actor) -> None:
    """Deactivate an account: it cannot sign in, its sessions end, its tokens are revoked.

    Who may do it (an administrator over the user's committee) is checked by the
    org service that calls this."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = end_sessions(user)
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )
    audit.record(
        AccountAction.USER_DEACTIVATED,
        actor=actor,
        obj=user,
        after={"is_active": False, "sessions_ended": ended, "tokens_revoked": revoked},
    )


@transaction.atomic
def unlock_account(user: User, *, actor: Actor) -> int:
    """Lift a lockout of ``user`` (from every address) before its cool-off ends.

    Returns how many failure records were cleared; audited only when there were any."""
    cleared: int = AccessAttempt.objects.filter(username=user.username).delete()[0]
    if cleared:
        audit.record(AccountAction.ACCOUNT_UNLOCKED, actor=actor, obj=user)
    return cleared


@transaction.atomic
def reset_second_factor(user: User, *, actor: Actor) -> None:
    """Remove the user's authenticator and recovery codes; they enrol again at sign-in.

    A lost phone may be a stolen one: the user's sessions end too."""
    totp, _rows = TOTPDevice.objects.filter(user=user).delete()
    static, _rows = StaticDevice.objects.filter(user=user).delete()
    ended = end_sessions(user)
    audit.record(
        AccountAction.MFA_RESET,
        actor=actor,
        obj=user,
        before={"totp_devices": totp, "recovery_code_sets": static},
        after={"sessions_ended": ended},
    )


def authenticate_token(raw: str) -> ApiToken | None:
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(raw)).first()
    if token is None or not token.is_usable:
        return None
    now = clock.now()
    # Recording use is bookkeeping, not an audited write; once a minute is enough.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
