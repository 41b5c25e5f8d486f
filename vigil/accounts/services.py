"""Account use cases. Each writes in one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth import login, logout
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts.models import AccountAction, ApiToken, User, UserSession, token_digest
from vigil.core import audit, clock
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
    actor: Any,
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
    user: User, *, name: str, scope: str = ApiToken.Scope.READ, days: int = 90, actor: Any
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
def revoke_token(token: ApiToken, *, actor: Any) -> None:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        AccountAction.TOKEN_REVOKED, actor=actor, obj=token, after={"revoked_at": token.revoked_at}
    )


@transaction.atomic
def sign_in(request: HttpRequest, user: Any) -> None:
    """Start a session (Django rotates its id) and record it."""
    login(request, user)
    UserSession.objects.create(
        session_key=str(request.session.session_key), user=user, started_at=clock.now()
    )
    audit.record(AccountAction.SIGNED_IN, actor=user, obj=user)


@transaction.atomic
def sign_out(request: HttpRequest) -> None:
    """Record the end of the session, then end it."""
    user: Any = request.user
    if user.is_authenticated:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
        audit.record(AccountAction.SIGNED_OUT, actor=user, obj=user)
    logout(request)


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """End every session of ``user`` except the one keyed ``keep``; return how many.

    Runs inside the caller's transaction (deactivation, password change)."""
    held = UserSession.objects.filter(user=user).exclude(session_key=keep or "")
    keys = list(held.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    held.delete()
    return len(keys)


@transaction.atomic
def deactivate_user(user: User, *, actor: Any) -> None:
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
def unlock_account(user: User, *, actor: Any) -> int:
    """Lift a lockout of ``user`` (from every address) before its cool-off ends.

    Returns how many failure records were cleared; audited only when there were any."""
    cleared: int = AccessAttempt.objects.filter(username=user.username).delete()[0]
    if cleared:
        audit.record(AccountAction.ACCOUNT_UNLOCKED, actor=actor, obj=user)
    return cleared


@transaction.atomic
def reset_second_factor(user: User, *, actor: Any) -> None:
    """Remove the user's authenticator and recovery codes; they enrol again at sign-in."""
    totp, _rows = TOTPDevice.objects.filter(user=user).delete()
    static, _rows = StaticDevice.objects.filter(user=user).delete()
    audit.record(
        AccountAction.MFA_RESET,
        actor=actor,
        obj=user,
        before={"totp_devices": totp, "recovery_code_sets": static},
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
