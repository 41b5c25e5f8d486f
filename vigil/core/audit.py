"""The audit chain.

Every audited write appends one event, last in the writing transaction. The
sequence number is the head's plus one, taken under a lock on the one-row head
updated in the same transaction, so the chain has no gaps and a cut tail shows.
Each event's canonical text (sorted-key JSON of its columns, the previous hash
included) is stored, and its hash is HMAC-SHA256 under ``VIGIL_AUDIT_KEY``,
which lives outside the database.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from django.conf import settings
from django.db import models, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.core.consistent import read_snapshot
from vigil.core.middleware import request_id_var
from vigil.core.models import AuditEvent, AuditHead

if TYPE_CHECKING:
    from vigil.accounts.models import User

GENESIS = "0" * 64
ACTOR_LABEL_MAX = AuditEvent._meta.get_field("actor_label").max_length or 200
AGENCY_LABEL_MAX = AuditEvent._meta.get_field("agency_label").max_length or 300
# Columns that make up the canonical text, in no particular order (keys are sorted).
CANONICAL_FIELDS = (
    "seq", "at", "actor_id", "actor_label", "role", "agency_id", "agency_label",
    "committee_id", "action", "object_type", "object_id", "classification",
    "before", "after", "request_id", "prev_hash",
)  # fmt: skip


@dataclass(frozen=True)
class SystemActor:
    """Work done by Vigil itself: the worker, the command line, the seed."""

    name: str

    @property
    def label(self) -> str:
        return f"system:{self.name}"


# Who acts: a signed-in person or Vigil itself. The alias is a string, read by the type
# checker only: ``vigil.accounts.models`` imports ``vigil.core`` (the clock, the
# classification), so core names ``User`` under ``TYPE_CHECKING`` and never imports it at
# run time (no circle, and core stays below accounts). A ``Protocol`` would not do: the
# services read a user's columns (``clearance``, ``pk``) and pass it to querysets that
# want the model itself. The scope rule (``org.scope.scope_for``) gives a ``SystemActor``
# a scope that covers everything, so a service asks the rule and never which kind acted.
Actor: TypeAlias = "User | SystemActor"


def acting_user(actor: Actor) -> User | None:
    """The person who acted, for the columns that point at one (``None``: Vigil itself)."""
    return None if isinstance(actor, SystemActor) else actor


def acting_user_id(actor: Actor) -> int | None:
    """The acting person's id, for the columns that keep it (``None``: Vigil itself)."""
    user = acting_user(actor)
    return None if user is None else user.pk


@dataclass(frozen=True)
class ActorContext:
    """Who acted, in which role and agency: resolved by the org app."""

    role: str = ""
    agency_id: int | None = None
    agency_label: str = ""


class CoreAction(models.TextChoices):
    OBJECT_VIEWED = "object.viewed", _("Classified object viewed")
    ADMIN_UNITS_IMPORTED = "admin_units.imported", _("Administrative units imported")
    NUMBER_ISSUED = "number.issued", _("Document number issued")
    NUMBER_RECORDED = "number.recorded", _("Document number given on paper recorded")
    NUMBERING_CHANGED = "numbering.changed", _("Numbering setting changed")
    ATTACHMENT_ADDED = "attachment.added", _("File attached")
    ATTACHMENT_DELETED = "attachment.deleted", _("Attachment deleted")


_ACTIONS: dict[str, Any] = {}


def register_actions(choices: type[models.TextChoices]) -> None:
    """Declare an app's audit verbs; ``record`` accepts registered verbs only."""
    for member in choices:
        _ACTIONS[member.value] = member.label


register_actions(CoreAction)


def registered_actions() -> dict[str, str]:
    """Every audited verb and its label (for filters)."""
    return {value: str(label) for value, label in _ACTIONS.items()}


class _ContextResolver(Protocol):
    def __call__(self, user: Any) -> ActorContext: ...


def _resolve_context(actor: Actor) -> ActorContext:
    if isinstance(actor, SystemActor):
        return ActorContext()
    resolver: _ContextResolver = import_string(settings.VIGIL_AUDIT_ACTOR_CONTEXT)
    return resolver(actor)


def jsonable(value: Any) -> Any:
    """Values as JSON that reads back identically on SQLite and PostgreSQL."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, decimal.Decimal | uuid.UUID | float):
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audited state of ``obj``: its concrete columns, shadow columns left out."""
    names = fields or [
        f.attname
        for f in obj._meta.concrete_fields
        if f.editable and not f.name.endswith("_folded")
    ]
    return {name: jsonable(getattr(obj, name)) for name in names}


def canonical_text(values: Mapping[str, Any]) -> str:
    payload = {name: jsonable(values[name]) for name in CANONICAL_FIELDS}
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(canonical: str, key: str | None = None) -> str:
    secret = (key if key is not None else settings.VIGIL_AUDIT_KEY).encode()
    return hmac.new(secret, canonical.encode(), hashlib.sha256).hexdigest()


