"""Shared set-up of the benchmarks: a fresh database per engine, in a child process.

``engines()`` lists the engines to run (SQLite always; PostgreSQL when the local
server answers, or BENCH_PG_URL names one). ``fresh_database(engine)`` returns
the environment of a child process that owns a new, empty database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def engines() -> list[str]:
    found = ["sqlite"]
    try:
        import psycopg

        with psycopg.connect(PG_SERVER, connect_timeout=3):
            found.append("postgresql")
    except Exception as exc:
        print(f"(PostgreSQL skipped: {exc.__class__.__name__})")
    return found


def fresh_database(engine: str, name: str) -> dict[str, str]:
    env = dict(os.environ)
    env["VIGIL_ENV"] = "demo"
    env["VIGIL_DATA_DIR"] = tempfile.mkdtemp(prefix=f"vigil-{name}-")
    env["DJANGO_SETTINGS_MODULE"] = "vigil.settings"
    if engine == "sqlite":
        env["DATABASE_URL"] = ""
        return env
    import psycopg

    database = f"vigil_bench_{name}"
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    env["DATABASE_URL"] = PG_SERVER.rsplit("/", 1)[0] + "/" + database
    return env


def run_child(script: str, env: dict[str, str], *args: str) -> None:
    """Run ``script`` again as the child that does the measuring on one engine."""
    subprocess.run([sys.executable, script, "--child", *args], env=env, check=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now (for a ``vigil serve`` child)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
