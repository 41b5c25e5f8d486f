"""``vigil flash_report INCIDENT_ID --as USER -o REPORT.docx``: issue a flash report.

Acts as the named user through the same use case as the page and the API: the
incident must be one the user sees, and the user must be the standing office or
a leader of its committee (or one above it). The report is numbered from the
committee's register and written as a Decree 30 .docx; ``--edxml FILE`` writes
the edXML package too (refused for a classified incident: the .docx is still
written, the package is not).

Exit codes: 0 done; 1 refused (unknown user or incident, bad argument, refusal).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.accounts.models import User
from vigil.situation.flash import documents, services
from vigil.situation.incidents.models import Incident, UrgencyMark


class Command(BaseCommand):
    help = (
        "Issue a flash report (báo cáo nhanh) on an incident as a named user (--as USERNAME) "
        "and write it as a Decree 30 .docx (and an edXML package with --edxml)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("incident", type=int, metavar="INCIDENT_ID")
        parser.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                            help="the user to act as: their scope and permissions")  # fmt: skip
        parser.add_argument("--urgency", choices=[m.value for m in services.MARKS],
                            default=UrgencyMark.HOA_TOC.value, help="the urgency mark")  # fmt: skip
        parser.add_argument("--signing-form", choices=["", "TM.", "KT."], default=None,
                            help="TM. (for the committee) or KT. (for the head)")  # fmt: skip
        parser.add_argument("--signer-title", default=None, help="the signer's title")
        parser.add_argument("--signer-name", default=None, help="the signer's name")
        parser.add_argument("--recipient", action="append", default=None, metavar="NAME",
                            help="an addressee (repeat); default: the committee above and "
                                 "the provincial People's Committee")  # fmt: skip
        parser.add_argument("-o", "--output", required=True, metavar="FILE.docx")
        parser.add_argument("--edxml", default=None, metavar="FILE.edxml")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(
                _("No active user is named %(name)s.") % {"name": options["username"]}
            )
        output = _file(options["output"], ".docx")
        package = _file(options["edxml"], ".edxml") if options["edxml"] else None
        incident = (
            Incident.objects.visible_to(user)
            .select_related("owning_committee__parent")
            .filter(pk=options["incident"])
            .first()
        )
        if incident is None:
            raise CommandError(_("No such incident: %(id)s.") % {"id": options["incident"]})
        form, title, name = services.default_signer(incident.owning_committee)
        if options["signer_title"] is not None:
            form, title, name = "", options["signer_title"], options["signer_name"] or ""
        elif options["signer_name"] is not None:
            name = options["signer_name"]
        if options["signing_form"] is not None:
            form = options["signing_form"]
        try:
            report = services.issue_flash_report(
                incident, actor=user, urgency_mark=options["urgency"], signer_title=title,
                signer_name=name, recipients=options["recipient"], signing_form=form,
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(_message(exc)) from exc
        output.write_bytes(documents.docx_bytes(report))
        self.stdout.write(
            _("Flash report %(symbol)s issued, written to %(path)s.")
            % {"symbol": report.symbol, "path": output}
        )
        if package is not None:
            try:
                data = services.export_edxml(report, actor=user)
            except documents.ClassifiedExportRefused as exc:
                raise CommandError(str(exc)) from exc
            package.write_bytes(data)
            self.stdout.write(_("edXML package written to %(path)s.") % {"path": package})


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _file(name: str, suffix: str) -> Path:
    path = Path(name)
    if path.suffix.lower() != suffix:
        raise CommandError(_("Give a file name ending in %(suffixes)s.") % {"suffixes": suffix})
    if not path.parent.is_dir():
        raise CommandError(_("No such folder: %(path)s.") % {"path": path.parent})
    return path
