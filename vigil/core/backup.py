"""One-archive backup and restore of a running Vigil.

The archive is a .tar.gz with ``database.sqlite3`` (SQLite online backup API)
or ``database.pgdump`` (``pg_dump`` custom format, taken in an exported
snapshot), the media folder under ``media/``, ``manifest.json`` (format
version, engine, time, audit head, SHA-256 of every member) and
``manifest.seal`` (the manifest's SHA-256, and its HMAC under
``VIGIL_AUDIT_KEY`` with a purpose of its own, so an edited head is caught before anything is restored).
Restore reads the whole archive first — every byte of the gzip stream (its CRC
and length), the seal, every member's SHA-256 — into a staging folder, refuses
a database or media folder that is not empty, and only then restores and runs
every registered chain verifier.
Restoring across engines (SQLite to PostgreSQL) is not supported.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.sqlite3.base import Database as SQLite  # type: ignore[attr-defined]
from django.utils.translation import gettext as _

from vigil.core import clock, verification
from vigil.core.audit import SystemActor

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
SEAL = "manifest.seal"
MANIFEST_MAX = 64 << 20
# What reading a damaged .tar.gz raises, from the gzip layer up: never a traceback.
DAMAGE = (tarfile.TarError, EOFError, zlib.error, OSError, ValueError, UnicodeError)
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# The seal's HMAC key is the audit key put to one purpose: a manifest seal is never
# a valid MAC of anything else made with that key.
SEAL_PURPOSE = b"vigil-backup-manifest\n"


class BackupError(Exception):
    """Refused or failed, with a message for the operator."""


class _Unwritable(Exception):
    """Writing the staged copy failed (disk full, permissions): not the archive's fault."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    verifications: dict[str, verification.ChainResult]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.verifications.values())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            _("%(name)s is not installed: apt-get install postgresql-client") % {"name": name}
        )
    return found


def _snapshot_sqlite(alias: str, target: Path) -> str:
    """Copy the live database page by page (consistent even while others write)."""
    connection = connections[alias]
    connection.ensure_connection()
    source: Any = connection.connection
    # Django's own module: where the settings put pysqlite3 in place of the standard
    # one, a connection of the other library is no backup target.
    dest = SQLite.connect(target)
    try:
        source.backup(dest)
        row = dest.execute("SELECT seq, hash FROM core_audithead WHERE id = 1").fetchone()
    finally:
        dest.close()
    return f"{row[0]}:{row[1]}" if row else ""


