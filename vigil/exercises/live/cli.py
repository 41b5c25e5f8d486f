"""``vigil exercises incident|alert|timeline``: exercise mode from the command line,
as a named user, through the same services and scope as the pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.core import audit, dates
from vigil.core.classification import Classification
from vigil.exercises.cli import Subcommand
from vigil.exercises.drills.models import Exercise
from vigil.exercises.live import queries, services
from vigil.org.models import Agency, Committee
from vigil.situation.incidents.models import IncidentType
from vigil.situation.terms import Certainty, Severity, Urgency

if TYPE_CHECKING:
    from vigil.accounts.models import User


def _exercise(user: User, pk: int) -> Exercise:
    exercise = Exercise.objects.visible_to(user).select_related("owning_committee").filter(
        pk=pk).first()  # fmt: skip
    if exercise is None:
        raise CommandError(_("No exercise %(id)s that you may see.") % {"id": pk})
    return exercise


def _visible(model: Any, user: User, pk: int) -> Any:
    found = model.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise CommandError(_("Nothing with the id %(id)s that you may see.") % {"id": pk})
    return found


def _when(text: str) -> Any:
    # The forms' own field: dd/mm/yyyy hh:mm, Vietnam's time, a plausible year.
    return dates.DateTimeField().clean(text) if text else None


# --- incident


def _incident_arguments(p: CommandParser) -> None:
    p.add_argument("id", type=int, help="the exercise")
    p.add_argument("--title", required=True)
    p.add_argument("--type", choices=IncidentType.values, required=True)
    p.add_argument("--agency", type=int, metavar="ID", help="the reporting agency")
    p.add_argument("--occurred-at", default="", metavar="'DD/MM/YYYY HH:MM'")
    p.add_argument("--description", default="")
    p.add_argument("--place", default="")
    p.add_argument("--classification", type=int, choices=Classification.values, default=0)


def _incident(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    exercise = _exercise(user, options["id"])
    values: dict[str, Any] = {
        "title": options["title"], "type": options["type"], "place": options["place"],
        "description": options["description"], "classification": options["classification"],
    }  # fmt: skip
    if options["agency"]:
        values["reporting_agency"] = _visible(Agency, user, options["agency"])
    if options["occurred_at"]:
        values["occurred_at"] = _when(options["occurred_at"])
    incident = services.open_exercise_incident(exercise, actor=user, **values)
    command.stdout.write(_("Exercise incident %(id)s opened (DIỄN TẬP).") % {"id": incident.pk})


# --- alert


def _alert_arguments(p: CommandParser) -> None:
    p.add_argument("id", type=int, help="the exercise")
    p.add_argument("--event", required=True)
    p.add_argument("--headline", required=True)
    p.add_argument("--event-code", default="")
    p.add_argument("--description", default="")
    p.add_argument("--instruction", default="")
    p.add_argument("--area", default="")
    p.add_argument("--urgency", choices=Urgency.values, default=Urgency.IMMEDIATE)
    p.add_argument("--severity", choices=Severity.values, default=Severity.SEVERE)
    p.add_argument("--certainty", choices=Certainty.values, default=Certainty.LIKELY)
    p.add_argument("--classification", type=int, choices=Classification.values, default=0)
    p.add_argument("--expires", metavar="dd/mm/yyyy hh:mm", default="")
    p.add_argument("--incident", type=int, action="append", default=[], metavar="ID",
                   help="an incident of this exercise (repeat for several)")  # fmt: skip
    p.add_argument("--agency", type=int, action="append", default=[], metavar="ID",
                   help="a recipient agency (repeat for several)")  # fmt: skip
    p.add_argument("--to-committee", type=int, action="append", default=[], metavar="ID",
                   help="a recipient committee (repeat for several)")  # fmt: skip


def _alert(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    exercise = _exercise(user, options["id"])
    alert = services.draft_exercise_alert(
        exercise, actor=user, event=options["event"], event_code=options["event_code"],
        headline=options["headline"], description=options["description"],
        instruction=options["instruction"], area_desc=options["area"],
        urgency=options["urgency"], severity=options["severity"],
        certainty=options["certainty"], classification=options["classification"],
        expires_at=_when(options["expires"]), incidents=options["incident"],
        addressed_agencies=[_visible(Agency, user, pk) for pk in options["agency"]],
        addressed_committees=[_visible(Committee, user, pk) for pk in options["to_committee"]],
    )  # fmt: skip
    command.stdout.write(
        _("Exercise alert %(id)s drafted (DIỄN TẬP): a leader approves it.") % {"id": alert.pk}
    )


# --- timeline


def _timeline_arguments(p: CommandParser) -> None:
    p.add_argument("id", type=int, help="the exercise")


def _timeline(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    exercise = _exercise(user, options["id"])
    found = queries.timeline(exercise, user)
    audit.record_view(user, [exercise, *found.shown], about=exercise,
                      path=f"cli:exercises timeline {exercise.pk}")  # fmt: skip
    command.stdout.write(f"{exercise.pk}  {exercise.name}  ({exercise.get_status_display()})")
    refusal = queries.mode_refusal(exercise)
    command.stdout.write(refusal or _("Exercise mode is open."))
    for row in found.rows:
        subject = row.subject.title if row.kind == "incident" else row.subject.headline  # type: ignore[union-attr]
        parts = [f"{row.at:%d/%m/%Y %H:%M}", "[DIỄN TẬP]", subject, row.what, row.recipient,
                 row.by, row.text]  # fmt: skip
        command.stdout.write("  ".join(p for p in parts if p))
    command.stdout.write(_("%(count)s entries.") % {"count": len(found.rows)})


SUBCOMMANDS: dict[str, Subcommand] = {
    "incident": Subcommand("open an exercise incident (DIỄN TẬP)", _incident_arguments, _incident),
    "alert": Subcommand("draft an exercise alert (DIỄN TẬP)", _alert_arguments, _alert),
    "timeline": Subcommand(
        "an exercise's incidents and alerts in time order", _timeline_arguments, _timeline
    ),
}
