"""A PostgreSQL connection the server ended (a restart, a failover, pg_terminate_backend)
is noticed before a request reuses it: the request gets a new connection, not a 500.

Requests go through Django's own WSGI handler, as under ``vigil serve``, so the
request_started signal runs the connection checks (the test client skips them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL connections"),
    pytest.mark.django_db(transaction=True),
]


def _status(path: str) -> int:
    """One request as a server thread makes it: signals, middleware, view."""
    got: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        got.append(status)
        return got.append  # the write() callable, never used

    environ = RequestFactory().get(path).environ
    response = WSGIHandler()(environ, start_response)
    response.close()  # request_finished: the connection is kept for the next request
    return int(got[0].split()[0])


def _terminate_backend() -> None:
    """The server ends this thread's connection, from another connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)


@pytest.fixture
def kept_connections() -> Iterator[None]:
    assert connection.settings_dict["CONN_MAX_AGE"] > 0  # reused, hence worth checking
    yield
    connection.close()


def test_a_request_after_the_server_ended_the_connection_succeeds(
    kept_connections: None,
) -> None:
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert _status("/healthz") == 200
    _terminate_backend()
    assert _status("/healthz") == 200
    assert _status("/healthz") == 200


def test_without_the_check_the_same_request_fails(
    kept_connections: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: the test above can fail."""
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", False)
    connection.close()
    assert _status("/healthz") == 200
    _terminate_backend()
    assert _status("/healthz") == 500
