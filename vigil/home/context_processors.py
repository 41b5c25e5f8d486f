"""Who is signed in, in which agency and role: shown in every page's header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from vigil.core.classification import Classification
from vigil.home.menu import menus
from vigil.org.administration.queries import is_administrator, pending_for_leader
from vigil.org.scope import can_read_audit, primary_membership, scope_for


def header(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    primary = primary_membership(user)
    return {
        "header_agency": primary.agency if primary else None,
        "header_role": primary.get_role_display() if primary else "",
        "header_clearance": Classification(user.clearance).label,
        # Committee names are directory data: not for a licensed organisation's users.
        "directory_member": scope_for(user).directory_member,
        "admin_link": admin_link(user),
        "audit_reader": can_read_audit(user),
        **menus(request),
    }


def admin_link(user: Any) -> str:
    """ "Quản trị" for administrators, and for leaders while a clearance request waits."""
    if is_administrator(user):
        return reverse("org:admin_index")
    if pending_for_leader(user).exists():
        return reverse("org:admin_clearance_list")
    return ""
