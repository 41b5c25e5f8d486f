"""``vigil work …``: the work app from the command line, acting as a named user.

Every subcommand but ``reports open`` takes ``--as USERNAME`` and sees exactly
what that user sees: the same ``visible_to`` scope, clearance and permission
checks as the pages and the API, through the same services, audited under that
user. Something outside their scope is "not found", word for word the API's
message, whether or not it exists. ``reports open`` is an operator action: the
scheduler's sweep, run by the system actor.

Exit codes: 0 done; 1 refused (unknown user, not found, not permitted, bad
argument); 2 an input file could not be imported (``import-edxml``).

``import-edxml`` is all or nothing: every file is read and checked, each on its
own, and each gets its line in the report; if any is refused, none is
registered, so running the command again once the file is fixed registers each
document exactly once.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from vigil.accounts.cli import active_user
from vigil.core import attachments, audit, clock, scheduler
from vigil.core.classification import STAMPS, Classification
from vigil.core.xlsx import workbook_bytes
from vigil.org.models import Committee
from vigil.org.scope import check_clearance, get_visible_or_404
from vigil.work import scorecard as scorecards
from vigil.work import services as work_services
from vigil.work.documents import exchange
from vigil.work.models import IssuedDocument, Task

OPEN_SWEEP = "work.reports.open_periods"
BAD_INPUT = 2


class BadFiles(Exception):
    """Some packages were refused: roll the batch back."""


class Command(BaseCommand):
    help = (
        "Work from the command line, as a named user (--as USERNAME) with exactly that "
        "user's scope: import-edxml, export, tasks, scorecard, reports open|consolidate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)

        def acting(name: str, help: str) -> CommandParser:
            p: CommandParser = sub.add_parser(name, help=help)
            p.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                           help="the user to act as: their scope, clearance and permissions")  # fmt: skip
            return p

        imp = acting("import-edxml", "register incoming documents from edXML packages")
        imp.add_argument("files", nargs="+", metavar="FILE", help="an edXML package")
        imp.add_argument("--committee", type=int, required=True, metavar="ID",
                         help="the committee that receives them")  # fmt: skip
        imp.add_argument("--classification", type=int, default=0, choices=list(Classification.values),
                         help="0 unclassified, 1 Mật, 2 Tối mật, 3 Tuyệt mật (default 0)")  # fmt: skip

        exp = acting("export", "write an issued document as .docx or edXML")
        exp.add_argument("document", type=int, metavar="DOC_ID", help="the issued document's id")
        exp.add_argument("--format", choices=["docx", "edxml"], required=True)
        exp.add_argument("-o", "--output", required=True, metavar="PATH", help="the file to write")

        tasks = acting("tasks", "list the tasks the user sees, by deadline")
        tasks.add_argument("--overdue", action="store_true", help="only open tasks past deadline")
        tasks.add_argument("--agency", type=int, metavar="ID", help="only tasks of this agency")
        tasks.add_argument("--json", action="store_true", help="JSON, the API's task fields")

        card = acting("scorecard", "the per-agency scorecard of the tasks the user sees")
        card.add_argument("--committee", type=int, metavar="ID", help="only this committee's")
        card.add_argument("-o", "--output", metavar="FILE.xlsx", help="write .xlsx instead")

        reports = sub.add_parser("reports", help="report obligations")
        rsub = reports.add_subparsers(dest="reports_command", required=True)
        opener = rsub.add_parser("open", help="open the due report periods (the worker's sweep)")
        opener.add_argument("--now", action="store_true",
                            help="run the sweep even if the worker ran it recently")  # fmt: skip
        cons = rsub.add_parser("consolidate", help="write a period's consolidation")
        cons.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                          help="the user to act as")  # fmt: skip
        cons.add_argument("period", type=int, metavar="PERIOD_ID", help="the report period's id")
        cons.add_argument("-o", "--output", required=True, metavar="FILE.xlsx|FILE.docx")
        cons.add_argument(
            "--issue",
            action="store_true",
            help="issue it first as a numbered report (once), signed by --signer",
        )
        cons.add_argument(
            "--signer",
            type=int,
            metavar="HOLDER_ID",
            help="the post holder who signs (vigil org posts lists them)",
        )
        cons.add_argument(
            "--form",
            default="",
            choices=["", "TM.", "KT.", "Q.", "TL."],
            help="the signing form: KT. for a deputy signing for the head",
        )
        cons.add_argument("--to", default="", metavar="TEXT",
                          help="Kính gửi: the body the report is sent to")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        if command == "reports" and options["reports_command"] == "open":
            self._open_periods(force=options["now"])
            return
        user = active_user(options["username"])
        try:
            if command == "import-edxml":
                self._import(user, options)
            elif command == "export":
                self._export(user, options)
            elif command == "tasks":
                self._tasks(user, options)
            elif command == "scorecard":
                self._scorecard(user, options)
            else:
                self._consolidate(user, options)
        except Http404 as exc:
            raise CommandError(_("Not found.")) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("You may not do this.")) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    # --- import-edxml

    def _import(self, user: Any, options: dict[str, Any]) -> None:
        committee: Committee = get_visible_or_404(Committee.objects, user, pk=options["committee"])
        if not work_services.can_issue(user, committee):
            raise PermissionDenied(_("Only the committee's standing office may do this."))
        # Said once, before any file is read, rather than once per file.
        check_clearance(user, options["classification"])
        names: list[str] = options["files"]
        refused = 0
        done: list[str] = []  # said only once the batch is committed
        try:
            with transaction.atomic(durable=True):
                for name in names:
                    problem = self._import_one(
                        user, committee, name, options["classification"], done
                    )
                    if problem:
                        refused += 1
                        self.stderr.write(_("%(name)s: not registered: %(problem)s")
                                          % {"name": name, "problem": problem})  # fmt: skip
                if refused:
                    raise BadFiles
        except BadFiles:
            raise CommandError(
                _("%(refused)s of %(total)s file(s) refused: nothing was registered. "
                  "Fix or leave out those files and run the command again.")
                % {"refused": refused, "total": len(names)},
                returncode=BAD_INPUT,
            ) from None  # fmt: skip
        for line in done:
            self.stdout.write(line)
        self.stdout.write(_("%(count)s incoming document(s) registered.") % {"count": len(names)})

    def _import_one(
        self, user: Any, committee: Committee, name: str, level: int, done: list[str]
    ) -> str:
        """Register one package in its own savepoint; the reason it was refused, or ""."""
        path = Path(name)
        if not path.is_file():
            return _("no such file.")
        limit = attachments.max_upload_bytes()
        if path.stat().st_size > limit:
            return _("The file is larger than %(mb)s MB, the most Vigil accepts.") % {
                "mb": limit // (1024 * 1024)
            }
        try:
            with transaction.atomic():
                document = exchange.import_incoming_edxml_within(
                    committee, path.read_bytes(), classification=level, actor=user
                )
        except ValidationError as exc:
            return "; ".join(exc.messages)
        except OSError as exc:
            return _("cannot be read (%(error)s).") % {"error": exc.strerror or exc}
        done.append(
            _("%(name)s: registered as incoming document %(id)s, %(number)s.")
            % {"name": name, "id": document.pk, "number": document.number}
        )
        if document.issuer_unknown:
            done.append(_("The issuer %(name)s is not in the directory: check it.")
                        % {"name": document.issuer_name})  # fmt: skip
        return ""

    # --- export

    def _export(self, user: Any, options: dict[str, Any]) -> None:
        output = _output(options["output"])
        document: IssuedDocument = get_visible_or_404(
            IssuedDocument.objects.select_related(
                "owning_committee__standing_agency", "signing_post__committee", "signer__post"
            ),
            user, pk=options["document"],
        )  # fmt: skip
        if options["format"] == "edxml":
            data = exchange.export_edxml(document, actor=user)
        else:
            from vigil.work.documents.printing import docx_bytes

            audit.record_view(user, [document], about=document, path=_path("export", document.pk))
            data = docx_bytes(document)
        self._write(output, data)

    # --- tasks

    def _tasks(self, user: Any, options: dict[str, Any]) -> None:
        tasks = Task.objects.visible_to(user).order_by("deadline", "pk")
        if options["overdue"]:
            tasks = tasks.overdue()
        if options["agency"] is not None:
            tasks = tasks.filter(assignee_id=options["agency"])
        # One audit event names the classified tasks shown; only those are loaded for it.
        shown = tasks.filter(classification__gt=0).only("classification", "owning_committee")
        audit.record_view(user, list(shown), path=_path("tasks"))
        if options["json"]:
            from vigil.work.tasks.api import TaskSerializer

            data = TaskSerializer(tasks, many=True).data
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        # Plain values, not model instances: a standing office sees every task.
        states = {value: str(label) for value, label in Task.State.choices}
        table = [
            [str(pk), f"{deadline:%d/%m/%Y}", states[state], agency, _mark(level), title]
            for pk, deadline, state, agency, level, title in tasks.values_list(
                "pk", "deadline", "state", "assignee__name", "classification", "title"
            )
        ]
        self._table([_("ID"), _("Deadline"), _("State"), _("Agency"), "", _("Task")], table)
        self.stdout.write(_("%(count)s task(s).") % {"count": len(table)})

    # --- scorecard

    def _scorecard(self, user: Any, options: dict[str, Any]) -> None:
        output = _output(options["output"], ".xlsx") if options["output"] else None
        rows = scorecards.scorecard(user, committee_id=options["committee"])
        scorecards.record_view(
            user, rows, path=_path("scorecard"), committee_id=options["committee"]
        )
        level = scorecards.classification(rows)
        if output is not None:
            sheet = scorecards.sheet(rows, headers=scorecards.headers(), title=_("Scorecard"))
            self._write(output, workbook_bytes([sheet], classification=level))
            return
        if level:
            self.stdout.write(_mark(level))
        self._table(
            scorecards.headers(),
            [[r.agency.name, str(r.assigned), str(r.done), str(r.awaiting), str(r.on_time),
              str(r.overdue),
              "—" if r.median_days_late is None else f"{r.median_days_late:g}"]
             for r in rows],
        )  # fmt: skip

    # --- reports

    def _open_periods(self, *, force: bool) -> None:
        from vigil.core.models import SweepState
        from vigil.work.obligations.models import ReportPeriod

        now = clock.now()
        before = ReportPeriod.objects.count()
        if force:
            scheduler.run_sweep_now(OPEN_SWEEP, now)
        elif not scheduler.run_due_sweeps(now, names=[OPEN_SWEEP]):
            state = SweepState.objects.get(name=OPEN_SWEEP)
            self.stdout.write(
                _("The worker opened the due periods recently; next run at %(when)s. "
                  "Add --now to run it anyway.")
                % {"when": _when(state.next_run_at)}
            )  # fmt: skip
            return
        else:
            error = SweepState.objects.get(name=OPEN_SWEEP).last_error
            if error:
                raise CommandError(error.strip().splitlines()[-1])
        opened = ReportPeriod.objects.count() - before
        self.stdout.write(_("%(count)s report period(s) opened.") % {"count": opened})

    def _consolidate(self, user: Any, options: dict[str, Any]) -> None:
        from vigil.work.obligations import consolidation as cons
        from vigil.work.obligations.models import ReportPeriod

        output = _output(options["output"], ".xlsx", ".docx")
        period: ReportPeriod = get_visible_or_404(
            ReportPeriod.objects.select_related(
                "obligation__owning_committee__admin_unit", "template"
            ),
            user, pk=options["period"],
        )  # fmt: skip
        if options["issue"]:
            self._issue_consolidation(user, period, options)
        audit.record_view(user, [period], about=period, path=_path("consolidate", period.pk))
        c = cons.consolidate(period)
        if output.suffix.lower() == ".docx":
            data = cons.docx_bytes(c, date=clock.today())
        else:
            data = cons.xlsx_bytes(c)
        self._write(output, data)

    def _issue_consolidation(self, user: Any, period: Any, options: dict[str, Any]) -> None:
        from vigil.org.models import Post, PostHolder
        from vigil.work.obligations import submissions

        if options["signer"] is None:
            raise CommandError(_("Say who signs: --signer HOLDER_ID."))
        committee = period.obligation.owning_committee
        signer = get_visible_or_404(PostHolder.objects, user, pk=options["signer"])
        head = Post.objects.filter(committee=committee, kind=Post.Kind.HEAD).first()
        form = options["form"]
        post = head if form in ("KT.", "Q.", "TL.") and head is not None else signer.post
        document = submissions.issue_consolidation(
            period, issue_date=clock.today(), signing_post=post, signer=signer,
            signing_form=form, addressees_other=options["to"], actor=user,
        )  # fmt: skip
        self.stdout.write(_("Issued as %(symbol)s.") % {"symbol": document.symbol})

    # --- output

    def _write(self, output: Path, data: bytes) -> None:
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s (%(error)s).")
                % {"path": output, "error": exc.strerror or exc}
            ) from exc
        self.stdout.write(_("Written: %(path)s (%(size)s bytes).")
                          % {"path": output, "size": len(data)})  # fmt: skip

    def _table(self, headers: list[str], rows: list[list[str]]) -> None:
        widths = [max(len(str(v)) for v in col) for col in zip(headers, *rows, strict=True)]
        for line in [headers, *rows]:
            self.stdout.write(
                "  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=True)).rstrip()
            )


def _output(name: str, *suffixes: str) -> Path:
    """The file to write: its folder must exist, its suffix be one we write."""
    path = Path(name)
    if suffixes and path.suffix.lower() not in suffixes:
        raise CommandError(
            _("Give a file name ending in %(suffixes)s.") % {"suffixes": " or ".join(suffixes)}
        )
    if not path.parent.is_dir():
        raise CommandError(_("No such folder: %(path)s.") % {"path": path.parent})
    return path


def _path(*parts: object) -> str:
    """What the audit records as the 'page' a command showed."""
    return "cli:work " + " ".join(str(p) for p in parts)


def _mark(level: int) -> str:
    return STAMPS[Classification(level)] if level else ""


def _when(moment: dt.datetime) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"
