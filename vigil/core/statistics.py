"""Planner statistics for SQLite, which gathers none of its own.

Without them SQLite takes every indexed condition for a selective one: on a large
table it then sorts every visible row to show the first 50, or walks an index row by
row where a covering one would do. PostgreSQL's autovacuum keeps its own. Each app
that holds large tables runs ``analyse`` over them from a sweep."""

from __future__ import annotations

import sys

from django.db import connection, models

from vigil.core import sqlite_driver


def analyse(*tables: type[models.Model]) -> int:
    """ANALYZE the tables of ``tables`` on SQLite; returns how many were analysed.

    Nothing on an SQLite older than ``sqlite_driver.FIXED_IN`` (no pysqlite3 wheel for
    the platform): with statistics it miscounts, and slow is better than wrong."""
    if connection.vendor != "sqlite":
        return 0
    if tuple(sys.modules["sqlite3"].sqlite_version_info) < sqlite_driver.FIXED_IN:
        return 0
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return len(tables)
