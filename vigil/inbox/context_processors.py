"""The unread count in every page's header (then kept fresh by HTMX polling)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from vigil.inbox.services import unread_badge


def unread(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": unread_badge(user)}
