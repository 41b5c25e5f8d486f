"""`vigil grants`: the application's PostgreSQL role reads and appends, and nothing more,
on append-only tables (checked by creating such a role and acting as it)."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from vigil.accounts.models import User
from vigil.core import audit
from vigil.core.management.commands.grants import grants_sql
from vigil.core.models import AuditEvent
from vigil.core.triggers import append_only_tables

pytestmark = pytest.mark.django_db


def test_append_only_tables_get_select_and_insert_only() -> None:
    sql = grants_sql("vigil_app")
    for table in append_only_tables():
        assert f'GRANT SELECT, INSERT ON TABLE public."{table}" TO vigil_app;' in sql
    assert 'GRANT SELECT, INSERT, UPDATE ON TABLE public."core_audithead" TO vigil_app;' in sql
    assert 'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public."org_agency" TO vigil_app;' in sql
    assert sql[0].startswith("REVOKE ALL")


def test_the_command_prints_them_and_refuses_odd_names() -> None:
    out = io.StringIO()
    call_command("grants", "--role", "vigil_app", stdout=out)
    assert 'GRANT SELECT, INSERT ON TABLE public."core_auditevent" TO vigil_app;' in out.getvalue()
    with pytest.raises(CommandError, match="vigil grants --role"):
        call_command("grants", "--role", "app; DROP TABLE x")


def as_role(role: str, statement: str, params: list[Any] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(statement, params)


def refused(role: str, statement: str) -> str:
    with pytest.raises(DatabaseError) as caught:
        as_role(role, statement)
    return str(caught.value)


def test_the_application_role_cannot_alter_the_audit_chain(
    persona: Callable[[str], User],
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL roles: runs in the PostgreSQL pass of `make test`")
    role = f"vigil_app_test_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role}")  # rolled back with the test's transaction
        for statement in grants_sql(role):
            cursor.execute(statement)
    event = AuditEvent.objects.order_by("seq").first()
    assert event is not None
    # Refused by the grants, before any trigger is asked.
    for statement in (
        f"UPDATE core_auditevent SET actor_label = 'forged' WHERE seq = {event.seq}",
        f"DELETE FROM core_auditevent WHERE seq = {event.seq}",
        "TRUNCATE core_auditevent",
        "DELETE FROM core_audithead",
        "ALTER TABLE core_auditevent DISABLE TRIGGER USER",
        "DROP TABLE core_auditevent",
    ):
        message = refused(role, statement)
        assert "permission denied" in message or "must be owner" in message, statement
    # Its own work goes on: reading, appending to the chain (which updates the head).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
        appended = audit.record("user.password_changed", actor=persona("xa_a"), obj=persona("xa_a"))
        cursor.execute("SELECT count(*) FROM org_agency")
    assert appended.seq > event.seq
    assert audit.verify().ok
