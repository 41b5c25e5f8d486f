"""``vigil reports …``: summary reports and commendations from the command line, acting
as a named user (``--as USERNAME``) with exactly that user's scope. The concepts
declare their subcommands (``commendations/cli.py``: ``add_subcommands``, ``run``).

Exit codes: 0 done; 1 refused (unknown user, not found, not allowed, bad input)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.accounts.cli import active_user
from vigil.core.pages import refusal_text
from vigil.reports.commendations import cli as commendations


class Command(BaseCommand):
    help = "Summary reports and commendations, as a named user (--as USERNAME)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        commendations.add_subcommands(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        user = active_user(options["username"])
        try:
            if options["subcommand"] == "commendations":
                commendations.run(self, user, options)
        except ValidationError as refused:
            raise CommandError(refusal_text(refused)) from None
        except PermissionDenied as refused:
            raise CommandError(str(refused) or _("You may not do this.")) from None
