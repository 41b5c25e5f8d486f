"""The home page's task counts agree with the lists they link to, on both databases,
after the statistics sweep has given SQLite's planner its statistics (SQLite before
3.42 then counted a task due later as overdue; see vigil/core/sqlite_driver.py)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import PERSONA_NAMES
from vigil.core import clock
from vigil.core.sqlite_driver import FIXED_IN
from vigil.org.scope import scope_for
from vigil.work import scorecard
from vigil.work.models import Task
from vigil.work.summary import summary_for

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr>\s*<td><a href="/work/tasks/\d+/">')


def _rows_on(client: Client, url: str) -> int:
    body = client.get(url, headers={"HX-Request": "true"}).content.decode()
    return len(ROW.findall(body))


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_every_home_count_is_the_number_of_rows_its_list_shows(
    username: str, persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    scorecard.refresh_statistics(clock.now())
    user, client = persona(username), client_for(username)
    items = summary_for(user)["items"]
    for item in items:
        assert item["value"] == _rows_on(client, item["url"]), (username, str(item["label"]))


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_the_overdue_count_and_the_overdue_rows_are_the_same_tasks(
    username: str, persona: Callable[[str], Any]
) -> None:
    scorecard.refresh_statistics(clock.now())
    user = persona(username)
    for day in _days():
        overdue = Task.objects.visible_to(user).filter(
            assignee_id__in=scope_for(user).agency_ids,
            state__in=Task.OPEN_STATES,
            deadline__lt=day,
        )
        assert overdue.count() == len(list(overdue)), (username, day)


def test_the_demo_has_overdue_and_not_yet_overdue_tasks_to_compare(
    persona: Callable[[str], Any],
) -> None:
    """Without both kinds the comparisons above could not tell a miscount."""
    user = persona("thuongtruc")
    mine = Task.objects.visible_to(user).filter(
        assignee_id__in=scope_for(user).agency_ids, state__in=Task.OPEN_STATES
    )
    assert any(
        mine.filter(deadline__lt=day).exists() and mine.filter(deadline__gte=day).exists()
        for day in _days()
    )


def _days() -> list[dt.date]:
    """Days to count overdue at, from the suite's today (the demo is built around it)."""
    return [clock.today() + dt.timedelta(days=n) for n in (1, 12, 25, 46)]


def test_sqlite_is_a_version_that_counts_right() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL")
    connection.ensure_connection()
    version = connection.cursor().execute("select sqlite_version()").fetchone()[0]
    assert tuple(int(part) for part in version.split(".")) >= FIXED_IN
    assert sqlite3.sqlite_version == version  # the module others import is the same library
