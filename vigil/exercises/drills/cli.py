"""``vigil exercises list|show|plan|conduct|evaluate|close|cancel``: the exercise pages'
queries and services from the command line, as the ``--as`` user. A classified exercise
shown is audited as the pages audit it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.core import audit
from vigil.core.dates import shown
from vigil.exercises.cli import Subcommand
from vigil.exercises.drills import queries, services
from vigil.exercises.drills.models import Capability, Exercise, ExerciseStatus, ExerciseType
from vigil.org.models import Agency, Committee
from vigil.sites.models import KeySite, Plan

if TYPE_CHECKING:
    from vigil.accounts.models import User


def _day(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007 (a date, no time)
    except ValueError:
        raise CommandError(_("Give the date as dd/mm/yyyy: %(text)s") % {"text": text}) from None


def _path(*parts: object) -> str:
    """What the audit records as the 'page' a command showed."""
    return "cli:exercises " + " ".join(str(p) for p in parts)


def _exercise(user: User, pk: int) -> Exercise:
    found = queries.exercises_for(user).filter(pk=pk).first()
    if found is None:
        raise CommandError(_("No exercise %(id)s that you may see.") % {"id": pk})
    return found


def _id_argument(parser: CommandParser) -> None:
    parser.add_argument("id", type=int, metavar="ID", help="the exercise's id")


# --- list


def _list_arguments(parser: CommandParser) -> None:
    parser.add_argument("--year", type=int, help="only exercises starting in this year")
    parser.add_argument("--type", choices=ExerciseType.values, default="")
    parser.add_argument("--status", choices=ExerciseStatus.values, default="")
    parser.add_argument("--committee", type=int, metavar="ID", help="only this committee's")


def _list(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    rows = list(queries.exercises_for(user, queries.ExerciseFilters(
        year=options["year"], type=options["type"], status=options["status"],
        committee=options["committee"])))  # fmt: skip
    audit.record_view(user, rows, path=_path("list"))
    for e in rows:
        command.stdout.write(
            f"{e.pk}  {shown(e.starts_on)}  {e.get_status_display()}  {e.get_type_display()}  "
            f"{e.name}"
        )
    command.stdout.write(_("%(count)s exercise(s).") % {"count": len(rows)})


# --- show


def _show(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    e = _exercise(user, options["id"])
    audit.record_view(user, [e], about=e, path=_path("show", e.pk))
    out = command.stdout
    out.write(f"{e.name} ({e.get_classification_display()})")
    out.write(f"{_('Type')}: {e.get_type_display()}")
    out.write(f"{_('Status')}: {e.get_status_display()}")
    dates = shown(e.starts_on) + ("" if e.ends_on == e.starts_on else f" – {shown(e.ends_on)}")
    out.write(f"{_('Dates')}: {dates}")
    out.write(f"{_('Committee')}: {e.owning_committee.name}")
    out.write(f"{_('Organising agency')}: {e.owning_agency.name}")
    tested = Plan.objects.visible_to(user).filter(pk__in=e.plans.values("pk"))
    plans = ", ".join(p.code_name for p in tested.order_by("code_name"))
    out.write(f"{_('Plans tested')}: {plans or '—'}")
    for p in e.participants.select_related("agency").order_by("pk"):
        out.write(f"  {p.agency.name}: {p.people} / {p.equipment}")
    for o in e.objectives.order_by("number"):
        # The objective's id is what ``vigil exercises rate`` takes.
        out.write(f"  {o.number}. [{o.get_capability_display()}] {o.rating or '—'} {o.text}"
                  f"  (id {o.pk})")  # fmt: skip
    for missing in services.missing_for_close(e) if e.status != ExerciseStatus.PLANNED else []:
        out.write(f"{_('Still missing before the exercise can be closed:')} {missing}")


# --- plan


def _plan_arguments(parser: CommandParser) -> None:
    parser.add_argument("--committee", type=int, required=True, metavar="ID")
    parser.add_argument("--type", choices=ExerciseType.values, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--starts", required=True, metavar="DD/MM/YYYY")
    parser.add_argument("--ends", metavar="DD/MM/YYYY", help="default: the day it starts")
    parser.add_argument("--scenario", default="")
    parser.add_argument("--place", default="")
    parser.add_argument("--site", type=int, metavar="ID", help="the key site where it is held")
    parser.add_argument("--organiser", type=int, metavar="AGENCY_ID")
    parser.add_argument("--plan", type=int, action="append", default=[], metavar="ID",
                        help="a plan it tests (repeat for several)")  # fmt: skip
    parser.add_argument("--participant", action="append", default=[],
                        metavar="AGENCY_ID:PEOPLE:EQUIPMENT", help="repeat for several")  # fmt: skip
    parser.add_argument("--objective", action="append", default=[], metavar="CAPABILITY:TEXT",
                        help="one of " + ", ".join(Capability.values) + " (repeat)")  # fmt: skip
    parser.add_argument("--classification", type=int, default=0, choices=[0, 1, 2, 3])


def _participant(text: str) -> services.ParticipantSpec:
    try:
        agency, people, equipment = [*text.split(":"), "0", "0"][:3]
        found = Agency.objects.get(pk=int(agency))
        return services.ParticipantSpec(found, int(people or 0), int(equipment or 0))
    except (ValueError, Agency.DoesNotExist):
        raise CommandError(
            _("Give a participant as AGENCY_ID:PEOPLE:EQUIPMENT: %(text)s") % {"text": text}
        ) from None


def _objective(text: str) -> services.ObjectiveSpec:
    capability, _sep, words = text.partition(":")
    return services.ObjectiveSpec(words, capability)


def _plan(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    committee = Committee.objects.visible_to(user).filter(pk=options["committee"]).first()
    if committee is None:
        raise CommandError(
            _("No committee %(id)s that you may see.") % {"id": options["committee"]}
        )
    plans = list(Plan.objects.filter(pk__in=options["plan"]))
    if len(plans) != len(set(options["plan"])):
        raise CommandError(_("Choose plans of this committee that you may see."))
    site = KeySite.objects.filter(pk=options["site"]).first() if options["site"] else None
    organiser = (
        Agency.objects.filter(pk=options["organiser"]).first() if options["organiser"] else None
    )
    starts = _day(options["starts"])
    exercise = services.plan_exercise(
        committee, actor=user, type=options["type"], name=options["name"], starts_on=starts,
        ends_on=_day(options["ends"]) if options["ends"] else starts,
        scenario=options["scenario"], place=options["place"], site=site,
        organising_agency=organiser, plans=plans,
        participants=[_participant(p) for p in options["participant"]],
        objectives=[_objective(o) for o in options["objective"]],
        classification=options["classification"],
    )  # fmt: skip
    command.stdout.write(_("Exercise %(id)s planned.") % {"id": exercise.pk})


# --- lifecycle


def _conduct_arguments(parser: CommandParser) -> None:
    _id_argument(parser)
    parser.add_argument("--on", metavar="DD/MM/YYYY", help="the day it took place (today)")


def _conduct(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    exercise = _exercise(user, options["id"])
    day = _day(options["on"]) if options["on"] else None
    services.conduct(exercise, actor=user, on=day)
    command.stdout.write(_("The exercise is recorded as conducted."))


def _evaluate_arguments(parser: CommandParser) -> None:
    _id_argument(parser)
    parser.add_argument("--summary", help="the summary of the after-action report")


def _evaluate(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    services.finish_evaluation(_exercise(user, options["id"]), actor=user,
                               summary=options["summary"])  # fmt: skip
    command.stdout.write(_("The evaluation is finished."))


def _close(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    services.close_exercise(_exercise(user, options["id"]), actor=user)
    command.stdout.write(_("Exercise closed."))


def _cancel_arguments(parser: CommandParser) -> None:
    _id_argument(parser)
    parser.add_argument("--reason", required=True)


def _cancel(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    services.cancel_exercise(_exercise(user, options["id"]), actor=user, reason=options["reason"])
    command.stdout.write(_("Exercise cancelled."))


SUBCOMMANDS: dict[str, Subcommand] = {
    "list": Subcommand("list the exercises the user sees", _list_arguments, _list),
    "show": Subcommand("show one exercise", _id_argument, _show),
    "plan": Subcommand("plan an exercise", _plan_arguments, _plan),
    "conduct": Subcommand("record an exercise as conducted", _conduct_arguments, _conduct),
    "evaluate": Subcommand("finish an exercise's evaluation", _evaluate_arguments, _evaluate),
    "close": Subcommand("close an evaluated exercise", _id_argument, _close),
    "cancel": Subcommand("cancel a planned exercise", _cancel_arguments, _cancel),
}
