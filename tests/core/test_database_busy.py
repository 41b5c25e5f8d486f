"""A SQLite write lock held past the busy timeout (a long writer, a backup) is answered
503 with ``Retry-After`` and a translated message — a page for pages, the error format
for the API — never a 500 saying "database is locked".

The lock is real: a second connection holds it on a WAL database file (the test
database lives in memory, which a second connection cannot share that way).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from vigil.accounts.models import User
from vigil.accounts.services import create_token, create_user
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.inbox import delivery
from vigil.inbox.models import InboxEntry
from vigil.inbox.services import notify

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock"),
    pytest.mark.django_db(transaction=True),
]

SYSTEM = SystemActor("test")
BUSY = "Vigil đang bận lưu các thay đổi khác. Vui lòng thử lại sau vài giây."


@contextmanager
def on_a_wal_file(folder: Path, busy_timeout: float = 0.2) -> Iterator[Path]:
    """Copy the test database to a WAL file and serve every request from it, with a
    short busy timeout (the settings' 20 s would only make the test slow)."""
    default = connections["default"]
    default.ensure_connection()
    path = folder / "vigil.sqlite3"
    with sqlite3.connect(path) as copy:
        default.connection.backup(copy)
    saved_connection, saved_settings = default.connection, default.settings_dict
    default.connection = None
    options = {**saved_settings["OPTIONS"], "timeout": busy_timeout}
    default.settings_dict = {**saved_settings, "NAME": str(path), "OPTIONS": options}
    try:
        default.ensure_connection()
        with default.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
        yield path
    finally:
        default.close()
        default.settings_dict = saved_settings
        default.connection = saved_connection


@contextmanager
def write_lock_held(path: Path) -> Iterator[None]:
    """Another connection takes the write lock and keeps it."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.fixture
def user() -> User:
    made = create_user(username="ban_ron", full_name="Cán bộ trực", password=None, actor=SYSTEM)
    notify(made, "Có việc cần xem")
    delivery.deliver_pending(clock.now(), actor=SYSTEM, mail=False)
    return made


def test_a_page_that_meets_the_lock_answers_503_in_vietnamese(user: User, tmp_path: Path) -> None:
    client = Client()
    client.force_login(user)
    assert client.get("/holidays/").status_code == 200
    with on_a_wal_file(tmp_path) as path:
        with write_lock_held(path):
            assert client.get("/holidays/").status_code == 200  # readers are not held up
            response = client.post(reverse("accounts:language"), {"language": "en"})
            assert response.status_code == 503
            assert response["Retry-After"] == "5"
            body = response.content.decode()
            assert BUSY in body and "database is locked" not in body
            assert User.objects.get(pk=user.pk).language == "vi"
        # Sent again once the lock is gone, it goes through.
        assert client.post(reverse("accounts:language"), {"language": "en"}).status_code == 302
        assert User.objects.get(pk=user.pk).language == "en"


def test_the_api_answers_503_in_its_error_format(user: User, tmp_path: Path) -> None:
    _token, raw = create_token(user, name="test", scope="write", actor=SYSTEM)
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    entry = InboxEntry.objects.get(user=user)
    url = f"/api/v1/notifications/{entry.pk}/read/"
    assert api.get("/api/v1/notifications/").status_code == 200
    with on_a_wal_file(tmp_path) as path:
        with write_lock_held(path):
            assert api.get("/api/v1/notifications/").status_code == 200
            response = api.post(url)
            assert response.status_code == 503
            assert response["Retry-After"] == "5"
            assert response.json() == {"error": {"code": "busy", "message": BUSY, "fields": {}}}
            assert InboxEntry.objects.get(pk=entry.pk).read_at is None
        assert api.post(url).status_code == 200
        assert InboxEntry.objects.get(pk=entry.pk).read_at is not None


def test_a_lock_met_while_saving_the_session_is_a_503_too(user: User, tmp_path: Path) -> None:
    """The session's last activity is saved after the view, outside it (Django then
    raises SessionInterrupted, a 400): the error handlers give the same answer."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    assert client.get("/holidays/").status_code == 200
    with on_a_wal_file(tmp_path) as path, write_lock_held(path):
        later: Any = clock.now() + dt.timedelta(minutes=2)  # the session is touched again
        with time_machine.travel(later, tick=False):
            response = client.get("/holidays/")
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert BUSY in response.content.decode()
