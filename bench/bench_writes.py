"""Audited writes per second at 1, 4 and 16 concurrent writers, beside the same
writes with the audit chain switched off, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_writes.py [--writes 1200]

A write is the real service ``update_contact_point`` (lock the row, validate,
save, append the audit event under the chain-head lock). The baseline runs the
same service with ``audit.record`` replaced by a no-op, so the difference is
the chain: its head lock serialises every writer.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _setup import engines, fresh_database, run_child

WRITERS = (1, 4, 16)


def child(writes: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from vigil.core import audit
    from vigil.core.audit import SystemActor
    from vigil.org import services
    from vigil.org.models import ContactPoint

    call_command("migrate", verbosity=0)
    call_command("seed", "demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    actor = SystemActor("bench")
    contacts = list(ContactPoint.objects.order_by("pk")[: max(WRITERS)])
    assert len(contacts) == max(WRITERS)

    def run(writers: int) -> float:
        per_writer = writes // writers
        errors: list[BaseException] = []

        def work(contact: Any) -> None:
            try:
                for i in range(per_writer):
                    services.update_contact_point(contact, actor=actor, phone=f"0203 {i:07d}")
            except BaseException as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=work, args=(c,)) for c in contacts[:writers]]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        assert not errors, errors[0]
        return per_writer * writers / elapsed

    print(f"== {connection.vendor}: {writes} contact-point updates per run")
    real_record = audit.record
    for writers in WRITERS:
        audited = run(writers)
        audit.record = lambda *a, **k: None  # type: ignore[assignment]
        try:
            bare = run(writers)
        finally:
            audit.record = real_record
        print(f"  {writers:>2} writers: {audited:7,.0f} audited writes/s   "
              f"{bare:7,.0f} without the chain   ({audited / bare:4.0%})")  # fmt: skip
    assert audit.verify().ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=1200)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.writes)
        return
    for engine in engines():
        run_child(__file__, fresh_database(engine, "writes"), "--writes", str(args.writes))


if __name__ == "__main__":
    main()
