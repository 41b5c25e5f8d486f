"""Which SQLite library Django's sqlite3 backend talks to.

SQLite before 3.42.0 (Debian 12 ships 3.40.1) answers wrongly once the planner has
statistics: with ``sqlite_stat1`` it may read ``state IN (…)`` followed by
``deadline < ?`` on one index with OP_SeekScan and skip the check of the deadline
for the first row it steps onto, so ``COUNT(*)`` counts a task that iterating the
same query does not return. Every Task index has that shape (state, then a date),
so no index definition avoids it: where the system library is older, Django uses the
SQLite compiled into ``pysqlite3`` (the ``pysqlite3-binary`` wheel) instead."""

from __future__ import annotations

import importlib
import sqlite3
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.apps import AppConfig
    from django.core.checks import CheckMessage

FIXED_IN = (3, 42, 0)


def use_a_correct_sqlite() -> str:
    """Put a correct SQLite module in place of the standard one, if needed and
    available; returns the SQLite version Django will use. Call before Django
    imports its sqlite3 backend (that is, from the settings)."""
    if sqlite3.sqlite_version_info >= FIXED_IN:
        return sqlite3.sqlite_version
    try:
        bundled = importlib.import_module("pysqlite3")
    except ImportError:  # no wheel for this platform: check_sqlite_version warns
        return sqlite3.sqlite_version
    sys.modules["sqlite3"] = bundled
    sys.modules["sqlite3.dbapi2"] = importlib.import_module("pysqlite3.dbapi2")
    return str(bundled.sqlite_version)


def check_sqlite_version(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """A system check: warn where Django talks to an SQLite that miscounts."""
    from django.core.checks import Warning
    from django.db import connections

    if connections["default"].vendor != "sqlite":
        return []
    in_use = sys.modules["sqlite3"].sqlite_version_info
    if tuple(in_use) >= FIXED_IN:
        return []
    return [
        Warning(
            "SQLite {} miscounts some filtered counts once statistics exist.".format(
                ".".join(map(str, in_use))
            ),
            hint="Install SQLite 3.42 or later, or the pysqlite3-binary wheel, or use PostgreSQL.",
            id="vigil.W001",
        )
    ]
