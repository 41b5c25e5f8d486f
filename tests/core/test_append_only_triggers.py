"""Append-only tables: the database itself refuses to change or remove a row.

Each refused statement runs in its own savepoint: on PostgreSQL an error aborts
the enclosing transaction, and the test goes on with the next statement.
"""

from __future__ import annotations

import copy
import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from vigil.core.audit import SystemActor, record
from vigil.core.models import AuditEvent, AuditHead
from vigil.core.triggers import (
    append_only_tables,
    expected_triggers,
    install_append_only_triggers,
    installed_triggers,
    trigger_names,
)

pytestmark = pytest.mark.django_db

AUDIT_TABLE = AuditEvent._meta.db_table
only_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="only SQLite drops triggers when it rebuilds a table"
)
only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no TRUNCATE and no disabled triggers"
)


def a_middle_event() -> AuditEvent:
    head = AuditHead.objects.get()
    assert head.seq > 10, "the demo seed should have filled the chain"
    return AuditEvent.objects.get(seq=head.seq // 2)


def refused(sql: str) -> str:
    """Run raw SQL that must be refused; return the database's message."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), connection.cursor() as c:
        c.execute(sql)
    return str(caught.value)


def rebuild_audit_table_like_a_migration() -> None:
    """Alter a column the way a migration does, which makes SQLite remake the table.

    The schema editor cannot be entered as a context manager inside the test's
    transaction on SQLite (it wants foreign-key checks off first), so its setup
    and deferred statements are done by hand; the rebuild itself is Django's.
    """
    old = AuditEvent._meta.get_field("actor_label")
    new = copy.deepcopy(old)
    new.max_length = 250
    editor = connection.schema_editor()
    editor.deferred_sql = []
    editor.alter_field(AuditEvent, old, new)
    for sql in editor.deferred_sql:
        editor.execute(sql)


# --- The triggers are there.


def test_every_append_only_table_has_its_triggers_after_migrate() -> None:
    assert AUDIT_TABLE in append_only_tables()
    assert {f"vigil_ao_upd_{AUDIT_TABLE}", f"vigil_ao_del_{AUDIT_TABLE}"} <= expected_triggers()
    assert installed_triggers() >= expected_triggers()


def test_the_installer_can_run_again_without_harm() -> None:
    before = installed_triggers()

    assert install_append_only_triggers() == append_only_tables()
    assert install_append_only_triggers() == append_only_tables()

    assert installed_triggers() == before


@only_sqlite
def test_a_table_rebuild_drops_the_triggers_and_migrate_puts_them_back() -> None:
    assert installed_triggers() >= expected_triggers()
    events = AuditEvent.objects.count()

    rebuild_audit_table_like_a_migration()
    assert not installed_triggers() & set(trigger_names(AUDIT_TABLE))
    assert AuditEvent.objects.count() == events

    call_command("migrate", verbosity=0, stdout=io.StringIO())

    assert installed_triggers() >= expected_triggers()
    assert "append-only" in refused(f"DELETE FROM {AUDIT_TABLE}")


@only_sqlite
def test_the_installer_alone_puts_back_triggers_a_rebuild_dropped() -> None:
    assert installed_triggers() >= expected_triggers()
    events = AuditEvent.objects.count()

    rebuild_audit_table_like_a_migration()
    assert not installed_triggers() & set(trigger_names(AUDIT_TABLE))
    assert AuditEvent.objects.count() == events

    install_append_only_triggers()

    assert installed_triggers() >= expected_triggers()
    assert "append-only" in refused(f"UPDATE {AUDIT_TABLE} SET actor_label = 'x'")


# --- Appending still works.


def test_it_still_accepts_a_new_event() -> None:
    with transaction.atomic():
        event = record("object.viewed", actor=SystemActor("test"), object_type="x", object_id="1")

    assert AuditEvent.objects.filter(seq=event.seq).exists()


# --- Changing or removing a row is refused, whichever way it is asked.


def test_it_refuses_to_update_an_event_through_the_orm() -> None:
    event = a_middle_event()

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=event.seq).update(actor_label="someone else")
    event.actor_label = "someone else"
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        event.save()

    event.refresh_from_db()
    assert event.actor_label != "someone else"


def test_it_refuses_to_delete_an_event_through_the_orm() -> None:
    event = a_middle_event()

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        event.delete()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.filter(seq=event.seq).exists()
    assert AuditEvent.objects.count() == AuditHead.objects.get().seq


def test_it_refuses_to_update_an_event_in_raw_sql() -> None:
    event = a_middle_event()

    message = refused(f"UPDATE {AUDIT_TABLE} SET after = NULL WHERE seq = {event.seq}")

    assert "append-only" in message
    assert AuditEvent.objects.get(seq=event.seq).after == event.after


def test_it_refuses_to_delete_events_in_raw_sql() -> None:
    event = a_middle_event()

    assert "append-only" in refused(f"DELETE FROM {AUDIT_TABLE} WHERE seq = {event.seq}")
    assert "append-only" in refused(f"DELETE FROM {AUDIT_TABLE}")

    assert AuditEvent.objects.count() == AuditHead.objects.get().seq


def test_it_refuses_to_overwrite_an_event_by_inserting_over_it() -> None:
    # SQLite's INSERT OR REPLACE deletes the old row without firing DELETE
    # triggers; PostgreSQL's ON CONFLICT DO UPDATE is an UPDATE.
    event = a_middle_event()
    columns = [connection.ops.quote_name(f.column) for f in AuditEvent._meta.concrete_fields]
    label = connection.ops.quote_name("actor_label")
    values = ["'someone else'" if c == label else c for c in columns]
    if connection.vendor == "postgresql":
        verb, conflict = "INSERT", "ON CONFLICT (seq) DO UPDATE SET actor_label = 'someone else'"
    else:
        verb, conflict = "INSERT OR REPLACE", ""

    message = refused(
        f"{verb} INTO {AUDIT_TABLE} ({', '.join(columns)}) SELECT {', '.join(values)} "
        f"FROM {AUDIT_TABLE} WHERE seq = {event.seq} {conflict}"
    )

    assert "append-only" in message
    assert AuditEvent.objects.get(seq=event.seq).actor_label == event.actor_label


@only_postgresql
def test_it_refuses_to_truncate_the_table_on_postgresql() -> None:
    assert "append-only" in refused(f"TRUNCATE {AUDIT_TABLE}")
    assert "append-only" in refused(f"TRUNCATE {AUDIT_TABLE} CASCADE")

    assert AuditEvent.objects.count() == AuditHead.objects.get().seq


@only_postgresql
def test_disabled_triggers_do_not_count_as_installed(no_triggers: None) -> None:
    # The no_triggers fixture disables them, as someone who owns the table could.
    assert not installed_triggers() & expected_triggers()


@only_postgresql
def test_the_installer_enables_disabled_triggers_again(no_triggers: None) -> None:
    AuditEvent.objects.filter(seq=1).update(actor_label="while disabled")  # nothing refuses

    install_append_only_triggers()

    assert installed_triggers() >= expected_triggers()
    assert "append-only" in refused(f"UPDATE {AUDIT_TABLE} SET actor_label = 'x'")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps trigger bodies by name")
def test_the_installer_replaces_a_trigger_whose_body_was_swapped(db: None) -> None:
    table = AuditEvent._meta.db_table
    name = f"vigil_ao_del_{table}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {name}")
        cursor.execute(f'CREATE TRIGGER {name} BEFORE DELETE ON "{table}" BEGIN SELECT 1; END')
    install_append_only_triggers()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).delete()
