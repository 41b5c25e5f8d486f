from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.accounts.models import ApiToken, User
from vigil.accounts.services import create_token
from vigil.core import audit


class Command(BaseCommand):
    help = "API tokens. 'vigil token create USERNAME [--scope read|write] [--days N]' prints a new one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser(
            "create", help="create a token and print it (only its hash is kept)"
        )
        create.add_argument("username", metavar="USERNAME")
        create.add_argument("--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.READ)
        create.add_argument("--days", type=int, default=90, metavar="N")
        create.add_argument("--name", default="cli", help="a name to recognise the token by")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}; see 'vigil seed demo'.")
        try:
            _, raw = create_token(
                user,
                name=options["name"],
                scope=options["scope"],
                days=options["days"],
                actor=audit.SystemActor("cli"),
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(raw)
