"""``vigil reports …``: summary reports from the command line, acting as a named user.

Every subcommand takes ``--as USERNAME`` and sees and does exactly what that user may
(the pages' queries, the services' permissions). The subcommands are declared by the
concepts, each a ``SUBCOMMANDS`` mapping of name to ``vigil.reports.cli.Subcommand``:
``summaries/cli.py`` (annual, periodic, list, show, issue). ``commendations`` has
actions of its own (``vigil reports commendations list|propose|review|decide|refuse``):
``commendations/cli.py`` adds its parser (``add_subcommands``) and runs it (``run``).

Exit codes: 0 done; 1 refused (unknown user, not found, not allowed, bad input).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.accounts.cli import active_user
from vigil.core.pages import refusal_text
from vigil.reports.cli import Subcommand
from vigil.reports.commendations import cli as commendations
from vigil.reports.summaries.cli import SUBCOMMANDS as SUMMARIES

SUBCOMMANDS: dict[str, Subcommand] = {**SUMMARIES}


class Command(BaseCommand):
    help = (
        "Summary reports and commendations from the command line, as a named user "
        "(--as USERNAME) with exactly that user's scope: "
        + ", ".join([*SUBCOMMANDS, "commendations"])
        + "."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, command in SUBCOMMANDS.items():
            p = sub.add_parser(name, help=command.help)
            p.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                           help="the user to act as: their scope, clearance and permissions")  # fmt: skip
            command.arguments(p)
        commendations.add_subcommands(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        user = active_user(options["username"])
        try:
            if options["subcommand"] == "commendations":
                commendations.run(self, user, options)
            else:
                SUBCOMMANDS[options["subcommand"]].run(self, user, options)
        except ValidationError as refused:
            raise CommandError(refusal_text(refused)) from None
        except PermissionDenied as refused:
            raise CommandError(str(refused) or _("You may not do this.")) from None
