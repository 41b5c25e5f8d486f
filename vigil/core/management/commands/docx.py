"""``vigil docx check FILE…``: does a .docx follow the Decree 30/2020 layout?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.core.documents.check import check_docx


class Command(BaseCommand):
    help = "Word documents. 'vigil docx check FILE…' checks each against the Decree 30 layout."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        check = sub.add_parser("check", help="check .docx files against the Decree 30 layout")
        check.add_argument("files", nargs="+", metavar="FILE", help="a .docx file")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"No such file: {name}. Give the path of a .docx file.")
            try:
                findings = check_docx(path)
            except Exception as exc:  # not a zip, not a Word document: say so, go on
                self.stdout.write(f"{name}: cannot be read as a .docx ({exc.__class__.__name__})")
                failed += 1
                continue
            if not findings:
                self.stdout.write(f"{name}: OK")
                continue
            failed += 1
            self.stdout.write(f"{name}: {len(findings)} problem(s)")
            for finding in findings:
                self.stdout.write(f"  {finding}")
        if failed:
            raise CommandError(f"{failed} of {len(options['files'])} file(s) break the layout.")
