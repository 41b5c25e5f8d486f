"""``vigil cap …``: alerts as CAP 1.2 files from the command line, acting as a named user.

- ``export ID --as USER [-o FILE]`` writes the alert's CAP message (to standard
  output without ``-o``) if that user may see the alert; audited as a read when
  the alert is classified;
- ``import FILE --as USER --committee ID [--classification N]`` drafts an alert of
  the committee from a CAP 1.2 file, through the same use case as the page and
  the API (the same checks, the same refusals; nothing is sent).

Exit codes: 0 done; 1 refused (unknown user, alert or committee not found for
that user, a file Vigil refuses, no permission).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils.translation import gettext as _

from vigil.accounts.cli import active_user
from vigil.accounts.models import User
from vigil.core import audit
from vigil.org.models import Committee
from vigil.org.scope import get_visible_or_404
from vigil.situation.alerts.models import Alert
from vigil.situation.cap import services, writer
from vigil.situation.cap.reader import MAX_CAP_BYTES


class Command(BaseCommand):
    help = "Alerts as OASIS CAP 1.2 files, as a named user (--as USERNAME): export, import."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export: CommandParser = sub.add_parser("export", help="write an alert as CAP 1.2")
        export.add_argument("id", type=int, help="the alert's id")
        export.add_argument("-o", "--output", metavar="FILE", help="the file (default: stdout)")
        imported: CommandParser = sub.add_parser("import", help="draft an alert from a CAP file")
        imported.add_argument("file", help="the CAP 1.2 file")
        imported.add_argument("--committee", type=int, required=True, metavar="ID",
                              help="the committee whose draft the alert becomes")  # fmt: skip
        imported.add_argument("--classification", type=int, default=0, choices=[0, 1, 2, 3])
        for p in (export, imported):
            p.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                           help="the user to act as: their scope, clearance and permissions")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        user = active_user(options["username"])
        if options["subcommand"] == "export":
            self._export(user, options["id"], options["output"])
        else:
            self._import(user, Path(options["file"]), options["committee"],
                         options["classification"])  # fmt: skip

    def _export(self, user: User, pk: int, output: str | None) -> None:
        try:
            alert: Alert = get_visible_or_404(
                Alert.objects.select_related("owning_committee", "references"), user, pk=pk
            )
        except Http404:
            raise CommandError(_("No alert %(id)s for this user.") % {"id": pk}) from None
        audit.record_view(user, [alert], about=alert, path=f"cli:cap export {pk}")
        data = writer.alert_to_cap(alert, viewer=user)
        if output is None:
            self.stdout.write(data.decode(), ending="")
            return
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(_("No such folder: %(path)s.") % {"path": path.parent})
        path.write_bytes(data)
        self.stdout.write(_("Alert %(id)s written to %(path)s.") % {"id": pk, "path": path})

    def _import(self, user: User, path: Path, committee_id: int, classification: int) -> None:
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s.") % {"path": path})
        try:
            committee: Committee = get_visible_or_404(Committee.objects, user, pk=committee_id)
        except Http404:
            raise CommandError(
                _("No committee %(id)s for this user.") % {"id": committee_id}
            ) from None
        with path.open("rb") as handle:
            data = handle.read(MAX_CAP_BYTES + 1)
        try:
            alert = services.import_cap(data, committee, actor=user, classification=classification)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("You may not do this.")) from None
        self.stdout.write(
            _("Draft alert %(id)s imported from %(path)s; nothing was sent.")
            % {"id": alert.pk, "path": path}
        )
