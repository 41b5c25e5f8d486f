"""``vigil incidents …``: incidents from the command line, acting as a named user.

Every subcommand takes ``--as USERNAME`` and sees and does exactly what that user
may: the list page's rows (``queries.incidents_for``), the services' permissions.

- ``list`` prints the incidents (``--state``, ``--open``, ``--exercise``/``--real``, ``--q``);
- ``show ID`` prints one with its timeline;
- ``report --committee ID --title … --type … (--site ID | --commune ID)`` reports one;
- ``move ID STATE [--note …]`` moves one along its lifecycle;
- ``update ID TEXT`` adds a situation update.

Exit codes: 0 done; 1 refused (unknown user, not found, not allowed, bad input).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.accounts.cli import active_user
from vigil.core import audit
from vigil.core.dates import DateTimeField
from vigil.core.models import AdminUnit
from vigil.core.pages import refusal_text
from vigil.org.models import Agency, Committee
from vigil.sites.models import KeySite
from vigil.situation.incidents import queries, services
from vigil.situation.incidents.models import Incident, IncidentState, IncidentType


class Command(BaseCommand):
    help = (
        "Incidents from the command line, as a named user (--as USERNAME) with exactly "
        "that user's scope: list, show, report, move, update."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        parsers = {
            name: sub.add_parser(name, help=text)
            for name, text in (("list", "list the incidents the user sees"),
                               ("show", "one incident and its timeline"),
                               ("report", "report an incident"),
                               ("move", "move an incident to another state"),
                               ("update", "add a situation update"))
        }  # fmt: skip
        for p in parsers.values():
            p.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                           help="the user to act as: their scope, clearance and permissions")  # fmt: skip
        p = parsers["list"]
        p.add_argument("--state", choices=IncidentState.values, default="")
        p.add_argument("--q", default="", metavar="TEXT", help="search (diacritics optional)")
        p.add_argument("--open", action="store_true", help="open incidents only")
        kind = p.add_mutually_exclusive_group()
        kind.add_argument("--exercise", action="store_true", help="exercises only")
        kind.add_argument("--real", action="store_true", help="real incidents only")
        for name in ("show", "move", "update"):
            parsers[name].add_argument("id", type=int)
        parsers["move"].add_argument("state", choices=IncidentState.values)
        parsers["move"].add_argument("--note", default="")
        parsers["update"].add_argument("text")
        p = parsers["report"]
        p.add_argument("--committee", type=int, required=True, metavar="ID")
        p.add_argument("--agency", type=int, metavar="ID", help="the reporting agency")
        p.add_argument("--title", required=True)
        p.add_argument("--type", choices=IncidentType.values, required=True)
        p.add_argument("--site", type=int, metavar="ID")
        p.add_argument("--commune", type=int, metavar="ID")
        p.add_argument("--place", default="")
        p.add_argument("--occurred-at", default="", metavar="'DD/MM/YYYY HH:MM'")
        p.add_argument("--description", default="")
        p.add_argument("--classification", type=int, default=0)
        p.add_argument("--exercise", action="store_true", help="an exercise (DIỄN TẬP)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = active_user(options["username"])
        command = options["subcommand"]
        try:
            if command == "list":
                self._list(user, options)
            elif command == "show":
                self._show(user, _incident(user, options["id"]))
            elif command == "report":
                incident = services.report_incident(**_report(user, options))
                self.stdout.write(_("Incident %(id)s reported.") % {"id": incident.pk})
            elif command == "move":
                moved = services.move(_incident(user, options["id"]), options["state"],
                                      actor=user, note=options["note"])  # fmt: skip
                self.stdout.write(_("The incident is now: %(state)s.")
                                  % {"state": moved.get_state_display()})  # fmt: skip
            else:
                services.add_update(_incident(user, options["id"]), options["text"], actor=user)
                self.stdout.write(_("Update added."))
        except ValidationError as exc:
            raise CommandError(refusal_text(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("You may not do this.")) from None

    def _list(self, user: Any, options: dict[str, Any]) -> None:
        kind = queries.EXERCISE if options["exercise"] else queries.REAL if options["real"] else ""
        filters = queries.IncidentFilters(q=options["q"], state=options["state"], kind=kind,
                                          open_only=options["open"])  # fmt: skip
        rows = list(queries.incidents_for(user, filters))
        audit.record_view(user, rows, path=_path("list"))
        for i in rows:
            mark = " [DIỄN TẬP]" if i.is_exercise else ""
            self.stdout.write(f"{i.pk}  {i.occurred_at:%d/%m/%Y %H:%M}  {i.get_state_display()}"
                              f"  {i.title}{mark}")  # fmt: skip
        self.stdout.write(_("%(count)s incident(s).") % {"count": len(rows)})

    def _show(self, user: Any, incident: Incident) -> None:
        audit.record_view(user, [incident], about=incident, path=_path("show", incident.pk))
        if incident.is_exercise:
            self.stdout.write("DIỄN TẬP")
        self.stdout.write(f"{incident.pk}  {incident.title}")
        self.stdout.write(f"{incident.get_type_display()} · {incident.get_state_display()} · "
                          f"{incident.get_classification_display()}")  # fmt: skip
        for row in queries.timeline(incident, user):
            item = row.item
            text = item.get_to_state_display() if row.kind == "event" else item.text
            self.stdout.write(f"  {row.at:%d/%m/%Y %H:%M}  {text}")


def _incident(user: Any, pk: int) -> Incident:
    incident = Incident.objects.visible_to(user).filter(pk=pk).first()
    if incident is None:
        raise CommandError(_("No incident %(id)s that you may see.") % {"id": pk})
    return incident


def _report(user: Any, options: dict[str, Any]) -> dict[str, Any]:
    committee = Committee.objects.filter(pk=options["committee"]).first()
    if committee is None:
        raise CommandError(_("No committee %(id)s.") % {"id": options["committee"]})
    values: dict[str, Any] = {
        "actor": user, "title": options["title"], "type": options["type"],
        "place": options["place"], "description": options["description"],
        "classification": options["classification"], "is_exercise": options["exercise"],
    }  # fmt: skip
    if options["agency"]:
        values["reporting_agency"] = Agency.objects.filter(pk=options["agency"]).first()
        if values["reporting_agency"] is None:
            raise CommandError(_("No agency %(id)s.") % {"id": options["agency"]})
    if options["site"]:
        values["site"] = KeySite.objects.visible_to(user).filter(pk=options["site"]).first()
        if values["site"] is None:
            raise CommandError(_("Choose a key site you can see."))
    if options["commune"]:
        values["commune"] = AdminUnit.objects.filter(pk=options["commune"]).first()
    if options["occurred_at"]:
        try:
            values["occurred_at"] = DateTimeField().clean(options["occurred_at"])
        except ValidationError as exc:
            raise CommandError(refusal_text(exc)) from None
    return {"committee": committee, **values}


def _path(*parts: object) -> str:
    """What the audit records as the 'page' a command showed."""
    return "cli:incidents " + " ".join(str(p) for p in parts)
