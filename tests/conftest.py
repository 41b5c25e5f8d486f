"""Shared test setup: the demo province seeded once per session, the personas,
and the one deliberate way the suite lifts append-only triggers (for flush).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connections
from django.test import Client, TransactionTestCase

from vigil.core.models import AuditHead
from vigil.core.triggers import append_only_tables, install_append_only_triggers, trigger_names

# Every run of the suite lives on one fixed day, so that a date written in a
# test means the same thing whenever the suite runs; `make test-dates` runs it
# at other days. Tests that need another day travel from here explicitly.
DEFAULT_TEST_TODAY = "2026-11-25"
TEST_TODAY = dt.date.fromisoformat(os.environ.get("VIGIL_TEST_TODAY") or DEFAULT_TEST_TODAY)
_session_clock = time_machine.travel(
    dt.datetime.combine(TEST_TODAY, dt.time(9), ZoneInfo("Asia/Ho_Chi_Minh")), tick=True
)


def pytest_configure(config: pytest.Config) -> None:
    # Before the demo is seeded: the seed builds its data around the travelled today.
    _session_clock.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    _session_clock.stop()


def pytest_report_header(config: pytest.Config) -> str:
    return f"VIGIL_TEST_TODAY: {TEST_TODAY.isoformat()} (the clock starts there at 09:00 and runs)"


PERSONA_NAMES = [
    "lanhdao", "thuongtruc", "congthuong", "bienphong", "xa_a", "xa_b",
    "kiemtoan", "kho_mo", "quantri",
]  # fmt: skip


def lift_append_only_triggers(alias: str = "default") -> None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        for table in append_only_tables():
            if connection.vendor == "postgresql":
                cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
            else:
                for name in trigger_names(table):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def restore_append_only_triggers(alias: str = "default") -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in append_only_tables():
                cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
    install_append_only_triggers(alias)


_original_teardown = getattr(TransactionTestCase, "_fixture_teardown")  # noqa: B009


def teardown_with_triggers_lifted(self: TransactionTestCase) -> None:
    """Flush empties append-only tables too; lift their triggers for the flush only."""
    aliases = getattr(self, "_databases_names")(include_mirrors=False)  # noqa: B009
    for alias in aliases:
        lift_append_only_triggers(alias)
    try:
        _original_teardown(self)
    finally:
        for alias in aliases:
            restore_append_only_triggers(alias)
            # The flush took the chain head the migration made; put it back.
            AuditHead.objects.using(alias).get_or_create(id=1)


setattr(TransactionTestCase, "_fixture_teardown", teardown_with_triggers_lifted)  # noqa: B010


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The demo province, seeded once through the services, under every test."""
    with django_db_blocker.unblock():
        seed_demo_and_calendar()


def seed_demo_and_calendar() -> None:
    """The demo province, and the calendar of the years the tests' fixed dates fall in."""
    from vigil.core.audit import SystemActor
    from vigil.core.workdays import seed_holidays
    from vigil.home.demo import is_seeded, seed_demo

    if not is_seeded():
        seed_demo()
    # The demo has the calendar of its own years (around today); tests written
    # with fixed dates in 2026-2028 (Tết 2027, the leap day) need theirs too.
    seed_holidays(range(2026, 2029), actor=SystemActor("test calendar"))


@pytest.fixture
def demo_again(transactional_db: None) -> None:
    """For a transactional test that uses the demo: an earlier one's flush emptied it."""
    seed_demo_and_calendar()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Uploaded files go to a folder of each test's own, never to the checkout's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def persona(db: None) -> Callable[[str], Any]:
    from vigil.accounts.models import User

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_for(db: None) -> Callable[[str], Client]:
    """A test client signed in as the named persona."""
    from vigil.accounts.models import User

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make


@pytest.fixture
def api_for(db: None) -> Callable[..., Client]:
    """A client that calls the API with a fresh bearer token of the persona."""
    from vigil.accounts.models import User
    from vigil.accounts.services import create_token
    from vigil.core.audit import SystemActor

    def make(username: str, scope: str = "read") -> Client:
        user = User.objects.get(username=username)
        _, raw = create_token(user, name="test", scope=scope, actor=SystemActor("test"))
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


@pytest.fixture
def case_object() -> Callable[[int], Any]:
    """The contact point that stands for scope case N of docs/scope-cases.md."""
    from vigil.org.demo import CASE_LABELS
    from vigil.org.models import ContactPoint

    def get(number: int) -> ContactPoint:
        return ContactPoint.objects.get(label=CASE_LABELS[number])

    return get


@pytest.fixture
def no_triggers(db: None) -> Iterator[None]:
    """For tamper tests: an attacker with database access drops the triggers first."""
    lift_append_only_triggers()
    yield
    restore_append_only_triggers()
