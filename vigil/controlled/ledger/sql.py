"""The posting path's fixed statements, run without building a queryset for each."""

from __future__ import annotations

from typing import Any

from django.db import connection


def table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def marks(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """The hot path's fixed statements, without building a queryset for each."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def execute(sql: str, params: list[Any]) -> None:
    if not sql:
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def lock_clause() -> str:
    """Locks the rows read (SQLite has no row locks: its writers are serialised
    by BEGIN IMMEDIATE, see settings)."""
    return " FOR UPDATE" if connection.features.has_select_for_update else ""
