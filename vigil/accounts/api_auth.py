"""Bearer tokens for the REST API, honouring expiry, revocation and scope."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from vigil.accounts.models import ApiToken
from vigil.accounts.services import authenticate_token

if TYPE_CHECKING:
    from rest_framework.views import APIView


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        token = authenticate_token(parts[1].decode("latin-1"))
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        # The language middleware ran before the token was known.
        translation.activate(token.user.language)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="vigil"'


class TokenScopePermission(BasePermission):
    message = _("This token is read-only.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        token = request.auth
        if isinstance(token, ApiToken) and request.method not in SAFE_METHODS:
            return token.scope == ApiToken.Scope.WRITE
        return True
