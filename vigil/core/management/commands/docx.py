"""``vigil docx check FILE…``: does a .docx follow the Decree 30/2020 layout?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

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
                raise CommandError(
                    _("No such file: %(name)s. Give the path of a .docx file.") % {"name": name}
                )
            try:
                findings = check_docx(path)
            except Exception as exc:  # not a zip, not a Word document: say so, go on
                self.stdout.write(
                    _("%(name)s: cannot be read as a .docx (%(error)s).")
                    % {"name": name, "error": exc.__class__.__name__}
                )
                failed += 1
                continue
            if not findings:
                self.stdout.write(_("%(name)s: follows the Decree 30 layout.") % {"name": name})
                continue
            failed += 1
            self.stdout.write(
                _("%(name)s: %(count)s problem(s) with the Decree 30 layout:")
                % {"name": name, "count": len(findings)}
            )
            for finding in findings:
                self.stdout.write(f"  {finding}")
        if failed:
            raise CommandError(
                _("%(failed)s of %(total)s file(s) break the Decree 30 layout.")
                % {"failed": failed, "total": len(options["files"])}
            )
