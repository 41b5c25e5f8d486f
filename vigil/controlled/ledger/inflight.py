"""Idempotency keys in flight: a replay is never judged before its original ends.

A replay refused while its original is still running (say "the store holds only
…") tells the client that a movement which then commits was never made.
PostgreSQL queues a replay behind its original at the chain head's row lock,
first come first served, and the replay then reads what the original wrote.
SQLite's writers wait for its one write lock in a busy handler that retries in
no order, so a replay can overtake its original. There a request holds its keys
from before it asks for the write lock until its transaction has ended, and a
request that finds one of its keys held is told "in progress" (HTTP 409).

Held in this process in a set (threads), and across processes as a one-byte
POSIX record lock per key in a file beside the database, which the kernel
releases when a process dies: nothing to expire, nothing written to the
database.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.utils.translation import gettext as _

try:
    import fcntl
except ImportError:  # pragma: no cover - not a POSIX system: this process only
    fcntl = None  # type: ignore[assignment]

MOVEMENT = "movement"
TRANSFER = "transfer"
RETRY_AFTER = 1  # seconds: a posting holds its keys for milliseconds


class InProgress(Exception):
    """A request with this idempotency key has not finished yet; ask again shortly."""

    retry_after = RETRY_AFTER

    def __init__(self) -> None:
        super().__init__(
            _(
                "A request with this idempotency key is still being processed; send it again shortly."
            )
        )


_guard = threading.Lock()
_held: dict[int, tuple[int, int]] = {}  # token -> (thread, depth)
_files: dict[str, int] = {}  # lock file -> descriptor, open for the process's life


def _token(kind: str, organisation_id: int, key: str) -> int:
    digest = hashlib.sha256(f"{kind}\0{organisation_id}\0{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 2  # a non-negative file offset


def _lock_file(connection: Any) -> int | None:
    """The descriptor of the lock file beside a SQLite database file (None in memory)."""
    if fcntl is None or connection.is_in_memory_db():
        return None
    path = f"{connection.settings_dict['NAME']}-keys"
    if path not in _files:
        _files[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    return _files[path]


def _forget_after_fork() -> None:
    # A child holds none of its parent's record locks (and must not close the
    # parent's descriptor: closing any descriptor drops the process's locks).
    _held.clear()
    _files.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


@contextmanager
def holding(
    kind: str, organisation_id: int, keys: Iterable[str], using: str = "default"
) -> Iterator[None]:
    """Hold the keys around a posting's transaction (SQLite); raise ``InProgress``
    when another request holds one of them. A no-op on PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    me = threading.get_ident()
    descriptor = _lock_file(connection)
    tokens = sorted({_token(kind, organisation_id, key) for key in keys})
    taken: list[int] = []
    try:
        with _guard:
            for token in tokens:
                owner, depth = _held.get(token, (me, 0))
                if owner != me:
                    raise InProgress
                if depth == 0 and descriptor is not None:
                    try:
                        fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, token)
                    except OSError:  # held by another process
                        raise InProgress from None
                _held[token] = (me, depth + 1)
                taken.append(token)
        yield
    finally:
        with _guard:
            for token in taken:
                owner, depth = _held[token]
                if depth > 1:
                    _held[token] = (owner, depth - 1)
                    continue
                del _held[token]
                if descriptor is not None:
                    fcntl.lockf(descriptor, fcntl.LOCK_UN, 1, token)
