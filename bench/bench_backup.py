"""Backup and restore time of the demo, through the command line.

Seeds the demo into a fresh SQLite data folder (or, with BENCH_PG_SERVER set,
e.g. postgres://postgres@127.0.0.1:5432, into fresh PostgreSQL databases),
adds FILES attachments of 100 kB, then times `vigil backup` and `vigil restore`
into an empty database, ROUNDS times. SCALE is passed to `vigil seed demo
--scale` when the seed command has that option.

    .venv/bin/python bench/bench_backup.py [SCALE] [FILES] [ROUNDS]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCALE = int(sys.argv[1]) if len(sys.argv) > 1 else 1
FILES = int(sys.argv[2]) if len(sys.argv) > 2 else 200
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 3
PG = os.environ.get("BENCH_PG_SERVER", "").rstrip("/")
VIGIL = [sys.executable, "-m", "vigil"]

ATTACH = """
import os
from django.core.files.uploadedfile import SimpleUploadedFile
from vigil.core import attachments
from vigil.core.audit import SystemActor
from vigil.org.models import ContactPoint
contacts = list(ContactPoint.objects.all())
for i in range({files}):
    data = b"\\x89PNG\\r\\n\\x1a\\n" + os.urandom(100_000 - 8)  # incompressible, like photos
    attachments.attach(contacts[i % len(contacts)], SimpleUploadedFile(f"t{{i}}.png", data),
                       actor=SystemActor("bench"))
"""


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql.encode())


def place(root: Path, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"VIGIL_ENV": "demo", "VIGIL_DATA_DIR": str(root / name)}
    (root / name).mkdir(parents=True, exist_ok=True)
    if PG:
        db = f"vigil_bench_{name}"
        pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        pg_admin(f'CREATE DATABASE "{db}"')
        env["DATABASE_URL"] = f"{PG}/{db}"
    return env


def run(env: dict[str, str], *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([*VIGIL, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"vigil {' '.join(args)} failed:\n{done.stderr}")
    return time.perf_counter() - start


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="vigil-bench-backup-"))
    try:
        src = place(root, "src")
        # The audit key must travel with the backup: the restored side uses the same one.
        run(src, "migrate", "-v0")
        help_text = subprocess.run(
            [*VIGIL, "seed", "--help"], env=src, capture_output=True, text=True
        ).stdout
        seed = ["seed", "demo", *(["--scale", str(SCALE)] if "--scale" in help_text else [])]
        if SCALE > 1 and "--scale" not in help_text:
            print("note: 'vigil seed demo' has no --scale yet; seeding the plain demo")
        run(src, *seed)
        run(src, "shell", "--no-imports", "-c", ATTACH.format(files=FILES))
        key = (root / "src" / "audit.key").read_text().strip()
        backups, restores = [], []
        for i in range(ROUNDS):
            archive = root / f"backup-{i}.tar.gz"
            backups.append(run(src, "backup", str(archive)))
            dst = place(root, f"dst{i}") | {"VIGIL_AUDIT_KEY": key}
            restores.append(run(dst, "restore", str(archive)))
        engine = "postgresql" if PG else "sqlite"
        size = (root / "backup-0.tar.gz").stat().st_size / 1e6
        print(
            f"engine {engine}, demo scale {SCALE}, {FILES} attachments of 100 kB, archive {size:.1f} MB"
        )
        print(
            f"backup  (s): median {statistics.median(backups):.2f}  min {min(backups):.2f}  max {max(backups):.2f}"
        )
        print(
            f"restore (s): median {statistics.median(restores):.2f}  min {min(restores):.2f}  max {max(restores):.2f}  (incl. audit verify)"
        )
    finally:
        if PG:
            for name in ["src", *(f"dst{i}" for i in range(ROUNDS))]:
                pg_admin(f'DROP DATABASE IF EXISTS "vigil_bench_{name}" WITH (FORCE)')
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
