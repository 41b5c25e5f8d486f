from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vigil.controlled.figures.command import add_figures_parser, run_figures
from vigil.controlled.ledger import anchors
from vigil.controlled.ledger import chain as ledger
from vigil.core import verification
from vigil.core.audit import SystemActor


class Command(BaseCommand):
    help = (
        "Stock ledger tools: 'vigil ledger verify' checks the chains and their anchors; "
        "'reconcile' the balances; 'anchor' writes the moved heads into the audit chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser(
            "verify", help="every entry's hash, the chains, the heads, unique keys, the anchors"
        )
        sub.add_parser("reconcile", help="every balance equals the sum of its entries")
        add_figures_parser(sub)
        sub.add_parser("anchor", help="anchor every head that moved in the audit chain now")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "figures":
            run_figures(self, options)
        elif options["subcommand"] == "verify":
            self._verify()
        elif options["subcommand"] == "anchor":
            written = anchors.anchor_ledgers(actor=SystemActor("command line"))
            self.stdout.write(f"OK: {written} ledger heads anchored in the audit chain")
        else:
            self._reconcile()

    def _verify(self) -> None:
        result = ledger.verify()
        verification.record_run(
            "ledger", ledger.as_chain_result(result), actor=SystemActor("command line")
        )
        if not result.ok:
            where = f"entry {result.broken_entry}" if result.broken_entry else "a chain head"
            if result.broken_anchor and not result.broken_entry:
                where = f"audit event {result.broken_anchor}"
            self.stderr.write(
                f"BROKEN at {where}: {result.reason} ({result.checked} entries verified before it)"
            )
            raise SystemExit(1)
        self.stdout.write(
            f"OK: {result.checked} entries in {result.heads} chains verified, "
            f"{result.anchors} anchors in the audit chain borne out"
        )

    def _reconcile(self) -> None:
        checked, mismatch = ledger.reconcile()
        if mismatch is not None:
            self.stderr.write(
                f"MISMATCH: store {mismatch.store_id}, item {mismatch.item_id}, "
                f"lot {mismatch.lot!r}: balance {mismatch.balance}, ledger {mismatch.ledger}"
            )
            raise SystemExit(1)
        self.stdout.write(f"OK: {checked} balances equal the sum of their entries")
