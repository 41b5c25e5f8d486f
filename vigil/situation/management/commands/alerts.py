"""``vigil alerts …``: alerts from the command line, acting as a named user.

Every subcommand takes ``--as USERNAME`` and sees and does exactly what that user
may (the scope rule, clearance, the services' permission checks):

- ``list`` the alerts the user sees; ``show ID`` one of them;
- ``draft --committee ID --event … --headline … --agency ID …`` a draft;
- ``approve ID``; ``ack ID`` for the user's agency; ``ack-code ID CODE`` (the
  standing office records a code read over the phone); ``board ID``.

``--json`` prints the API's fields. Exit codes: 0 done; 1 refused (unknown user,
not found, not allowed, bad input), with the reason.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils.translation import gettext as _

from vigil.accounts.cli import active_user
from vigil.accounts.models import User
from vigil.core import audit, dates
from vigil.core.classification import Classification
from vigil.core.pages import refusal_text
from vigil.org.models import Agency, Committee
from vigil.org.scope import get_visible_or_404
from vigil.situation.alerts import services
from vigil.situation.alerts.api import DeliverySerializer, board_rows
from vigil.situation.alerts.models import AckMethod, Alert, AlertState, CapStatus
from vigil.situation.terms import Certainty, Severity, Urgency

SUBCOMMANDS = {
    "list": "list the alerts the user sees",
    "show": "show one alert",
    "draft": "draft an alert",
    "approve": "approve a draft and send it",
    "ack": "acknowledge an alert for the user's agency",
    "ack-code": "record a code read over the phone (the standing office)",
    "board": "each recipient's state",
}


class Command(BaseCommand):
    help = (
        "Alerts from the command line, as a named user (--as USERNAME) with exactly that "
        "user's scope: list, show, draft, approve, ack, ack-code, board."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, help in SUBCOMMANDS.items():
            p: CommandParser = sub.add_parser(name, help=help)
            p.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                           help="the user to act as: their scope, clearance and permissions")  # fmt: skip
            if name in {"show", "approve", "ack", "ack-code", "board"}:
                p.add_argument("alert", type=int, metavar="ID")
            if name in {"list", "show", "board"}:
                p.add_argument("--json", action="store_true", help="JSON, the API's fields")
            if name == "list":
                p.add_argument("--state", choices=AlertState.values, default="")
            if name == "ack-code":
                p.add_argument("code", metavar="CODE")
            if name in {"ack", "ack-code"}:
                p.add_argument("--note", default="")
            if name == "ack":
                p.add_argument("--delivery", type=int, metavar="ID",
                               help="which recipient, when the user answers for several")  # fmt: skip
            if name == "draft":
                _draft_arguments(p)

    def handle(self, *args: Any, **options: Any) -> None:
        user = active_user(options["username"])
        command = options["subcommand"]
        try:
            if command == "list":
                self._list(user, options)
            elif command == "draft":
                self._show(user, _draft(user, options), as_json=False)
            else:
                alert = get_visible_or_404(
                    Alert.objects.select_related("owning_committee"), user, pk=options["alert"]
                )
                self._act(user, command, alert, options)
        except Http404:
            raise CommandError(_("No such alert, or not yours to see.")) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("Not allowed.")) from None
        except ValidationError as exc:
            raise CommandError(refusal_text(exc)) from None

    def _act(self, user: User, command: str, alert: Alert, options: dict[str, Any]) -> None:
        if command == "show":
            audit.record_view(user, [alert], path=_path("show", alert.pk))
            self._show(user, alert, as_json=options["json"])
        elif command == "approve":
            self._show(user, services.approve(alert, actor=user), as_json=False)
        elif command == "ack":
            delivery = _delivery(user, alert, options["delivery"])
            services.acknowledge(delivery, actor=user, note=options["note"],
                                 method=AckMethod.BUTTON)  # fmt: skip
            self.stdout.write(_("Acknowledged for %(recipient)s.") % {"recipient": delivery})
        elif command == "ack-code":
            delivery = services.acknowledge_by_code(
                alert, options["code"], actor=user, note=options["note"]
            )
            self.stdout.write(_("Acknowledged for %(recipient)s.") % {"recipient": delivery})
        else:
            audit.record_view(user, [alert], path=_path("board", alert.pk))
            self._board(alert, as_json=options["json"])

    def _list(self, user: User, options: dict[str, Any]) -> None:
        alerts = Alert.objects.visible_to(user).order_by("-drafted_at", "-pk")
        if options["state"]:
            alerts = alerts.filter(state=options["state"])
        rows = list(alerts)
        audit.record_view(user, rows, path=_path("list"))
        if options["json"]:
            data = [_fields(a) for a in rows]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        for a in rows:
            mark = " [DIỄN TẬP]" if a.is_exercise else ""
            self.stdout.write(f"{a.pk:>5}  {a.get_state_display():<10} {a.msg_type:<7}{mark} "
                              f"{a.headline}")  # fmt: skip
        self.stdout.write(_("%(count)s alert(s).") % {"count": len(rows)})

    def _show(self, user: User, alert: Alert, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(_fields(alert), ensure_ascii=False, indent=2, default=str))
            return
        for label, value in _fields(alert).items():
            if value not in ("", None, []):
                self.stdout.write(f"{label}: {value}")
        mine = services.deliveries_to_acknowledge(user, alert)
        if mine:
            self.stdout.write(_("To acknowledge: %(recipients)s")
                              % {"recipients": ", ".join(str(d) for d in mine)})  # fmt: skip

    def _board(self, alert: Alert, *, as_json: bool) -> None:
        rows = DeliverySerializer(board_rows(alert), many=True).data
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
            return
        for row in rows:
            self.stdout.write(f"{row['recipient']}: {row['state']} "
                              f"{row['acknowledged_at'] or ''}".rstrip())  # fmt: skip
        done = sum(1 for row in rows if row["acknowledged_at"])
        self.stdout.write(_("%(done)s of %(count)s acknowledged.")
                          % {"done": done, "count": len(rows)})  # fmt: skip


def _fields(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk, "identifier": alert.identifier, "state": alert.state,
        "cap_status": alert.cap_status, "msg_type": alert.msg_type,
        "references": alert.references_id, "event": alert.event, "urgency": alert.urgency,
        "severity": alert.severity, "certainty": alert.certainty, "headline": alert.headline,
        "description": alert.description, "instruction": alert.instruction,
        "classification": alert.classification, "is_exercise": alert.is_exercise,
        "sent_at": alert.sent_at, "ack_due_at": alert.ack_due_at,
        "approved_by": alert.approved_by_label, "cancelled": services.is_cancelled(alert),
        "recipients": [str(d) for d in alert.deliveries.all()]
        or [str(a) for a in alert.addressed_agencies.all()]
        + [str(c) for c in alert.addressed_committees.all()],
    }  # fmt: skip


def _draft_arguments(p: CommandParser) -> None:
    p.add_argument("--committee", type=int, required=True, metavar="ID")
    p.add_argument("--event", required=True)
    p.add_argument("--event-code", default="")
    p.add_argument("--headline", required=True)
    p.add_argument("--description", default="")
    p.add_argument("--instruction", default="")
    p.add_argument("--area", default="")
    p.add_argument("--urgency", choices=Urgency.values, default=Urgency.IMMEDIATE)
    p.add_argument("--severity", choices=Severity.values, default=Severity.SEVERE)
    p.add_argument("--certainty", choices=Certainty.values, default=Certainty.LIKELY)
    p.add_argument("--classification", type=int, choices=Classification.values, default=0)
    p.add_argument("--exercise", action="store_true", help="CAP status Exercise (DIỄN TẬP)")
    p.add_argument("--expires", metavar="dd/mm/yyyy hh:mm", default="")
    p.add_argument("--agency", type=int, action="append", default=[], metavar="ID",
                   help="a recipient agency (repeat for several)")  # fmt: skip
    p.add_argument("--to-committee", type=int, action="append", default=[], metavar="ID",
                   help="a recipient committee (repeat for several)")  # fmt: skip


def _draft(user: User, options: dict[str, Any]) -> Alert:
    committee = get_visible_or_404(Committee.objects, user, pk=options["committee"])
    expires = None
    if options["expires"]:
        # The forms' own field: dd/mm/yyyy hh:mm, Vietnam's time, a plausible year.
        expires = dates.DateTimeField().clean(options["expires"])
    return services.draft_alert(
        committee, actor=user, event=options["event"], event_code=options["event_code"],
        headline=options["headline"], description=options["description"],
        instruction=options["instruction"], area_desc=options["area"],
        urgency=options["urgency"], severity=options["severity"],
        certainty=options["certainty"], classification=options["classification"],
        cap_status=CapStatus.EXERCISE if options["exercise"] else CapStatus.ACTUAL,
        expires_at=expires,
        addressed_agencies=[get_visible_or_404(Agency.objects, user, pk=pk)
                            for pk in options["agency"]],
        addressed_committees=[get_visible_or_404(Committee.objects, user, pk=pk)
                              for pk in options["to_committee"]],
    )  # fmt: skip


def _delivery(user: User, alert: Alert, pk: int | None) -> Any:
    if pk is not None:
        found = alert.deliveries.filter(pk=pk).first()
        if found is None:
            raise CommandError(_("This alert has no such recipient."))
        return found
    mine = services.deliveries_to_acknowledge(user, alert)
    if len(mine) == 1:
        return mine[0]
    if mine:
        raise CommandError(_("You answer for several recipients: name the delivery."))
    done = [d for d in alert.deliveries.all() if services.may_acknowledge(user, d)]
    if done:
        return done[0]  # the service says who acknowledged it, and when
    raise CommandError(_("Your agency is not a recipient of this alert."))


def _path(*parts: object) -> str:
    """What the audit records as the 'page' a command showed."""
    return "cli:alerts " + " ".join(str(p) for p in parts)
