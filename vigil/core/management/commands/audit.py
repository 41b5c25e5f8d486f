import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from vigil.core import audit, verification
from vigil.core.audit import SystemActor
from vigil.core.models import AuditHead

HEX64 = re.compile(r"[0-9a-fA-F]{64}")


def parse_anchor(value: str) -> tuple[int, str]:
    seq, sep, digest = value.partition(":")
    # str.isdigit() also accepts digits int() refuses ("²"); a hash is 64 hex digits.
    if not (sep and seq.isascii() and seq.isdigit() and HEX64.fullmatch(digest)):
        raise CommandError("--anchor takes SEQ:HASH as printed by 'vigil audit verify'")
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = "Audit chain tools. 'vigil audit verify [--anchor SEQ:HASH]' checks the whole chain."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="verify every event, the links and the head")
        verify.add_argument(
            "--anchor", metavar="SEQ:HASH",
            help="a head recorded earlier elsewhere; the chain must still contain it",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = parse_anchor(options["anchor"]) if options.get("anchor") else None
        if AuditHead._meta.db_table not in connection.introspection.table_names():
            raise CommandError("This database has no audit chain yet: run 'vigil migrate' first.")
        result = audit.verify(anchor=anchor)
        verification.record_run(
            "audit",
            verification.ChainResult(
                ok=result.ok, checked=result.checked, head=result.head,
                broken_at=result.broken_seq, reason=result.reason,
            ),
            actor=SystemActor("command line"),
        )  # fmt: skip
        if not result.ok:
            self.stderr.write(
                f"BROKEN at sequence {result.broken_seq}: {result.reason} "
                f"({result.checked} events verified before it)"
            )
            self.stdout.write(f"head {result.head}")
            raise SystemExit(1)
        self.stdout.write(f"OK: {result.checked} events verified")
        self.stdout.write(f"head {result.head}")
