from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.workdays import seed_holidays


class Command(BaseCommand):
    help = (
        "The holiday table. 'vigil holidays seed [--year Y]' adds Vietnam's days off and "
        "make-up working days from the holidays package (default: this year and next); "
        "rows already in the table are kept as edited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        seed = sub.add_parser("seed", help="add the package's dates the table lacks")
        seed.add_argument("--year", type=int, action="append", metavar="YEAR")

    def handle(self, *args: Any, **options: Any) -> None:
        this_year = clock.today().year
        years = options["year"] or [this_year, this_year + 1]
        result = seed_holidays(years, actor=SystemActor("command"))
        self.stdout.write(
            f"holidays {', '.join(map(str, sorted(years)))}: "
            f"{result.created} added, {result.kept} already present"
        )
