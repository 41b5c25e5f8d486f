from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vigil.core.attachments import prune_unreferenced


class Command(BaseCommand):
    help = (
        "Attachment storage tools. 'vigil attachments prune [--hours N]' deletes stored files "
        "that no attachment names any more (deleted attachments, rolled-back uploads)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        prune = sub.add_parser("prune", help="delete files no attachment names")
        prune.add_argument(
            "--hours", type=float, default=1.0, metavar="N",
            help="only files last changed more than N hours ago (default 1)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        import datetime as dt

        removed = prune_unreferenced(older_than=dt.timedelta(hours=options["hours"]))
        self.stdout.write(f"{len(removed)} unreferenced file(s) deleted")
