"""One consistent snapshot for checks that read several tables (a chain and its head,
entries and balances): read apart, writers landing in between look like tampering.

PostgreSQL: a REPEATABLE READ, READ ONLY transaction. SQLite: one *deferred* read
transaction (the connection's IMMEDIATE mode would take the write lock at BEGIN
and stop every writer for the whole check); in WAL mode its snapshot is fixed at
the first read and writers carry on beside it. ``query_only`` makes it read-only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def read_snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Every query inside sees the database as of one moment and may not write.

    Inside a transaction already open (a test's, a caller's), the isolation can
    no longer be chosen: the block then reads in that transaction as it is.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        with transaction.atomic(using=using):
            yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        mode = getattr(connection, "transaction_mode", None)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = 1")
        connection.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
        try:
            with transaction.atomic(using=using):
                connection.transaction_mode = mode  # type: ignore[attr-defined]
                yield
        finally:
            # Outside the transaction, so a failed block cannot leave it read-only.
            connection.transaction_mode = mode  # type: ignore[attr-defined]
            if connection.connection is not None:
                connection.connection.execute("PRAGMA query_only = 0")
        return
    with transaction.atomic(using=using):
        yield
