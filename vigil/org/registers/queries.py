"""Who reads a committee's number registers.

Not ``visible_to``: registers and issued numbers are core rows without an owner
or a classification, read by role alone. The standing office, administrators and
leaders of a committee (or one above it) keep its numbers, exactly those for whom
``scope.can_keep_numbers`` holds; members who see the committee's documents
through ``visible_to`` see the numbers printed on them, not the register.
"""

from __future__ import annotations

from django.db import models

from vigil.core.models import IssuedNumber, NumberRegister
from vigil.org.scope import REGISTER_ROLES, Viewer, committees_with_role


def visible_registers(user: Viewer) -> models.QuerySet[NumberRegister]:
    """Registers of the committees whose numbers this user keeps."""
    return NumberRegister.objects.filter(
        committee_id__in=committees_with_role(user, *REGISTER_ROLES)
    )


def visible_numbers(user: Viewer) -> models.QuerySet[IssuedNumber]:
    return IssuedNumber.objects.filter(
        register__committee_id__in=committees_with_role(user, *REGISTER_ROLES)
    ).select_related("register")
