"""The statistics sweeps leave an SQLite that miscounts with statistics alone."""

from __future__ import annotations

import sys

import pytest
from django.db import connection

from vigil.core import clock, scheduler, sqlite_driver

pytestmark = pytest.mark.django_db


def _analysed_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
        )
        if cursor.fetchone() is None:
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("sweep", ["work.statistics", "inbox.statistics"])
def test_no_analyze_on_an_sqlite_that_miscounts(
    sweep: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's autovacuum keeps its own statistics")
    in_use = tuple(sys.modules["sqlite3"].sqlite_version_info)
    monkeypatch.setattr(sqlite_driver, "FIXED_IN", (in_use[0] + 1, 0, 0))
    before = _analysed_tables()
    assert scheduler.run_sweep_now(sweep, clock.now()) == 0
    assert _analysed_tables() == before


@pytest.mark.parametrize(
    ("sweep", "table"), [("work.statistics", "work_task"), ("inbox.statistics", "inbox_inboxentry")]
)
def test_analyze_runs_on_a_fixed_sqlite(sweep: str, table: str) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert scheduler.run_sweep_now(sweep, clock.now()) == 1
    assert table in _analysed_tables()
