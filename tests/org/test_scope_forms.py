"""The role-based reads outside ``visible_to`` (number registers, the audit log,
administration) agree with the scope's own per-committee checks, for every persona.

They are not ``visible_to`` (see their docstrings): each is the set of committees
where one of the scope's ``can_*`` checks holds, computed once for a whole list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from vigil.org.administration.queries import committees_administered
from vigil.org.audit.queries import events_visible_to
from vigil.org.demo import PERSONAS
from vigil.org.models import Committee
from vigil.org.registers.queries import visible_registers
from vigil.org.scope import (
    AUDIT_ROLES,
    REGISTER_ROLES,
    can_keep_numbers,
    can_read_audit,
    committees_with_role,
    scope_for,
)

pytestmark = pytest.mark.django_db
USERNAMES = [username for username, _name, _clearance in PERSONAS]


@pytest.mark.parametrize("username", USERNAMES)
def test_the_register_keepers_committees_are_those_where_can_keep_numbers_holds(
    username: str, persona: Callable[[str], Any]
) -> None:
    user = persona(username)
    kept = {c.pk for c in Committee.objects.all() if can_keep_numbers(user, c)}
    assert committees_with_role(user, *REGISTER_ROLES) == kept
    assert set(visible_registers(user).values_list("committee_id", flat=True)) <= kept


@pytest.mark.parametrize("username", USERNAMES)
def test_the_audit_readers_committees_are_those_where_can_read_audit_holds(
    username: str, persona: Callable[[str], Any]
) -> None:
    user = persona(username)
    readable = {c.pk for c in Committee.objects.all() if can_read_audit(user, c)}
    assert committees_with_role(user, *AUDIT_ROLES) == readable
    if not readable:
        assert not events_visible_to(user).exists()


@pytest.mark.parametrize("username", USERNAMES)
def test_the_administered_committees_are_those_an_administrator_role_covers(
    username: str, persona: Callable[[str], Any]
) -> None:
    user = persona(username)
    scope = scope_for(user)
    covered = {
        c.pk
        for c in Committee.objects.all()
        if scope.committee_role_covers(c.path, "administrator")
    }
    assert set(committees_administered(user).values_list("pk", flat=True)) == covered
