from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back Vigil up while it runs: database (SQLite backup API or pg_dump) and media "
        "into one .tar.gz with a manifest. Example: vigil backup /srv/backup/vigil-2026-11-25.tar.gz"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="the archive to write (must not exist)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup(Path(options["path"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"OK: {options['path']} ({manifest['engine']}, {len(manifest['members'])} files)"
        )
        self.stdout.write(f"audit head {manifest['audit_head']}")
