"""Database triggers that make append-only tables append-only.

One idempotent installer, called by a migration and again after every
``migrate`` (SQLite silently drops triggers when a migration rebuilds a table).
There is deliberately no switch to lift them in production code; the test
suite's flush handling lives in ``tests/conftest.py``.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

from vigil.core.models import AppendOnly

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION vigil_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'vigil: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""


def append_only_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, AppendOnly) and not model._meta.abstract
    )


def trigger_names(table: str) -> list[str]:
    """Update, delete, truncate (PostgreSQL) and replace (SQLite) triggers, in that order."""
    return [
        f"vigil_ao_upd_{table}",
        f"vigil_ao_del_{table}",
        f"vigil_ao_trunc_{table}",
        f"vigil_ao_repl_{table}",
    ]


def install_append_only_triggers(using: str = "default") -> list[str]:
    """Create the refusing triggers on every existing append-only table."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    tables = [t for t in append_only_tables() if t in existing]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # No params argument: with psycopg 3 any params turn '%' into placeholders.
            cursor.execute(PG_FUNCTION)
        for table in tables:
            for sql in _trigger_sql(connection, table, cursor):
                cursor.execute(sql)
    return tables


def _trigger_sql(connection: BaseDatabaseWrapper, table: str, cursor: CursorWrapper) -> list[str]:
    upd, dele, trunc, repl = trigger_names(table)
    if connection.vendor == "postgresql":
        return [
            f'CREATE OR REPLACE TRIGGER {upd} BEFORE UPDATE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION vigil_refuse_change()",
            f'CREATE OR REPLACE TRIGGER {dele} BEFORE DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION vigil_refuse_change()",
            f'CREATE OR REPLACE TRIGGER {trunc} BEFORE TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION vigil_refuse_change()",
        ]
    if connection.vendor == "sqlite":
        # INSERT OR REPLACE deletes the row it conflicts with without firing
        # DELETE triggers (unless recursive_triggers is on): refuse that insert.
        # Table and column names come from the models, never from input.
        pk = connection.introspection.get_primary_key_column(cursor, table)
        replacing = f'WHEN EXISTS (SELECT 1 FROM "{table}" WHERE "{pk}" = NEW."{pk}") '  # noqa: S608
        # Dropped and created again (in the installer's transaction): a trigger
        # replaced by a harmless body of the same name must not survive.
        statements: list[str] = []
        for name, op, verb, when in (
            (upd, "UPDATE", "UPDATE", ""),
            (dele, "DELETE", "DELETE", ""),
            (repl, "INSERT", "REPLACE", replacing),
        ):
            statements.append(f"DROP TRIGGER IF EXISTS {name}")
            statements.append(
                f'CREATE TRIGGER {name} BEFORE {op} ON "{table}" {when}'
                f"BEGIN SELECT RAISE(ABORT, 'vigil: {table} is append-only ({verb} refused)'); END"
            )
        return statements
    raise NotImplementedError(f"append-only triggers are not written for {connection.vendor}")


def installed_triggers(using: str = "default") -> set[str]:
    """Names of the append-only triggers present in the database."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                # A disabled trigger refuses nothing, so it does not count.
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D' "
                "AND tgname LIKE 'vigil_ao_%%'",
                [],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'vigil_ao_%'"
            )
        return {row[0] for row in cursor.fetchall()}


def expected_triggers(using: str = "default") -> set[str]:
    vendor = connections[using].vendor
    names: set[str] = set()
    for table in append_only_tables():
        upd, dele, trunc, repl = trigger_names(table)
        names |= {upd, dele} | ({trunc} if vendor == "postgresql" else {repl})
    return names
