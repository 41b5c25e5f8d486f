"""``vigil reports commendations list|propose|review|decide|refuse --as USERNAME``: the
commendation pages' queries and services from the command line, as the ``--as`` user
(their scope and permissions). ``add_subcommands(subparsers)`` adds them to the
``vigil reports`` command; ``run(command, user, options)`` runs the one chosen."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vigil.core import audit
from vigil.org.models import Agency, Committee
from vigil.reports.commendations import queries, services
from vigil.reports.commendations.models import (
    Authority,
    Commendation,
    CommendationForm,
    CommendationKind,
    CommendationState,
)

if TYPE_CHECKING:
    from vigil.accounts.models import User

ACTIONS = ("list", "propose", "review", "decide", "refuse")


def add_subcommands(subparsers: Any) -> None:
    """``vigil reports commendations ACTION …`` (each takes ``--as USERNAME``)."""
    parser = subparsers.add_parser("commendations", help="commendation proposals")
    actions = parser.add_subparsers(dest="action", required=True)

    def add(name: str, help: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = actions.add_parser(name, help=help)
        p.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                       help="the user to act as: their scope, clearance and permissions")  # fmt: skip
        return p

    p = add("list", "list the proposals the user sees")
    p.add_argument("--year", type=int)
    p.add_argument("--state", choices=CommendationState.values, default="")
    p = add("propose", "propose a commendation (with evidence Vigil shows)")
    p.add_argument("--committee", type=int, required=True, metavar="ID")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--form", choices=CommendationForm.values, required=True)
    p.add_argument("--authority", choices=Authority.values, required=True)
    p.add_argument("--kind", choices=CommendationKind.values, default=CommendationKind.YEARLY)
    p.add_argument("--agency", type=int, metavar="ID", help="the agency commended")
    p.add_argument("--recipient-committee", type=int, metavar="ID", help="the committee commended")
    p.add_argument("--person", default="", help="an individual's full name")
    p.add_argument("--position", default="", help="an individual's position")
    p.add_argument("--unit", type=int, metavar="AGENCY_ID", help="an individual's unit")
    p.add_argument("--achievement", default="")
    p.add_argument("--evidence", action="append", default=[], metavar="KIND",
                   help="an evidence kind to cite (repeat): tasks, exercises, alerts, reports")  # fmt: skip
    p = add("review", "mark a proposal as reviewed (the standing office)")
    p.add_argument("id", type=int)
    p.add_argument("--note", default="")
    p = add("decide", "record the decision (a committee leader)")
    p.add_argument("id", type=int)
    p.add_argument("--number", required=True)
    p.add_argument("--on", required=True, metavar="DD/MM/YYYY")
    p = add("refuse", "refuse a proposal, with the reason")
    p.add_argument("id", type=int)
    p.add_argument("--reason", required=True)


def _day(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007 (a date)
    except ValueError:
        raise CommandError(_("Give the date as dd/mm/yyyy: %(text)s") % {"text": text}) from None


def _one(user: User, pk: int) -> Commendation:
    found = queries.commendations_for(user).filter(pk=pk).first()
    if found is None:
        raise CommandError(_("No commendation %(id)s that you may see.") % {"id": pk})
    return found


def _list(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    rows = list(queries.commendations_for(
        user, queries.Filters(year=options["year"], state=options["state"])))  # fmt: skip
    audit.record_view(user, rows, path="cli:reports commendations list")
    for c in rows:
        command.stdout.write(
            f"{c.pk}  {c.year}  {c.get_state_display()}  {c.get_form_display()}  "
            f"{c.recipient_label}  {c.decision_number or '—'}"
        )
    command.stdout.write(_("%(count)s commendation(s).") % {"count": len(rows)})


def _propose(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    committee = Committee.objects.visible_to(user).filter(pk=options["committee"]).first()
    if committee is None:
        raise CommandError(
            _("No committee %(id)s that you may see.") % {"id": options["committee"]}
        )

    def agency(pk: int | None) -> Agency | None:
        if pk is None:
            return None
        found = Agency.objects.filter(pk=pk).first()
        if found is None:
            raise CommandError(_("Choose an agency of this committee."))
        return found

    target = None
    if options["recipient_committee"] is not None:
        target = Committee.objects.filter(pk=options["recipient_committee"]).first()
        if target is None:
            raise CommandError(_("Choose a committee below this one."))
    c = services.propose(
        committee, actor=user, year=options["year"], form=options["form"],
        authority=options["authority"], kind=options["kind"],
        recipient_agency=agency(options["agency"]), recipient_committee=target,
        person_name=options["person"], person_position=options["position"],
        unit=agency(options["unit"]), achievement=options["achievement"],
        evidence_kinds=options["evidence"],
    )  # fmt: skip
    command.stdout.write(_("Commendation %(id)s proposed.") % {"id": c.pk})


def _review(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    services.review(_one(user, options["id"]), actor=user, note=options["note"])
    command.stdout.write(_("The proposal is reviewed."))


def _decide(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    services.decide(_one(user, options["id"]), actor=user, number=options["number"],
                    on=_day(options["on"]))  # fmt: skip
    command.stdout.write(_("The decision is recorded."))


def _refuse(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    services.refuse(_one(user, options["id"]), actor=user, reason=options["reason"])
    command.stdout.write(_("The proposal is refused."))


RUN = {"list": _list, "propose": _propose, "review": _review, "decide": _decide,
       "refuse": _refuse}  # fmt: skip


def run(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    RUN[options["action"]](command, user, options)
