"""``vigil exercises figures --year N [--committee ID] [--xlsx FILE] --as USER``: the
year's figures of trainings and exercises on the terminal, or as an .xlsx file, as the
named user sees them (their scope)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.core import clock
from vigil.exercises.cli import Subcommand
from vigil.exercises.figures import exports
from vigil.exercises.figures.forms import committees_for
from vigil.exercises.figures.queries import exercise_figures

if TYPE_CHECKING:
    from vigil.accounts.models import User


def _arguments(parser: CommandParser) -> None:
    parser.add_argument("--year", type=int, default=None, metavar="YYYY",
                        help="the year the exercises start in (default: this year)")  # fmt: skip
    parser.add_argument("--committee", type=int, default=None, metavar="ID",
                        help="this committee and those below it (default: all you see)")  # fmt: skip
    parser.add_argument(
        "--xlsx", default=None, metavar="FILE.xlsx", help="write the workbook there"
    )


def _run(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    year = options["year"] or clock.today().year
    if not 1900 <= year <= 2100:
        raise CommandError(_("Give a year between 1900 and 2100."))
    committee = None
    if options["committee"] is not None:
        committee = committees_for(user).filter(pk=options["committee"]).first()
        if committee is None:
            raise CommandError(_("Choose a committee you may see."))
    figures = exercise_figures(user, year, committee=committee)
    exports.record_view(user, figures, path=f"cli:exercises figures {year}")
    if options["xlsx"]:
        path = Path(options["xlsx"])
        if path.suffix.lower() != ".xlsx":
            raise CommandError(_("The file name must end in .xlsx."))
        path.write_bytes(exports.figures_workbook(figures))
        command.stdout.write(str(path))
        return
    for label, value in [
        *exports.figure_rows(figures), *exports.type_rows(figures), *exports.status_rows(figures)
    ]:  # fmt: skip
        command.stdout.write(f"{label}\t{value}")


SUBCOMMANDS: dict[str, Subcommand] = {
    "figures": Subcommand(
        help="a year's figures of trainings and exercises", arguments=_arguments, run=_run
    ),
}
