"""Who is signed in, in which agency and role: shown in every page's header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from vigil.core.classification import Classification
from vigil.org.models import Agency, Role
from vigil.org.scope import ROLE_PRECEDENCE, scope_for


def header(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    roles = sorted(scope.roles, key=lambda r: ROLE_PRECEDENCE.index(r[0]))
    primary = roles[0] if roles else None
    agency = Agency.objects.filter(pk=primary[1]).only("name").first() if primary else None
    return {
        "header_agency": agency,
        "header_role": Role(primary[0]).label if primary else "",
        "header_clearance": Classification(user.clearance).label,
        # Committee names are directory data: not for a licensed organisation's users.
        "directory_member": scope.directory_member,
    }
