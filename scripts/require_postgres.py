"""Fail `make test` with a clear message when PostgreSQL is not reachable."""

import sys

import dj_database_url
import psycopg

url = sys.argv[1]
config = dj_database_url.parse(url)
try:
    # The test database is created by the suite; the server's own database answers for it.
    psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        connect_timeout=5,
    ).close()
except psycopg.OperationalError as exc:
    sys.exit(
        f"PostgreSQL is not reachable at {url}: {exc}\n"
        "Start it (Debian: apt-get install postgresql; pg_ctlcluster 15 main start),\n"
        "set PG_TEST_URL, or skip it explicitly with VIGIL_TEST_SKIP=pg (never in CI)."
    )
