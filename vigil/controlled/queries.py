"""Ledger reads that stay fast on a million entries (bench/bench_ledger_pages.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from vigil.controlled.models import Account, Balance, LedgerEntry
from vigil.core import statistics


def at_store(entries: Any, store_id: int) -> Any:
    """Entries into or out of a store: by its account's id, which the indexes serve."""
    account = Account.objects.filter(store_id=store_id).values_list("pk", flat=True).first()
    return entries.filter(Q(from_account_id=account) | Q(to_account_id=account))


def local_day_range(since: dt.date | None, until: dt.date | None) -> dict[str, dt.datetime]:
    """Filters of ``at`` for whole local days, as a range the index on ``at`` serves
    (``at__date`` would convert every row's time first)."""
    bounds: dict[str, dt.datetime] = {}
    if since:
        bounds["at__gte"] = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    if until and until < dt.date.max:  # the day after the last date there is overflows
        bounds["at__lt"] = timezone.make_aware(
            dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min)
        )
    return bounds


def refresh_statistics(now: dt.datetime) -> int:
    """Let SQLite's planner know how the ledger is spread (a sweep, every few hours):
    without statistics it sorts every visible entry to show the last 50 instead of
    reading the newest first. Returns how many tables were analysed."""
    return statistics.analyse(LedgerEntry, Balance, Account)
