from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vigil.core import audit
from vigil.core.admin_units import import_admin_units


class Command(BaseCommand):
    help = (
        "Import provinces and communes (structure of 1 July 2025) from vietnam-provinces "
        "into the editable table. Existing rows are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province", type=int, action="append", metavar="CODE",
            help="only this province code (e.g. 22 for Quảng Ninh); repeatable",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        provinces = set(options["province"] or [])
        result = import_admin_units(actor=audit.SystemActor("cli"), provinces=provinces or None)
        self.stdout.write(f"created {result.created}, kept {result.kept}")
