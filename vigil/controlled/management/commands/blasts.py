"""``vigil blasts …``: blasts (hộ chiếu nổ mìn) from the command line, acting as a
named user.

Every subcommand takes ``--as USERNAME`` and sees and does exactly what that user
may: the blasts they see (``queries.visible_blasts``), the services' permissions.

- ``list`` prints the blasts (``--status open|closed``, ``--unbalanced``, ``--store ID``);
- ``show ID`` prints one with its lines;
- ``open --store ID --number N --site TEXT --commune ID --fired-at 'DD/MM/YYYY HH:MM'
  --person ID --line CODE:QUANTITY[:UNIT[:LOT]] …`` issues to the face;
- ``results ID --line LINE_ID:USED:RETURNED[:UNIT] …`` records what was used and returned;
- ``close ID [--line …]`` closes (refused unless every line balances).

Exit codes: 0 done; 1 refused (unknown user, not found, not allowed, bad input).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.accounts.cli import active_user
from vigil.controlled.blasts import queries, services
from vigil.controlled.blasts.models import Blast
from vigil.controlled.catalogue.models import Item
from vigil.controlled.registry.models import Store
from vigil.core import audit
from vigil.core.dates import DateTimeField
from vigil.core.models import AdminUnit
from vigil.core.pages import refusal_text
from vigil.org.models import ContactPoint


class Command(BaseCommand):
    help = (
        "Blasts (blasting passports) from the command line, as a named user (--as USERNAME) "
        "with exactly that user's scope: list, show, open, results, close."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        parsers = {
            name: sub.add_parser(name, help=text)
            for name, text in (("list", "list the blasts the user sees"),
                               ("show", "one blast and its lines"),
                               ("open", "issue explosives from a store to a blasting face"),
                               ("results", "record what each line used and returned"),
                               ("close", "close a blast whose every line balances"))
        }  # fmt: skip
        for p in parsers.values():
            p.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                           help="the user to act as: their scope, clearance and permissions")  # fmt: skip
        p = parsers["list"]
        p.add_argument("--status", choices=Blast.Status.values, default="")
        p.add_argument("--unbalanced", action="store_true", help="only those that do not balance")
        p.add_argument("--store", type=int, metavar="ID")
        for name in ("show", "results", "close"):
            parsers[name].add_argument("id", type=int)
        for name, required in (("results", True), ("close", False)):
            parsers[name].add_argument(
                "--line", action="append", required=required, default=[],
                metavar="LINE_ID:USED:RETURNED[:UNIT]", help="repeat for each line",
            )  # fmt: skip
        p = parsers["open"]
        p.add_argument("--store", type=int, required=True, metavar="ID")
        p.add_argument("--number", required=True, help="the blasting passport number")
        p.add_argument("--site", required=True, help="the mine face or construction site")
        p.add_argument("--commune", type=int, required=True, metavar="ID")
        p.add_argument("--fired-at", required=True, metavar="'DD/MM/YYYY HH:MM'")
        p.add_argument("--person", type=int, required=True, metavar="ID",
                       help="the person in charge: a contact point of the organisation")  # fmt: skip
        p.add_argument("--key-site", type=int, metavar="ID")
        p.add_argument("--note", default="")
        p.add_argument("--line", action="append", required=True, default=[],
                       metavar="CODE:QUANTITY[:UNIT[:LOT]]", help="repeat for each item")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        user = active_user(options["username"])
        command = options["subcommand"]
        try:
            if command == "list":
                self._list(user, options)
            elif command == "show":
                self._show(user, _blast(user, options["id"]))
            elif command == "open":
                blast = services.open_blast(**_opening(user, options))
                self.stdout.write(
                    _("Blast %(number)s recorded (id %(id)s).")
                    % {"number": blast.number, "id": blast.pk}
                )
            elif command == "results":
                blast = _blast(user, options["id"])
                services.record_results(blast, results=_results(options["line"]), actor=user)
                self.stdout.write(_("Results recorded."))
                self._show(user, blast)
            else:
                blast = _blast(user, options["id"])
                services.close_blast(blast, results=_results(options["line"]) or None, actor=user)
                self.stdout.write(_("Blast %(number)s closed.") % {"number": blast.number})
        except ValidationError as exc:
            raise CommandError(refusal_text(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("You may not do this.")) from None

    def _list(self, user: Any, options: dict[str, Any]) -> None:
        blasts = queries.with_marker(queries.visible_blasts(user)).order_by("-fired_at", "-pk")
        if options["status"]:
            blasts = blasts.filter(status=options["status"])
        if options["unbalanced"]:
            blasts = queries.not_balancing(blasts)
        if options["store"]:
            blasts = blasts.filter(store_id=options["store"])
        rows = list(blasts)
        audit.record_view(user, rows, path=_path("list"))
        for b in rows:
            mark = "  ⚠ " + _("Does not balance") if getattr(b, "stands_out", False) else ""
            self.stdout.write(
                f"{b.pk}  {b.number}  {b.fired_at:%d/%m/%Y %H:%M}  {b.get_status_display()}"
                f"  {b.store.name}  {b.site_name}{mark}"
            )
        self.stdout.write(_("%(count)s blast(s).") % {"count": len(rows)})

    def _show(self, user: Any, blast: Blast) -> None:
        audit.record_view(user, [blast], about=blast, path=_path("show", blast.pk))
        lines = list(blast.lines.select_related("item").order_by("pk"))
        self.stdout.write(f"{blast.pk}  {blast.number}  {blast.site_name}")
        self.stdout.write(
            f"{blast.store.name} · {blast.fired_at:%d/%m/%Y %H:%M} · {blast.get_status_display()}"
        )
        if queries.stands_out(blast, lines):
            self.stdout.write("⚠ " + _("Does not balance"))
            for reason in services.unbalanced_messages(lines):
                self.stdout.write(f"  {reason}")
        for line in lines:
            self.stdout.write(
                f"  {line.pk}  {services.line_name(line)}: "
                + _("issued %(issued)s, used %(used)s, returned %(returned)s")
                % {
                    "issued": services.in_shown_unit(line, line.issued),
                    "used": services.in_shown_unit(line, line.used),
                    "returned": services.in_shown_unit(line, line.returned),
                }
            )


def _blast(user: Any, pk: int) -> Blast:
    blast = queries.visible_blasts(user).filter(pk=pk).first()
    if blast is None:
        raise CommandError(_("No blast %(id)s that you may see.") % {"id": pk})
    return blast


def _opening(user: Any, options: dict[str, Any]) -> dict[str, Any]:
    store = (
        Store.objects.visible_to(user)
        .select_related("owning_agency")
        .filter(pk=options["store"])
        .first()
    )
    if store is None:
        raise CommandError(_("No store %(id)s that you may see.") % {"id": options["store"]})
    unit = AdminUnit.objects.filter(pk=options["commune"]).first()
    if unit is None:
        raise CommandError(_("No commune has this id."))
    person = ContactPoint.objects.visible_to(user).filter(pk=options["person"]).first()
    if person is None:
        raise CommandError(_("No contact point you see has this id."))
    key_site = None
    if options["key_site"]:
        from vigil.sites.models import KeySite

        key_site = KeySite.objects.visible_to(user).filter(pk=options["key_site"]).first()
        if key_site is None:
            raise CommandError(_("No key site you see has this id."))
    try:
        fired_at = DateTimeField().clean(options["fired_at"])
    except ValidationError as exc:
        raise CommandError(refusal_text(exc)) from None
    return {
        "organisation": store.owning_agency, "store": store, "number": options["number"],
        "site_name": options["site"], "admin_unit": unit, "fired_at": fired_at,
        "person_in_charge": person, "key_site": key_site, "note": options["note"],
        "lines": [_line(text) for text in options["line"]], "actor": user,
    }  # fmt: skip


def _line(text: str) -> services.BlastLineInput:
    parts = text.split(":")
    if len(parts) < 2 or len(parts) > 4:
        raise CommandError(
            _("Give each line as CODE:QUANTITY[:UNIT[:LOT]], not %(t)s.") % {"t": text}
        )
    item = Item.objects.filter(code=parts[0]).first()
    if item is None:
        raise CommandError(_("No item has the code %(code)s.") % {"code": parts[0]})
    unit = parts[2] if len(parts) > 2 and parts[2] else None
    return services.BlastLineInput(
        item, parts[1].replace(",", "."), unit, parts[3] if len(parts) > 3 else ""
    )


def _results(texts: list[str]) -> list[services.LineResult]:
    results = []
    for text in texts:
        parts = text.split(":")
        if len(parts) not in (3, 4) or not parts[0].isdigit():
            raise CommandError(
                _("Give each line as LINE_ID:USED:RETURNED[:UNIT], not %(t)s.") % {"t": text}
            )
        unit = parts[3] if len(parts) == 4 and parts[3] else None
        results.append(
            services.LineResult(
                int(parts[0]), parts[1].replace(",", "."), parts[2].replace(",", "."), unit
            )
        )
    return results


def _path(*parts: object) -> str:
    """What the audit records as the 'page' a command showed."""
    return "cli:blasts " + " ".join(str(p) for p in parts)