def _snapshot_postgresql(alias: str, target: Path) -> str:
    """pg_dump in a snapshot exported by a transaction that also reads the audit head."""
    connection = connections[alias]
    args, env = _pg_env(connection.settings_dict)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        cursor.execute("SELECT seq, hash FROM core_audithead WHERE id = 1")
        row = cursor.fetchone()
        done = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
             f"--snapshot={snapshot}", "--file", str(target), *args],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
    if done.returncode != 0:
        raise BackupError(_("pg_dump failed: %(err)s") % {"err": done.stderr.strip()})
    return f"{row[0]}:{row[1]}" if row else ""


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(clock.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def write_archive(
    path: Path, *, engine: str, head: str, db_file: Path, media: Path
) -> dict[str, Any]:
    """The archive itself: the database file, the media folder, the sealed manifest."""
    members: dict[str, str] = {}
    # The archive holds password hashes, second-factor secrets and classified
    # rows: readable by its owner only, from the first byte.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(path, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        members[db_file.name] = _file_sha256(db_file)
        tar.add(db_file, arcname=db_file.name)
        # Files are written before the row that names them commits, so every
        # file the snapshot refers to is on disk by now.
        for file in sorted(media.rglob("*")) if media.exists() else []:
            if not file.is_file() or file.name.endswith(".part"):
                continue
            try:
                data = file.read_bytes()
            except FileNotFoundError:  # deleted since the snapshot: not in it either
                continue
            name = "media/" + file.relative_to(media).as_posix()
            members[name] = _sha256(data)
            _add_bytes(tar, name, data)
        manifest = {
            "format_version": FORMAT_VERSION,
            "engine": engine,
            "created_at": clock.now().isoformat(),
            "audit_head": head,
            "members": members,
        }
        text = json.dumps(manifest, indent=2, sort_keys=True).encode()
        _add_bytes(tar, MANIFEST, text)
        _add_bytes(tar, SEAL, seal(text))
    return manifest


def backup(path: Path, *, alias: str = "default") -> dict[str, Any]:
    """Write the archive to ``path``; returns its manifest."""
    connection = connections[alias]
    engine = connection.vendor
    if engine not in DB_MEMBER:
        raise BackupError(_("Backup is written for SQLite and PostgreSQL only."))
    path = Path(path)
    if path.exists():
        raise BackupError(_("%(path)s already exists; choose a new file name.") % {"path": path})
    media = Path(settings.MEDIA_ROOT)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        db_file = Path(tmp) / DB_MEMBER[engine]
        snap = _snapshot_sqlite if engine == "sqlite" else _snapshot_postgresql
        head = snap(alias, db_file)
        partial = path.with_name(path.name + ".part")
        manifest = write_archive(partial, engine=engine, head=head, db_file=db_file, media=media)
        os.replace(partial, path)
    return manifest


def seal(manifest: bytes, key: str | None = None) -> bytes:
    """The manifest's checksum (damage) and HMAC under the audit key (editing)."""
    secret = (key if key is not None else settings.VIGIL_AUDIT_KEY).encode()
    return json.dumps(
        {
            "sha256": _sha256(manifest),
            "hmac_sha256": hmac.new(secret, SEAL_PURPOSE + manifest, "sha256").hexdigest(),
        }
    ).encode()


def _damaged(detail: str) -> BackupError:
    return BackupError(
        _("The archive is damaged or is not a Vigil backup (%(err)s).") % {"err": detail}
    )


def _member_path(into: Path, name: str) -> Path:
    parts = Path(name).parts
    known = name in (MANIFEST, SEAL) or name in DB_MEMBER.values() or parts[:1] == ("media",)
    if not known or name.startswith("/") or ".." in parts or len(parts) > 1 + 50:
        raise _damaged(_("unexpected entry %(n)s") % {"n": name})
    return into / name


def _extract(path: Path, into: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    """Stream the whole archive into ``into``: (SHA-256 of every member, manifest and seal).

    Every byte of the gzip stream is read, so its CRC and length are checked too:
    tar stops at its end-of-archive blocks, before the gzip trailer."""
    digests: dict[str, str] = {}
    kept: dict[str, bytes] = {}
    with path.open("rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as stream:
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for entry in tar:
                target = _member_path(into, entry.name)
                if not entry.isfile() or entry.name in digests:
                    raise _damaged(_("unexpected entry %(n)s") % {"n": entry.name})
                source = tar.extractfile(entry)
                if source is None:
                    raise _damaged(_("unexpected entry %(n)s") % {"n": entry.name})
                digest = hashlib.sha256()
                kept_bytes = bytearray()
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    out = target.open("xb")
                except OSError as exc:
                    raise _Unwritable(exc) from exc
                try:
                    while chunk := source.read(1 << 20):
                        digest.update(chunk)
                        try:
                            out.write(chunk)
                            out.flush()  # a full disk says so here
                        except OSError as exc:
                            raise _Unwritable(exc) from exc
                        if entry.name in (MANIFEST, SEAL) and len(kept_bytes) < MANIFEST_MAX:
                            kept_bytes += chunk
                finally:
                    try:
                        out.close()  # flushes again what a failed write left behind
                    except OSError as exc:
                        raise _Unwritable(exc) from exc
                digests[entry.name] = digest.hexdigest()
                if entry.name in (MANIFEST, SEAL):
                    kept[entry.name] = bytes(kept_bytes)
        while stream.read(1 << 20):
            pass
    return digests, kept


def read_archive(path: Path, into: Path) -> dict[str, Any]:
    """Extract and check the whole archive; BackupError names what is wrong. Touches nothing else."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("No archive at %(path)s.") % {"path": path})
    try:
        digests, kept = _extract(path, into)
    except BackupError:
        raise
    except _Unwritable as exc:
        raise BackupError(
            _(
                "Could not write the archive's contents to %(path)s (%(err)s): the archive "
                "is not at fault. Free disk space or fix the folder's permissions, then "
                "restore again."
            )
            % {"path": into, "err": exc.error.strerror or exc.error}
        ) from exc
    except DAMAGE as exc:
        raise _damaged(f"{type(exc).__name__}: {exc}") from exc
    text, sealed = kept.get(MANIFEST), kept.get(SEAL)
    if text is None or sealed is None:
        raise BackupError(_("The archive has no valid manifest.json."))
    try:
        checks = json.loads(sealed)
        ok_sum = hmac.compare_digest(str(checks["sha256"]), _sha256(text))
        ok_mac = hmac.compare_digest(
            str(checks["hmac_sha256"]), json.loads(seal(text))["hmac_sha256"]
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise _damaged(SEAL) from exc
    if not ok_sum:
        raise BackupError(_("The archive is damaged: manifest.json does not match its checksum."))
    if not ok_mac:
        raise BackupError(
            _(
                "The archive is damaged or was altered: its manifest is not sealed with this "
                "installation's VIGIL_AUDIT_KEY. Restore with the key of the installation "
                "that wrote the backup."
            )
        )
    try:
        manifest: dict[str, Any] = json.loads(text)
        members: dict[str, str] = manifest["members"]
        engine = manifest["engine"]
        present = set(digests) - {MANIFEST, SEAL}
        missing = sorted(set(members) - present)
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(_("The archive has no valid manifest.json.")) from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(_("This archive's format version is not one this Vigil reads."))
    if engine not in DB_MEMBER or DB_MEMBER[engine] not in members:
        raise BackupError(_("The archive has no database."))
    if missing:
        raise BackupError(_("The archive is missing %(names)s.") % {"names": ", ".join(missing)})
    extra = sorted(present - set(members))
    if extra:
        raise BackupError(
            _("The archive holds files its manifest does not list: %(names)s.")
            % {"names": ", ".join(extra)}
        )
    for name, digest in members.items():
        if digests[name] != digest:
            raise BackupError(
                _("Checksum mismatch for %(name)s: the archive is damaged.") % {"name": name}
            )
    return manifest


def _database_is_empty(alias: str) -> bool:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if not Path(name).exists():
            return True
    return not connection.introspection.table_names()


def restore(path: Path, *, alias: str = "default") -> RestoreResult:
    """Restore into an empty database and media folder, then verify every chain."""
    connection = connections[alias]
    engine = connection.vendor
    media = Path(settings.MEDIA_ROOT)
    # Staged beside the media folder, on its disk: the system /tmp may be small (or
    # memory), and the files then move into place instead of being copied.
    try:
        media.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(
            _("Could not create %(path)s (%(err)s).") % {"path": media.parent, "err": exc}
        ) from exc
    with tempfile.TemporaryDirectory(dir=media.parent, prefix=".restoring-") as tmp:
        staging = Path(tmp)
        manifest = read_archive(Path(path), staging)
        if manifest["engine"] != engine:
            raise BackupError(
                _(
                    "This archive holds a %(archived)s database and Vigil runs on %(current)s: "
                    "restoring across engines is not supported."
                )
                % {"archived": manifest["engine"], "current": engine}
            )
        if not _database_is_empty(alias):
            raise BackupError(
                _("The database is not empty. Restore only into a new, empty database.")
            )
        if media.exists() and any(media.iterdir()):
            raise BackupError(
                _("The media folder %(path)s is not empty. Restore only into an empty one.")
                % {"path": media}
            )
        db_file = staging / DB_MEMBER[engine]
        if engine == "sqlite":
            _restore_sqlite(alias, db_file)
        else:
            _restore_postgresql(alias, db_file)
        if (staging / "media").exists():
            media.parent.mkdir(parents=True, exist_ok=True)
            media.mkdir(exist_ok=True)
            for item in (staging / "media").iterdir():
                shutil.move(str(item), str(media / item.name))
    connections[alias].close()
    actor = SystemActor("restore")
    results: dict[str, verification.ChainResult] = {}
    for name, check in verification.verifiers().items():
        result = check()
        if name == "audit" and result.ok and result.head != manifest["audit_head"]:
            result = verification.ChainResult(
                ok=False, checked=result.checked, head=result.head,
                reason=f"the head differs from the archive's ({manifest['audit_head']})",
            )  # fmt: skip
        verification.record_run(name, result, actor=actor)
        results[name] = result
    return RestoreResult(manifest=manifest, verifications=results)


def _restore_sqlite(alias: str, db_file: Path) -> None:
    connection = connections[alias]
    connection.close()
    target = Path(str(connection.settings_dict["NAME"]))
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(db_file, partial)
    os.replace(partial, target)


def _restore_postgresql(alias: str, db_file: Path) -> None:
    connection = connections[alias]
    args, env = _pg_env(connection.settings_dict)
    connection.close()
    done = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
         "--single-transaction", *args, str(db_file)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise BackupError(_("pg_restore failed: %(err)s") % {"err": done.stderr.strip()})
