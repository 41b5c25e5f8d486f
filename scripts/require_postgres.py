"""Fail `make test` with a clear message when PostgreSQL is not reachable."""

import sys

import psycopg

url = sys.argv[1]
try:
    psycopg.connect(url.replace("/vigil", "/postgres", 1), connect_timeout=5).close()
except psycopg.OperationalError as exc:
    sys.exit(
        f"PostgreSQL is not reachable at {url}: {exc}\n"
        "Start it (Debian: apt-get install postgresql; pg_ctlcluster 15 main start),\n"
        "set PG_TEST_URL, or skip it explicitly with VIGIL_TEST_SKIP=pg (never in CI)."
    )
