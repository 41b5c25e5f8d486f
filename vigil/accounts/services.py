"""Account use cases. Each writes in one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth import login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from vigil.accounts.models import AccountAction, ApiToken, User, token_digest
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
    audit.record(AccountAction.SIGNED_IN, actor=user, obj=user)


@transaction.atomic
def sign_out(request: HttpRequest) -> None:
    """Record the end of the session, then end it."""
    user: Any = request.user
    if user.is_authenticated:
        audit.record(AccountAction.SIGNED_OUT, actor=user, obj=user)
    logout(request)


def authenticate_token(raw: str) -> ApiToken | None:
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(raw)).first()
    if token is None or not token.is_usable:
        return None
    now = clock.now()
    # Recording use is bookkeeping, not an audited write; once a minute is enough.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
