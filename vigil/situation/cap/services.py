"""Importing a CAP 1.2 file (a national warning system's, say) as a draft alert.

``import_cap`` never sends anything: it drafts, through the alerts' own
``draft_alert_within`` (so who may draft, the checks and the drafted event are
theirs), and records ``alert.imported`` with where the message came from. The
draft then goes through approval like any other. A file Vigil refuses (see
``reader.read_cap``) writes nothing.

What a CAP file cannot say for Vigil is left for the drafter: whom to address
(the file's addresses are another system's), the classification (the caller
gives it; Thường by default), the key sites. A Public message becomes
Restricted (Vigil's alerts address agencies). An Update or Cancel is drafted
as an alert of its own and says which message it followed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.audit import Actor
from vigil.core.models import AdminUnit
from vigil.org.models import Committee
from vigil.situation.alerts import services as alerts
from vigil.situation.alerts.models import Alert, CapScope
from vigil.situation.alerts.wording import shown_time as shown
from vigil.situation.cap.reader import CapMessage, read_cap
from vigil.situation.cap.schema import CapError
from vigil.situation.models import SituationAction


def _draft_fields(message: CapMessage, classification: int) -> dict[str, Any]:
    fields = dict(message.fields)
    if message.references and message.msg_type != "Alert":
        followed = _("This CAP %(type)s followed the message %(ref)s.") % {
            "type": message.msg_type,
            "ref": message.references,
        }
        fields["description"] = "\n\n".join(p for p in (fields["description"], followed) if p)
    fields["cap_status"] = message.status
    fields["cap_scope"] = (
        CapScope.PRIVATE if message.scope == CapScope.PRIVATE else CapScope.RESTRICTED
    )
    fields["classification"] = classification
    fields["communes"] = list(
        AdminUnit.objects.filter(code__in=message.commune_codes).values_list("pk", flat=True)
    )
    return fields


def import_cap_within(
    data: bytes, committee: Committee, *, actor: Actor, classification: int = 0
) -> Alert:
    """A draft alert of ``committee`` from a CAP 1.2 file; ``ValidationError`` (with the
    reader's message) for a file Vigil refuses, and nothing written."""
    try:
        message = read_cap(data)
    except CapError as exc:
        raise ValidationError(str(exc)) from exc
    expires = message.fields.get("expires_at")
    if expires is not None and expires <= clock.now():
        raise ValidationError(
            _("The CAP alert expired at %(time)s: there is nothing left to draft.")
            % {"time": shown(expires)}
        )
    alert = alerts.draft_alert_within(
        committee, actor=actor, **_draft_fields(message, classification)
    )
    audit.record(
        SituationAction.ALERT_IMPORTED,
        actor=actor,
        obj=alert,
        after={
            "cap_identifier": message.identifier,
            "cap_sender": message.sender,
            "cap_sent": message.sent,
            "cap_msg_type": message.msg_type,
            "identifier": alert.identifier,
        },
    )
    return alert


# The use case; a caller with a transaction of its own calls ``import_cap_within``.
import_cap = transaction.atomic(durable=True)(import_cap_within)
