"""``vigil sites …``: key sites from the command line, acting as a named user.

Every subcommand takes ``--as USERNAME`` and sees exactly what that user sees:
the list page's rows (``queries.sites_for``: the scope rule, clearance, the
same filters), audited under that user when a classified site or plan is shown.

- ``list`` prints the sites (or ``--json``, the API's site fields);
- ``export -o FILE.xlsx`` writes the list as the page's export does.

Exit codes: 0 done; 1 refused (unknown user, bad argument, no such folder).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.accounts.cli import active_user
from vigil.core import audit
from vigil.sites import exports, queries
from vigil.sites.api import SiteSerializer
from vigil.sites.models import NO_PLAN, Freshness

STATES = [*Freshness.values, NO_PLAN]


class Command(BaseCommand):
    help = (
        "Key sites from the command line, as a named user (--as USERNAME) with exactly "
        "that user's scope: list, export."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, help in (("list", "list the key sites the user sees"),
                           ("export", "write the key sites the user sees as .xlsx")):  # fmt: skip
            p: CommandParser = sub.add_parser(name, help=help)
            p.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                           help="the user to act as: their scope, clearance and permissions")  # fmt: skip
            p.add_argument("--state", choices=STATES, default="",
                           help="only sites whose worst plan is in this state")  # fmt: skip
            p.add_argument("--q", default="", metavar="TEXT", help="search (diacritics optional)")
            p.add_argument("--commune", type=int, metavar="ID", help="only this commune's sites")
            p.add_argument("--category", type=int, metavar="ID", help="only this category")
            if name == "list":
                p.add_argument("--json", action="store_true", help="JSON, the API's site fields")
            else:
                p.add_argument("-o", "--output", required=True, metavar="FILE.xlsx",
                               help="the file to write")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        user = active_user(options["username"])
        filters = queries.SiteFilters(
            q=options["q"], category=options["category"], commune=options["commune"],
            state=options["state"],
        )  # fmt: skip
        if options["subcommand"] == "list":
            self._list(user, filters, as_json=options["json"])
        else:
            self._export(user, filters, _output(options["output"]))

    def _list(self, user: Any, filters: queries.SiteFilters, *, as_json: bool) -> None:
        sites = list(queries.sites_for(user, filters))
        audit.record_view(user, sites, path=_path("list"))
        if as_json:
            data = SiteSerializer(sites, many=True).data
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        rows = [
            [str(s.pk), s.name, s.category.name, s.commune.name if s.commune else "—",
             queries.state_label(s.state_rank), str(s.latest_risk or "—")]
            for s in sites
        ]  # fmt: skip
        headers = [_("ID"), _("Site"), _("Category"), _("Commune"), _("Plan state"), _("Risk")]
        widths = [max(len(v) for v in col) for col in zip(headers, *rows, strict=True)]
        for line in [headers, *rows]:
            self.stdout.write(
                "  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip()
            )
        self.stdout.write(_("%(count)s key site(s).") % {"count": len(rows)})

    def _export(self, user: Any, filters: queries.SiteFilters, path: Path) -> None:
        export = exports.export_sites(user, filters)
        plans = [plan for site in export.sites for plan in site.visible_plans]  # type: ignore[attr-defined]
        audit.record_view(user, [*export.sites, *plans], path=_path("export", path.name))
        path.write_bytes(export.data)
        self.stdout.write(
            _("%(count)s key site(s) written to %(path)s.")
            % {"count": len(export.sites), "path": path}
        )


def _output(name: str) -> Path:
    path = Path(name)
    if path.suffix.lower() != ".xlsx":
        raise CommandError(_("Give a file name ending in %(suffixes)s.") % {"suffixes": ".xlsx"})
    if not path.parent.is_dir():
        raise CommandError(_("No such folder: %(path)s.") % {"path": path.parent})
    return path


def _path(*parts: object) -> str:
    """What the audit records as the 'page' a command showed."""
    return "cli:sites " + " ".join(str(p) for p in parts)
