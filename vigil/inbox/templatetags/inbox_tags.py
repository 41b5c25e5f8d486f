"""``{% inbox_rows page as rows %}``: the inbox page's entries, each with what the app of
its notification adds (``vigil.inbox.actions``): ``(entry, extras)`` pairs."""

from __future__ import annotations

from typing import Any

from django import template

from vigil.inbox.actions import Extras, extras_for

register = template.Library()
NONE = Extras()


@register.simple_tag(takes_context=True)
def inbox_rows(context: Any, entries: Any) -> list[tuple[Any, Extras]]:
    entries = list(entries)
    request = context.get("request")
    user = getattr(request, "user", None)
    found = extras_for([entry.notification for entry in entries], user)
    return [(entry, found.get(entry.notification_id, NONE)) for entry in entries]
