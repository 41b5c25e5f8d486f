"""``vigil counts …``: stock counts from the command line, acting as a named user.

Every subcommand takes ``--as USERNAME`` and sees and does exactly what that user
may (the pages' scope, the services' permissions).

- ``list [--status draft|submitted]`` prints the counts the user sees;
- ``show ID`` prints one: its lines (book, counted, difference) and discrepancies;
- ``record --store ID --counters TEXT --line CODE:QUANTITY[:UNIT[:LOT]] …`` records a draft;
- ``submit ID`` compares it with the books;
- ``resolve DISCREPANCY_ID OUTCOME QUANTITY [--unit U] --note TEXT`` resolves a discrepancy.

Exit codes: 0 done; 1 refused (unknown user, not found, not allowed, bad input).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.cli import active_user
from vigil.controlled.catalogue.models import Item, shown
from vigil.controlled.counts import services
from vigil.controlled.counts.models import Discrepancy, StockCount
from vigil.controlled.counts.queries import visible_counts, visible_discrepancies
from vigil.controlled.ledger.inflight import InProgress
from vigil.controlled.registry.models import Store
from vigil.core import audit, clock
from vigil.core.dates import DateTimeField
from vigil.core.pages import refusal_text

OUTCOMES = [s.value for s in services.OUTCOMES]


class Command(BaseCommand):
    help = (
        "Stock counts from the command line, as a named user (--as USERNAME) with exactly "
        "that user's scope: list, show, record, submit, resolve."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        parsers = {
            name: sub.add_parser(name, help=text)
            for name, text in (("list", "list the stock counts the user sees"),
                               ("show", "one count: its lines and discrepancies"),
                               ("record", "record a count (a draft)"),
                               ("submit", "compare a count with the books"),
                               ("resolve", "resolve a discrepancy"))
        }  # fmt: skip
        for p in parsers.values():
            p.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                           help="the user to act as: their scope and permissions")  # fmt: skip
        parsers["list"].add_argument("--status", choices=StockCount.Status.values, default="")
        for name in ("show", "submit"):
            parsers[name].add_argument("id", type=int)
        p = parsers["record"]
        p.add_argument("--store", type=int, required=True, metavar="ID")
        p.add_argument("--counted-at", default="", metavar="'DD/MM/YYYY HH:MM'",
                       help="when the count was made (default: now)")  # fmt: skip
        p.add_argument("--counters", required=True, metavar="TEXT",
                       help="names and posts of the people who counted")  # fmt: skip
        p.add_argument("--witnesses", default="", metavar="TEXT")
        p.add_argument("--note", default="")
        p.add_argument("--line", action="append", required=True, dest="lines",
                       metavar="CODE:QUANTITY[:UNIT[:LOT]]",
                       help="an item (catalogue code) and what was found; repeat per line")  # fmt: skip
        p = parsers["resolve"]
        p.add_argument("id", type=int, metavar="DISCREPANCY_ID")
        p.add_argument("outcome", choices=OUTCOMES)
        p.add_argument("quantity", metavar="QUANTITY", help="the discrepancy's quantity")
        p.add_argument("--unit", default=None, help="the unit of QUANTITY (default: stored unit)")
        p.add_argument("--note", required=True, help="what was established")

    def handle(self, *args: Any, **options: Any) -> None:
        user = active_user(options["username"])
        command = options["subcommand"]
        try:
            if command == "list":
                self._list(user, options["status"])
            elif command == "show":
                self._show(user, _count(user, options["id"]))
            elif command == "record":
                count = services.record_count(**_record(user, options))
                self.stdout.write(_("Count %(id)s recorded as a draft.") % {"id": count.pk})
            elif command == "submit":
                count = services.submit_count(_count(user, options["id"]), actor=user)
                found = count.discrepancies.count()
                self.stdout.write(
                    _("Count %(id)s submitted: %(n)s discrepancy(ies).")
                    % {"id": count.pk, "n": found}
                )
                if count.incident_id:
                    self.stdout.write(_("Incident %(i)s opened; alert %(a)s sent.")
                                      % {"i": count.incident_id, "a": count.alert_id})  # fmt: skip
            else:
                d = services.resolve_discrepancy(
                    _discrepancy(user, options["id"]), outcome=options["outcome"],
                    quantity=options["quantity"], unit=options["unit"], note=options["note"],
                    actor=user,
                )  # fmt: skip
                self.stdout.write(_("Discrepancy %(id)s: %(status)s.")
                                  % {"id": d.pk, "status": d.get_status_display()})  # fmt: skip
        except ValidationError as exc:
            raise CommandError(refusal_text(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("You may not do this.")) from None
        except InProgress as exc:
            raise CommandError(str(exc)) from None

    def _list(self, user: Any, status: str) -> None:
        rows = visible_counts(user).order_by("-counted_at", "-pk")
        if status:
            rows = rows.filter(status=status)
        found = list(rows[:500])
        audit.record_view(user, found, path="cli:counts list")
        for c in found:
            self.stdout.write(f"{c.pk}  {clock_text(c.counted_at)}  {c.get_status_display()}"
                              f"  {c.owning_agency.name} — {c.store.name}")  # fmt: skip
        self.stdout.write(_("%(count)s count(s).") % {"count": len(found)})

    def _show(self, user: Any, count: StockCount) -> None:
        audit.record_view(user, [count], about=count, path=f"cli:counts show {count.pk}")
        self.stdout.write(f"{count.pk}  {count.store.name}  {clock_text(count.counted_at)}  "
                          f"{count.get_status_display()}")  # fmt: skip
        self.stdout.write(_("Counted by: %(who)s") % {"who": count.counters})
        for line in count.lines.select_related("item").order_by("pk"):
            cls = line.item.item_class
            book = "—" if line.book is None else shown(cls, line.book)
            lot = f" [{line.lot}]" if line.lot else ""
            self.stdout.write(
                f"  {line.item.code}{lot}  "
                + _("book %(book)s, counted %(counted)s")
                % {"book": book, "counted": shown(cls, line.counted)}
            )
        for d in count.discrepancies.select_related("item").order_by("pk"):
            self.stdout.write(f"  #{d.pk} {d.get_direction_display()} {d.item.code} "
                              f"{shown(d.item.item_class, d.quantity)}: {d.get_status_display()}")  # fmt: skip
        if count.incident_id:
            self.stdout.write(_("Incident %(i)s, alert %(a)s.")
                              % {"i": count.incident_id, "a": count.alert_id})  # fmt: skip


def clock_text(at: Any) -> str:
    return timezone.localtime(at).strftime("%d/%m/%Y %H:%M")


def _count(user: Any, pk: int) -> StockCount:
    count = visible_counts(user).filter(pk=pk).first()
    if count is None:
        raise CommandError(_("No stock count %(id)s that you may see.") % {"id": pk})
    return count


def _discrepancy(user: Any, pk: int) -> Discrepancy:
    d = visible_discrepancies(user).filter(pk=pk).first()
    if d is None:
        raise CommandError(_("No discrepancy %(id)s that you may see.") % {"id": pk})
    return d


def _line(text: str) -> services.CountLineInput:
    parts = text.split(":")
    if len(parts) < 2 or len(parts) > 4:
        raise CommandError(
            _("Write a line as CODE:QUANTITY[:UNIT[:LOT]], not %(text)s.") % {"text": text}
        )
    item = Item.objects.filter(code=parts[0]).first()
    if item is None:
        raise CommandError(_("No item with the code %(code)s.") % {"code": parts[0]})
    unit = parts[2] if len(parts) > 2 and parts[2] else None
    lot = parts[3] if len(parts) > 3 else ""
    return services.CountLineInput(item=item, quantity=parts[1].replace(",", "."), unit=unit,
                                   lot=lot)  # fmt: skip


def _record(user: Any, options: dict[str, Any]) -> dict[str, Any]:
    store = Store.objects.visible_to(user).filter(pk=options["store"]).first()
    if store is None:
        raise CommandError(_("No store %(id)s that you may see.") % {"id": options["store"]})
    counted_at = clock.now()
    if options["counted_at"]:
        try:
            counted_at = DateTimeField().clean(options["counted_at"])
        except ValidationError as exc:
            raise CommandError(refusal_text(exc)) from None
    return {
        "store": store, "counted_at": counted_at, "counters": options["counters"],
        "witnesses": options["witnesses"], "note": options["note"],
        "lines": [_line(text) for text in options["lines"]], "actor": user,
    }  # fmt: skip
