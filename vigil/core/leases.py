"""Leases on outbox rows that name their holder, so a dead holder's claims are
taken back at once instead of after the lease.

A claim carries ``claimed_by`` (this process: host, boot, PID namespace, pid and
the pid's start time) and ``claimed_until`` (a lease of seconds, renewed while
the work goes on). Another worker may take a row when the lease has run out, or
at once when the holder is a process of this machine, boot and PID namespace
that surely no longer runs — the worker ``vigil serve`` restarts after a crash,
or any worker beside it.
Holders on other machines are waited for until their (short) lease ends.
Taking a row from a live holder by mistake costs a repeat, never a loss: the
work behind every lease here is idempotent.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from django.db.models import Q

_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
_PROC = Path("/proc")


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def _start_time(pid: int) -> str | None:
    """When the process started, in clock ticks since boot: "" if it is not running,
    None if that cannot be told (/proc hidden by hidepid, unreadable, not Linux)."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return ""
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after it.
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


def _pid_namespace() -> str:
    """This process's PID namespace ("pid:[4026531836]" → "4026531836"; "" if unknown).
    Pids name processes only inside one namespace: containers on one host share
    its boot id but not their pids."""
    try:
        link = os.readlink(_PROC / "self" / "ns" / "pid")
    except OSError:
        return ""
    return link.removeprefix("pid:[").removesuffix("]").replace("/", "")


@cache
def _holder_of(pid: int) -> str:
    started = _start_time(pid) or ""
    return "/".join(
        [socket.gethostname()[:40].replace("/", ""), _read(_BOOT_ID)[:36], _pid_namespace(),
         str(pid), started]
    )  # fmt: skip


def holder() -> str:
    """This process, as claims name it: host/boot/pid namespace/pid/start time (per
    pid: a forked child is a holder of its own)."""
    return _holder_of(os.getpid())


def is_gone(name: str) -> bool:
    """True only when ``name`` surely no longer runs: a process of this machine
    that ran before the machine last booted, or of this machine and PID namespace
    that has ended. Whatever cannot be told is trusted to its lease."""
    parts = name.split("/")
    if len(parts) != 5:
        return False  # not a holder name of this format (or none): trust the lease
    host, boot, namespace, pid, started = parts
    here, now_boot, now_namespace = _holder_of(os.getpid()).split("/")[:3]
    if host != here or not boot or not now_boot or not pid.isdigit():
        return False
    if boot != now_boot:
        return True
    if not namespace or namespace != now_namespace:
        return False  # its pid means another process here: trust the lease
    if not started:
        return False  # no start time to compare (not Linux): trust the lease
    now_started = _start_time(int(pid))
    if now_started is None:
        return False  # /proc would not say (hidepid): trust the lease
    return now_started != started  # ended, or the pid now names another process


def claimable(now: dt.datetime, held_by: Iterable[str]) -> Q:
    """Rows another worker may take: no lease, a lease run out, or a holder that is gone.

    ``held_by``: the holders of rows still under lease (a handful: one per worker).
    """
    gone = sorted({name for name in held_by if is_gone(name)})
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return free | Q(claimed_by__in=gone) if gone else free


class Lease:
    """The sweep's ``now`` moved on by the real time spent since, for renewals.

    A sweep is handed one ``now`` (tests inject it); a long piece of work
    renews its lease from that ``now`` plus the seconds it has taken so far.
    """

    def __init__(
        self,
        now: dt.datetime,
        length: dt.timedelta,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.now, self.length, self.monotonic = now, length, monotonic
        self.started = self.last_renewed = monotonic()

    def current(self) -> dt.datetime:
        return self.now + dt.timedelta(seconds=self.monotonic() - self.started)

    def until(self) -> dt.datetime:
        """The end of a lease taken or renewed now."""
        self.last_renewed = self.monotonic()
        return self.current() + self.length

    def due(self) -> bool:
        """Renew when a third of the lease has gone by since the last renewal."""
        return self.monotonic() - self.last_renewed > self.length.total_seconds() / 3
