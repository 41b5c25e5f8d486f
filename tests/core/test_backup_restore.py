"""`vigil backup` of a running Vigil and `vigil restore` on an empty database.

Run through the command line against databases of their own (SQLite files in
a temporary folder, or fresh PostgreSQL databases when the suite runs on
PostgreSQL), as an operator would on another machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from vigil.core.backup import BackupError, read_archive

ON_PG = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _pg_admin(sql: str) -> None:
    import psycopg

    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname="postgres", user=db.get("USER") or None, host=db.get("HOST") or None,
        port=db.get("PORT") or None, password=db.get("PASSWORD") or None, autocommit=True,
    ) as conn:  # fmt: skip
        conn.execute(sql.encode())


def _pg_url(name: str) -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


@pytest.fixture
def places(tmp_path: Path) -> Iterator[dict[str, dict[str, str]]]:
    """Environments of the running installation and of the empty one restored into."""
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_VERSION")}
    base |= {"VIGIL_ENV": "test", "PYTHONUNBUFFERED": "1"}
    envs = {}
    names = [f"vigil_bk_{os.getpid()}_{side}" for side in ("src", "dst")]
    for side, name in zip(("src", "dst"), names, strict=True):
        env = base | {"VIGIL_DATA_DIR": str(tmp_path / side)}
        if side == "src":
            (tmp_path / side).mkdir()
        if ON_PG:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
            _pg_admin(f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = _pg_url(name)
        envs[side] = env
    yield envs
    if ON_PG:
        for name in names:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def vigil(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vigil", *args], env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip


WRITER = """
import pathlib
from django.db import transaction
from django.core.files.uploadedfile import SimpleUploadedFile
from vigil.core import attachments
from vigil.core.audit import SystemActor
from vigil.org import services
from vigil.org.models import Agency
actor = SystemActor("writer")
agency = Agency.objects.get(name="Sở Công Thương")
stop = pathlib.Path({stop!r})
i = 0
while not stop.exists() or i < 3:
    with transaction.atomic():  # a contact point and its file: both in the backup or neither
        contact = services.create_contact_point(
            agency, label=f"Ghi trong lúc sao lưu {{i}}", actor=actor
        )
        attachments.attach(
            contact, SimpleUploadedFile(f"t{{i}}.txt", f"tệp {{i}}".encode()), actor=actor
        )
    i += 1
    if i == 1:
        print("started", flush=True)
print(i, flush=True)
"""

PROBE = """
import hashlib, json
from django.test import Client
from vigil.accounts.models import User
from vigil.core import attachments
from vigil.core.models import Attachment, AuditHead
from vigil.org.demo import CASE_LABELS
from vigil.org.models import ContactPoint
client = Client(SERVER_NAME="localhost")
client.force_login(User.objects.get(username="thuongtruc"))
contact = ContactPoint.objects.get(label=CASE_LABELS[1])
page = client.get(f"/contacts/{contact.pk}/")
files_ok = all(
    hashlib.sha256(attachments.stored_path(a.stored_name).read_bytes()).hexdigest() == a.sha256
    for a in Attachment.objects.all()
)
head = AuditHead.objects.get()
print(json.dumps({
    "status": page.status_code, "label_shown": contact.label in page.content.decode(),
    "phone": contact.phone, "contacts": ContactPoint.objects.count(),
    "written": ContactPoint.objects.filter(label__startswith="Ghi trong").count(),
    "attachments": Attachment.objects.count(), "files_ok": files_ok,
    "head": f"{head.seq}:{head.hash}",
}))
"""


def probe(env: dict[str, str]) -> dict[str, Any]:
    done = vigil(env, "shell", "--no-imports", "-c", PROBE)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def repack(source: Path, target: Path, change: str) -> None:
    """A copy of the archive with one member damaged or left out."""
    with tarfile.open(source, "r:gz") as src, tarfile.open(target, "w:gz") as out:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("database."):
                if change == "drop":
                    continue
                data = data[:-1] + bytes([data[-1] ^ 1])
            member.size = len(data)
            import io

            out.addfile(member, io.BytesIO(data))


def test_backup_while_writing_then_restore_into_an_empty_database(
    places: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    src, dst = places["src"], places["dst"]
    assert vigil(src, "migrate", "-v0").returncode == 0
    seeded = vigil(src, "seed", "demo")
    assert seeded.returncode == 0, seeded.stderr
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-m", "vigil", "shell", "--no-imports", "-c", WRITER.format(stop=str(stop))],
        env=src, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "started"  # writes are under way
    archive = tmp_path / "vigil-backup.tar.gz"
    backed_up = vigil(src, "backup", str(archive))
    stop.touch()
    written = int(writer.communicate(timeout=600)[0].strip().splitlines()[-1])
    assert writer.returncode == 0
    assert backed_up.returncode == 0, backed_up.stderr
    assert archive.stat().st_mode & 0o777 == 0o600  # hashes, secrets, classified rows

    manifest = read_archive(archive, tmp_path / "check")
    assert manifest["engine"] == ("postgresql" if ON_PG else "sqlite")
    assert manifest["format_version"] == 1

    restored = vigil(dst, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "audit verify: OK" in restored.stdout
    after = probe(dst)
    assert after["head"] == manifest["audit_head"]  # exactly the snapshot, nothing more
    assert after["status"] == 200 and after["label_shown"]
    assert 1 <= after["written"] <= written
    assert after["attachments"] == after["written"] and after["files_ok"]
    verified = vigil(dst, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    source = probe(src)
    assert source["phone"] == after["phone"]
    assert source["written"] == written

    # A second restore into the now non-empty database is refused.
    again = vigil(dst, "restore", str(archive))
    assert again.returncode != 0
    assert "not empty" in again.stderr or "không trống" in again.stderr


def test_a_damaged_or_incomplete_archive_is_refused_before_anything(
    places: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    src, dst = places["src"], places["dst"]
    assert vigil(src, "migrate", "-v0").returncode == 0
    archive = tmp_path / "ok.tar.gz"
    assert vigil(src, "backup", str(archive)).returncode == 0
    for change, message in (("flip", "Checksum mismatch"), ("drop", "missing")):
        broken = tmp_path / f"{change}.tar.gz"
        repack(archive, broken, change)
        with translation.override("en"), pytest.raises(BackupError, match=message):
            read_archive(broken, tmp_path / f"x-{change}")
        refused = vigil(dst | {"LANGUAGE": "en"}, "restore", str(broken))
        assert refused.returncode != 0
    not_an_archive = tmp_path / "junk.tar.gz"
    not_an_archive.write_bytes(b"not a tar file")
    assert vigil(dst, "restore", str(not_an_archive)).returncode != 0
    # Nothing was touched: the target database is still empty.
    if not ON_PG:
        assert not (Path(dst["VIGIL_DATA_DIR"]) / "vigil.sqlite3").exists()
    assert not (Path(dst["VIGIL_DATA_DIR"]) / "media").exists()
