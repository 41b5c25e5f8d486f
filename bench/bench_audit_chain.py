"""Audit chain: appends per second (one transaction each) and verification speed.

Runs on a fresh SQLite database in a temporary folder, or on the database of
BENCH_DATABASE_URL (which it migrates; use an empty one). Prints its figures.

    .venv/bin/python bench/bench_audit_chain.py [N]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
os.environ["VIGIL_ENV"] = "demo"
os.environ["VIGIL_DATA_DIR"] = tempfile.mkdtemp(prefix="vigil-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from vigil.core import audit  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    actor = audit.SystemActor("bench")
    start = time.perf_counter()
    for i in range(N):
        with transaction.atomic():
            audit.record(
                audit.CoreAction.ADMIN_UNITS_IMPORTED,
                actor=actor,
                object_type="bench",
                object_id=str(i),
                after={"i": i, "text": "Ban Chỉ đạo phòng, chống khủng bố"},
            )
    appended = time.perf_counter() - start
    start = time.perf_counter()
    result = audit.verify()
    verified = time.perf_counter() - start
    assert result.ok and result.checked >= N, result
    print(f"database: {connection.vendor}")
    print(f"appends: {N} in {appended:.2f} s = {N / appended:,.0f} audited transactions/s")
    print(
        f"verify: {result.checked} events in {verified:.2f} s = {result.checked / verified:,.0f} events/s"
    )


if __name__ == "__main__":
    main()
