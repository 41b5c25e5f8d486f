"""``vigil ledger figures``: a period's figures on the terminal, or as an .xlsx file,
as a named user sees them (their scope)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vigil.controlled.figures import exports
from vigil.controlled.figures.queries import COLUMNS, half_year_figures, year_figures


def add_figures_parser(sub: Any) -> None:
    p = sub.add_parser("figures", help="received, used, destroyed, lost and closing stock")
    p.add_argument("--year", type=int, required=True, metavar="YYYY")
    p.add_argument("--half", type=int, choices=[1, 2], default=None,
                   help="1: January–June, 2: July–December (default: the whole year)")  # fmt: skip
    p.add_argument("--organisation", type=int, default=None, metavar="ID")
    p.add_argument("--commune", type=int, default=None, metavar="ID")
    p.add_argument("--group", choices=["item", "organisation", "commune", "store"],
                   default="organisation")  # fmt: skip
    p.add_argument("--xlsx", default=None, metavar="FILE.xlsx", help="write the workbook there")
    p.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                   help="the user to act as: their scope")  # fmt: skip


def run_figures(command: BaseCommand, options: dict[str, Any]) -> None:
    from vigil.accounts.models import User

    user = User.objects.filter(username=options["username"], is_active=True).first()
    if user is None:
        raise CommandError(_("No active user is named %(name)s.") % {"name": options["username"]})
    year = options["year"]
    if not 1900 <= year <= 2100:
        raise CommandError(_("Give a year between 1900 and 2100."))
    filters = {"organisation": options["organisation"], "admin_unit": options["commune"]}
    if options["half"]:
        figures = half_year_figures(user, year, options["half"], **filters)
    else:
        figures = year_figures(user, year, **filters)
    group = options["group"]
    if options["xlsx"]:
        path = Path(options["xlsx"])
        if path.suffix.lower() != ".xlsx":
            raise CommandError(_("The file name must end in .xlsx."))
        path.write_bytes(exports.figures_workbook(figures, group))
        command.stdout.write(f"{path}: {len(figures.lines(group))} lines")
        return
    command.stdout.write("\t".join([group, "item", *COLUMNS]))
    for line in figures.lines(group):
        command.stdout.write("\t".join([line.group_name, line.item_code, *line.shown_values()]))
