"""``vigil reports annual|periodic|list|show|issue``: the summary report pages' queries and
services from the command line, as the ``--as`` user.

``annual`` and ``periodic`` draft the committee's report of the period (or compute an
existing draft's figures again, or export the issued one as issued) and write its .docx;
while the sections are computed, a line per section goes to the terminal's error stream
("[3/11] Công tác …"), so the .docx can go to standard output's file and the progress
stays visible. A classified report shown or written is audited as the pages audit it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.core import audit
from vigil.core.dates import shown
from vigil.org.letterhead import default_signature
from vigil.org.models import Committee
from vigil.reports.cli import Subcommand
from vigil.reports.summaries import queries, services
from vigil.reports.summaries.documents import docx_bytes
from vigil.reports.summaries.forms import SIGNING_FORMS
from vigil.reports.summaries.models import ReportKind, ReportState, SummaryReport

if TYPE_CHECKING:
    from vigil.accounts.models import User

PERIODIC = [ReportKind.QUARTERLY.value, ReportKind.MONTHLY.value, ReportKind.SIX_MONTH.value]


def _path(*parts: object) -> str:
    """What the audit records as the 'page' a command showed."""
    return "cli:reports " + " ".join(str(p) for p in parts)


def _day(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007 (a date, no time)
    except ValueError:
        raise CommandError(_("Give the date as dd/mm/yyyy: %(text)s") % {"text": text}) from None


def _report(user: User, pk: int) -> SummaryReport:
    found = queries.reports_for(user).filter(pk=pk).first()
    if found is None:
        raise CommandError(_("No report %(id)s that you may see.") % {"id": pk})
    return found


def _id_argument(parser: CommandParser) -> None:
    parser.add_argument("id", type=int, metavar="ID", help="the report's id")


# --- annual, periodic


def _period_arguments(parser: CommandParser) -> None:
    parser.add_argument("--committee", type=int, required=True, metavar="ID")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("-o", "--output", required=True, metavar="FILE.docx",
                        help="where to write the report's .docx")  # fmt: skip
    parser.add_argument("--classification", type=int, default=0, choices=[0, 1, 2, 3],
                        help="classify a new draft at least this high")  # fmt: skip
    parser.add_argument("--recompute", action="store_true",
                        help="compute an existing draft's figures again before writing it")  # fmt: skip


def _periodic_arguments(parser: CommandParser) -> None:
    _period_arguments(parser)
    parser.add_argument("--kind", required=True, choices=PERIODIC)
    parser.add_argument("--part", type=int, required=True, metavar="N",
                        help="the month (1-12), the quarter (1-4) or the half (1-2)")  # fmt: skip


def _progress(command: BaseCommand) -> services.Progress:
    def step(done: int, total: int, title: str) -> None:
        if title:
            command.stderr.write(f"[{done + 1}/{total}] {title}")
            command.stderr.flush()

    return step


def _write(command: BaseCommand, user: User, report: SummaryReport, output: str) -> None:
    data = docx_bytes(report)
    Path(output).write_bytes(data)
    audit.record_view(user, [report], about=report, path=_path("docx", report.pk))
    command.stdout.write(
        _("%(title)s (%(state)s%(number)s): %(size)s bytes written to %(file)s.")
        % {"title": report.title, "state": report.get_state_display(),
           "number": f" {report.number}" if report.number else "", "size": len(data),
           "file": output}
    )  # fmt: skip


def _draft_or_export(
    command: BaseCommand, user: User, options: dict[str, Any], kind: str, part: int
) -> None:
    committee = Committee.objects.visible_to(user).filter(pk=options["committee"]).first()
    if committee is None:
        raise CommandError(
            _("No committee %(id)s that you may see.") % {"id": options["committee"]}
        )
    existing = (
        queries.reports_for(user)
        .filter(owning_committee=committee, kind=kind, year=options["year"], part=part)
        .first()
    )
    progress = _progress(command)
    if existing is None:
        report = services.draft_report(committee, kind, options["year"], part, actor=user,
                                       progress=progress,
                                       classification=options["classification"])  # fmt: skip
    elif existing.state == ReportState.DRAFT and options["recompute"]:
        report = services.redraft_report(existing, actor=user, progress=progress)
    else:
        report = existing  # a draft as it stands; an issued report as issued
    _write(command, user, SummaryReport.objects.get(pk=report.pk), options["output"])


def _annual(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    _draft_or_export(command, user, options, ReportKind.ANNUAL, 0)


def _periodic(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    _draft_or_export(command, user, options, options["kind"], options["part"])


# --- list, show


def _list_arguments(parser: CommandParser) -> None:
    parser.add_argument("--year", type=int)
    parser.add_argument("--kind", choices=ReportKind.values, default="")
    parser.add_argument("--state", choices=ReportState.values, default="")
    parser.add_argument("--committee", type=int, metavar="ID", help="only this committee's")


def _list(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    rows = list(queries.reports_for(user, queries.ReportFilters(
        year=options["year"], kind=options["kind"], state=options["state"],
        committee=options["committee"])))  # fmt: skip
    audit.record_view(user, rows, path=_path("list"))
    for r in rows:
        command.stdout.write(
            f"{r.pk}  {shown(r.starts_on)}–{shown(r.ends_on)}  {r.get_state_display()}  "
            f"{r.number or '—'}  {r.title}"
        )
    command.stdout.write(_("%(count)s report(s).") % {"count": len(rows)})


def _show(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    r = _report(user, options["id"])
    audit.record_view(user, [r], about=r, path=_path("show", r.pk))
    out = command.stdout
    out.write(f"{r.title} ({r.get_classification_display()})")
    out.write(f"{_('Committee')}: {r.owning_committee.name}")
    out.write(f"{_('Period')}: {shown(r.starts_on)} – {shown(r.ends_on)}")
    out.write(f"{_('State')}: {r.get_state_display()}" + (f" {r.number}" if r.number else ""))
    for n, s in enumerate(queries.sections_of(r), 1):
        out.write(f"\n{n}. {s.section.title}  [{s.section.key}, v{s.section.version}]")
        for f in s.figures:
            out.write(f"  - {f['label']}: {f['value']} {f['unit']}".rstrip())
        for line in s.section.text.splitlines():
            out.write(f"  {line}")


# --- issue


def _issue_arguments(parser: CommandParser) -> None:
    _id_argument(parser)
    parser.add_argument("--on", metavar="DD/MM/YYYY", help="the day it is issued (today)")
    parser.add_argument("--signer-name", default=None, help="default: the committee's signer")
    parser.add_argument("--signer-title", default=None)
    parser.add_argument("--form", choices=[v for v, _label in SIGNING_FORMS], default=None)
    parser.add_argument("--recipient", action="append", default=[], help="repeat for several")
    parser.add_argument("-o", "--output", metavar="FILE.docx", help="also write its .docx")


def _issue(command: BaseCommand, user: User, options: dict[str, Any]) -> None:
    report = _report(user, options["id"])
    signature = default_signature(report.owning_committee)
    form = options["form"] or (signature.form if signature.form in ("TM.", "KT.") else "TM.")
    issued = services.issue_report(
        report, actor=user, issued_on=_day(options["on"]) if options["on"] else None,
        recipients=options["recipient"],
        signer_name=signature.name if options["signer_name"] is None else options["signer_name"],
        signer_title=(signature.title if options["signer_title"] is None
                      else options["signer_title"]),
        signing_form=form,
    )  # fmt: skip
    command.stdout.write(_("Report issued as %(number)s.") % {"number": issued.number})
    if options["output"]:
        _write(command, user, issued, options["output"])


SUBCOMMANDS: dict[str, Subcommand] = {
    "annual": Subcommand("draft (or recompute, or export) a committee's annual summary and "
                         "write its .docx", _period_arguments, _annual),
    "periodic": Subcommand("the same for a monthly, quarterly or six-month report",
                           _periodic_arguments, _periodic),
    "list": Subcommand("list the reports the user sees", _list_arguments, _list),
    "show": Subcommand("show one report, section by section", _id_argument, _show),
    "issue": Subcommand("issue a draft report (a committee leader)", _issue_arguments, _issue),
}  # fmt: skip
