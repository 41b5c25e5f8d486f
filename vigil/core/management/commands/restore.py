from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a 'vigil backup' archive into an EMPTY database and media folder, then verify "
        "every hash chain. Example: DATABASE_URL=... vigil restore vigil-2026-11-25.tar.gz"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="an archive written by 'vigil backup'")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(Path(options["path"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {options['path']} (audit head at backup {result.manifest['audit_head']})"
        )
        for name, check in result.verifications.items():
            if check.ok:
                self.stdout.write(f"{name} verify: OK, {check.checked} entries, head {check.head}")
            else:
                self.stderr.write(
                    f"{name} verify: BROKEN at {check.broken_at}: {check.reason} "
                    "(is VIGIL_AUDIT_KEY the key of the backed-up installation?)"
                )
        if not result.ok:
            raise SystemExit(1)