def record(
    action: str,
    *,
    actor: Actor,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    classification: int | None = None,
    committee_id: int | None = None,
) -> AuditEvent:
    """Append one event. Call it last inside the transaction of the write it records."""
    if action not in _ACTIONS:
        raise ValueError(f"unregistered audit action {action!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the writing transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if classification is None:
            classification = int(getattr(obj, "classification", 0) or 0)
        if committee_id is None:
            committee_id = getattr(obj, "owning_committee_id", None)
    context = _resolve_context(actor)
    # The migration creates the head; a missing head means tampering, and the
    # chain must not quietly start again from 1.
    head = AuditHead.objects.select_for_update().get(id=1)
    values = _event_values(
        head, action, actor, context, object_type=object_type, object_id=object_id,
        before=before, after=after, classification=classification, committee_id=committee_id,
    )  # fmt: skip
    canonical = canonical_text(values)
    event = AuditEvent(**values, canonical=canonical, hash=compute_hash(canonical))
    head.seq, head.hash = event.seq, event.hash
    _append(event, head)
    return event


def _append(event: AuditEvent, head: AuditHead) -> None:
    """Insert the event and move the head. On PostgreSQL in one statement: the
    head's lock is held until the commit, and every round trip counts."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        event.save(force_insert=True)
        head.save(update_fields=["seq", "hash"])
        return
    quote = connection.ops.quote_name
    fields = list(AuditEvent._meta.concrete_fields)  # the key is the sequence number
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Names come from the models; every value is a parameter.
    sql = (
        f"WITH head AS (UPDATE {quote(AuditHead._meta.db_table)} SET seq = %s, hash = %s "  # noqa: S608
        f"WHERE id = %s) INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) "
        f"VALUES ({marks})"
    )
    params = [head.seq, head.hash, head.pk]
    params += [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    event._state.adding, event._state.db = False, connection.alias


def record_many(
    action: str,
    *,
    actor: SystemActor,
    entries: Iterable[tuple[models.Model, Mapping[str, Any] | None]],
    batch_size: int = 2000,
) -> int:
    """Append one event per (object, after) in bulk: the fast path of bulk seeding.

    The chain is exactly what ``record`` would build one call at a time; only a
    system actor may write in bulk. Returns how many events were appended."""
    if action not in _ACTIONS:
        raise ValueError(f"unregistered audit action {action!r}")
    if not isinstance(actor, SystemActor):
        raise TypeError("only the system writes audit events in bulk")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many must run inside the writing transaction")
    context = _resolve_context(actor)
    head = AuditHead.objects.select_for_update().get(id=1)
    events: list[AuditEvent] = []
    for obj, after in entries:
        values = _event_values(
            head, action, actor, context, object_type=obj._meta.label_lower,
            object_id=str(obj.pk), before=None, after=after,
            classification=int(getattr(obj, "classification", 0) or 0),
            committee_id=getattr(obj, "owning_committee_id", None),
        )  # fmt: skip
        canonical = canonical_text(values)
        event = AuditEvent(**values, canonical=canonical, hash=compute_hash(canonical))
        head.seq, head.hash = event.seq, event.hash
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=batch_size)
    head.save(update_fields=["seq", "hash"])
    return len(events)


def _event_values(
    head: AuditHead,
    action: str,
    actor: Actor,
    context: ActorContext,
    *,
    object_type: str,
    object_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    classification: int | None,
    committee_id: int | None,
) -> dict[str, Any]:
    """The columns of the event that follows ``head`` (its canonical text is built from them)."""
    return {
        "seq": head.seq + 1,
        "at": clock.now(),
        "actor_id": acting_user_id(actor),
        "actor_label": (actor.label if isinstance(actor, SystemActor) else _user_label(actor))[
            :ACTOR_LABEL_MAX
        ],
        "role": context.role,
        "agency_id": context.agency_id,
        "agency_label": context.agency_label[:AGENCY_LABEL_MAX],
        "committee_id": committee_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "classification": classification or 0,
        "before": jsonable(before) if before is not None else None,
        "after": jsonable(after) if after is not None else None,
        "request_id": request_id_var.get(),
        "prev_hash": head.hash or GENESIS,
    }


def actor_label(actor: Actor) -> str:
    """How an actor is named in the audit and on rows that keep who did something."""
    label = actor.label if isinstance(actor, SystemActor) else _user_label(actor)
    return label[:ACTOR_LABEL_MAX]


def _user_label(user: Any) -> str:
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{user.get_username()} ({full_name})" if full_name else user.get_username()


@dataclass
class Verification:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    reason: str = ""

    @property
    def head(self) -> str:
        return f"{self.head_seq}:{self.head_hash}"


@dataclass(frozen=True)
class Vouched:
    """An event that vouches for a record kept elsewhere (an app's own hash chain's
    head): what a cross-check registered for its action is given."""

    seq: int
    action: str
    after: Any


# Given the events of its actions (in sequence order), the first that disagrees
# with the record it vouches for and why; ``None`` when every one agrees.
CrossCheck = Callable[[list[Vouched]], tuple[int, str] | None]
_CROSS_CHECKS: dict[str, CrossCheck] = {}


def register_cross_check(actions: Iterable[str], check: CrossCheck) -> None:
    """Have ``verify`` check these actions' events against what they vouch for
    (the ledger registers its anchors: core never imports an app)."""
    for action in actions:
        _CROSS_CHECKS[str(action)] = check


def cross_check(vouched: list[Vouched]) -> tuple[int, str] | None:
    """The first disagreeing event among ``vouched``, by every registered check."""
    by_check: dict[CrossCheck, list[Vouched]] = {}
    for v in vouched:
        by_check.setdefault(_CROSS_CHECKS[v.action], []).append(v)
    found = [f for check, events in by_check.items() if (f := check(events)) is not None]
    return min(found) if found else None


def verify(*, anchor: tuple[int, str] | None = None, key: str | None = None) -> Verification:
    """Check every event's text, hash and link, then the head and the anchor.

    The head and the events are read in one snapshot: read apart, an event
    appended in between looked like an event beyond the head (a false alarm).
    """
    with read_snapshot():
        return _verify(anchor, key)


def _verify(anchor: tuple[int, str] | None, key: str | None) -> Verification:
    head = AuditHead.objects.filter(id=1).first()
    if head is None:
        return Verification(
            ok=False, checked=0, head_seq=0, head_hash="", broken_seq=1,
            reason="the chain head is missing",
        )  # fmt: skip
    result = Verification(ok=True, checked=0, head_seq=head.seq, head_hash=head.hash)

    def broken(seq: int, reason: str) -> Verification:
        result.ok, result.broken_seq, result.reason = False, seq, reason
        return result

    expected_seq, prev_hash, anchor_seen, beyond = 1, GENESIS, False, False
    vouched: list[Vouched] = []
    events = AuditEvent.objects.order_by("seq")
    for event in events.iterator(chunk_size=2000):
        if event.seq > head.seq:
            beyond = True
            break
        if event.seq != expected_seq:
            return broken(expected_seq, "missing event")
        values = {name: getattr(event, name) for name in CANONICAL_FIELDS}
        if canonical_text(values) != event.canonical:
            return broken(event.seq, "columns differ from the canonical text")
        if event.prev_hash != prev_hash:
            return broken(event.seq, "link to the previous event is broken")
        if not hmac.compare_digest(compute_hash(event.canonical, key), event.hash):
            return broken(event.seq, "hash does not match (edited, or rebuilt without the key)")
        if anchor and event.seq == anchor[0]:
            anchor_seen = True
            if event.hash != anchor[1]:
                return broken(event.seq, "differs from the recorded anchor")
        if event.action in _CROSS_CHECKS:
            vouched.append(Vouched(event.seq, event.action, event.after))
        prev_hash, expected_seq = event.hash, expected_seq + 1
        result.checked += 1
    last_seq = expected_seq - 1
    if head.seq > last_seq:
        return broken(last_seq + 1, "events after this point are missing (tail cut)")
    if last_seq and head.hash != prev_hash:
        return broken(last_seq, "head does not match")
    if anchor and not anchor_seen:
        return broken(anchor[0], "the anchored event is missing")
    if beyond:
        return broken(head.seq + 1, "events beyond the head")
    disagreeing = cross_check(vouched) if vouched else None
    if disagreeing is not None:
        return broken(*disagreeing)
    return result


def record_view(
    actor: Any, objects: Iterable[Any], *, about: models.Model | None = None, path: str
) -> None:
    """One event for a page, export or API response that shows classified objects.

    One per response, not one per row; responses without a classified object
    record nothing (so polled fragments and unclassified lists stay quiet).
    """
    classified = [o for o in objects if getattr(o, "classification", 0) > 0]
    if not classified:
        return
    top = max(classified, key=lambda o: o.classification)
    with transaction.atomic():
        record(
            CoreAction.OBJECT_VIEWED,
            actor=actor,
            obj=about,
            object_type="" if about else "page",
            object_id="" if about else path[:64],
            classification=top.classification,
            # The committee whose auditors must find this event: the one owning
            # the most classified object shown.
            committee_id=getattr(top, "owning_committee_id", None),
            after={
                "path": path,
                "shown": sorted(f"{o._meta.label_lower}:{o.pk}" for o in classified),
            },
        )
