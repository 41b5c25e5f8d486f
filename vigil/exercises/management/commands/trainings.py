"""``vigil trainings …``: trainings from the command line, acting as a named user.

Every subcommand takes ``--as USERNAME`` and sees and does exactly what that user
may: the list page's rows (``queries.trainings_for``), the services' permissions.

- ``list`` prints the trainings (``--year``, ``--status``, ``--committee``) and their totals;
- ``show ID`` prints one with its audience;
- ``plan --committee ID --topic … --starts DD/MM/YYYY [--ends …] [--audience AGENCY_ID=COUNT …]``
  plans one;
- ``held ID [--audience AGENCY_ID=COUNT …]`` records one as held, with the final counts;
- ``cancel ID --reason …`` cancels a planned one.

Exit codes: 0 done; 1 refused (unknown user, not found, not allowed, bad input).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.accounts.cli import active_user
from vigil.core import audit
from vigil.core.dates import DateField
from vigil.core.pages import refusal_text
from vigil.exercises.trainings import queries, services
from vigil.exercises.trainings.models import Training, TrainingStatus
from vigil.exercises.trainings.services import AudienceSpec
from vigil.org.models import Agency, Committee
from vigil.org.scope import admin_units_visible_to


class Command(BaseCommand):
    help = (
        "Trainings from the command line, as a named user (--as USERNAME) with exactly "
        "that user's scope: list, show, plan, held, cancel."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        parsers = {
            name: sub.add_parser(name, help=text)
            for name, text in (("list", "list the trainings the user sees"),
                               ("show", "one training and its audience"),
                               ("plan", "plan a training"),
                               ("held", "record a training as held, with the final counts"),
                               ("cancel", "cancel a planned training"))
        }  # fmt: skip
        for p in parsers.values():
            p.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                           help="the user to act as: their scope, clearance and permissions")  # fmt: skip
        p = parsers["list"]
        p.add_argument("--year", type=int)
        p.add_argument("--status", choices=TrainingStatus.values, default="")
        p.add_argument("--committee", type=int, metavar="ID")
        for name in ("show", "held", "cancel"):
            parsers[name].add_argument("id", type=int)
        for name in ("plan", "held"):
            parsers[name].add_argument(
                "--audience",
                action="append",
                default=[],
                metavar="AGENCY_ID=COUNT",
                help="an agency of the audience and how many of its people (repeat it)",
            )
        parsers["cancel"].add_argument("--reason", required=True)
        p = parsers["plan"]
        p.add_argument("--committee", type=int, required=True, metavar="ID")
        p.add_argument("--topic", required=True)
        p.add_argument("--starts", required=True, metavar="DD/MM/YYYY")
        p.add_argument("--ends", metavar="DD/MM/YYYY", help="by default the day it starts")
        p.add_argument("--agency", type=int, metavar="ID", help="the organising agency")
        p.add_argument("--place", default="")
        p.add_argument("--commune", type=int, metavar="ID")
        p.add_argument("--trainer-unit", default="")
        p.add_argument("--description", default="")
        p.add_argument("--classification", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        user = active_user(options["username"])
        command = options["subcommand"]
        try:
            if command == "list":
                self._list(user, options)
            elif command == "show":
                self._show(user, _training(user, options["id"]))
            elif command == "plan":
                training = services.plan_training(**_plan(user, options))
                self.stdout.write(_("Training %(id)s planned.") % {"id": training.pk})
            elif command == "held":
                services.record_held(_training(user, options["id"]), actor=user,
                                     audience=_audience(user, options["audience"]) or None)  # fmt: skip
                self.stdout.write(_("Training recorded as held."))
            else:
                services.cancel_training(_training(user, options["id"]), actor=user,
                                         reason=options["reason"])  # fmt: skip
                self.stdout.write(_("Training cancelled."))
        except ValidationError as exc:
            raise CommandError(refusal_text(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("You may not do this.")) from None

    def _list(self, user: Any, options: dict[str, Any]) -> None:
        filters = queries.TrainingFilters(year=options["year"], status=options["status"],
                                          committee=options["committee"])  # fmt: skip
        # Each row carries ``participants_total`` (annotated by the query).
        rows: list[Any] = list(queries.trainings_for(user, filters))
        audit.record_view(user, rows, path=_path("list"))
        for t in rows:
            self.stdout.write(f"{t.pk}  {t.starts_on:%d/%m/%Y}  {t.get_status_display()}  "
                              f"{t.participants_total}  {t.topic}")  # fmt: skip
        totals = queries.totals(user, filters)
        self.stdout.write(
            _("%(count)s training(s); %(people)s people trained in %(held)s held.")
            % {"count": totals.trainings, "people": totals.participants, "held": totals.held}
        )

    def _show(self, user: Any, training: Training) -> None:
        audit.record_view(user, [training], about=training, path=_path("show", training.pk))
        self.stdout.write(f"{training.pk}  {training.topic}")
        self.stdout.write(f"{training.starts_on:%d/%m/%Y} – {training.ends_on:%d/%m/%Y} · "
                          f"{training.get_status_display()} · "
                          f"{training.get_classification_display()}")  # fmt: skip
        self.stdout.write(f"{training.owning_agency.name} · {training.place}")
        for row in queries.audience_of(training):
            self.stdout.write(f"  {row.agency.name}: {row.participants}")


def _training(user: Any, pk: int) -> Training:
    training = Training.objects.visible_to(user).select_related("owning_agency").filter(pk=pk)
    found = training.first()
    if found is None:
        raise CommandError(_("No training %(id)s that you may see.") % {"id": pk})
    return found


def _audience(user: Any, values: list[str]) -> list[AudienceSpec]:
    specs = []
    for value in values:
        agency_id, sep, count = value.partition("=")
        try:
            pk, participants = int(agency_id), int(count)
        except ValueError:
            raise CommandError(
                _("Give the audience as AGENCY_ID=COUNT, not %(value)s.") % {"value": value}
            ) from None
        agency = _seen(Agency.objects.visible_to(user), pk) if sep else None
        if agency is None:
            raise CommandError(_("Not found."))
        specs.append(AudienceSpec(agency, participants))
    return specs


def _day(value: str) -> Any:
    try:
        return DateField().clean(value)
    except ValidationError as exc:
        raise CommandError(refusal_text(exc)) from None


def _seen(visible: Any, pk: int) -> Any:
    """The row of ``visible`` (already narrowed to what the user sees) with this id, or
    None: a missing id and one the user may not see answer alike (one "not found")."""
    return visible.filter(pk=pk).first()


def _plan(user: Any, options: dict[str, Any]) -> dict[str, Any]:
    committee = _seen(Committee.objects.visible_to(user), options["committee"])
    if committee is None:
        raise CommandError(_("Not found."))
    starts_on = _day(options["starts"])
    values: dict[str, Any] = {
        "committee": committee, "actor": user, "topic": options["topic"],
        "starts_on": starts_on, "ends_on": _day(options["ends"]) if options["ends"] else starts_on,
        "place": options["place"], "trainer_unit": options["trainer_unit"],
        "description": options["description"], "classification": options["classification"],
        "audience": _audience(user, options["audience"]),
    }  # fmt: skip
    if options["agency"]:
        values["organising_agency"] = _seen(Agency.objects.visible_to(user), options["agency"])
        if values["organising_agency"] is None:
            raise CommandError(_("Not found."))
    if options["commune"]:
        values["commune"] = _seen(admin_units_visible_to(user), options["commune"])
        if values["commune"] is None:
            raise CommandError(_("Not found."))
    return values


def _path(*parts: object) -> str:
    """What the audit records as the 'page' a command showed."""
    return "cli:trainings " + " ".join(str(p) for p in parts)
