"""The audit chain: one event per write, and tampering caught at the exact event.

The demo province is seeded through the services before every test, so the
chain already holds the demo's events. Tamper tests take the attacker's first
step (the no_triggers fixture drops the append-only triggers); the test's
transaction undoes all of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client

from vigil.accounts.models import AccountAction, User
from vigil.accounts.services import create_token
from vigil.core import audit
from vigil.core.audit import CANONICAL_FIELDS, GENESIS, SystemActor, canonical_text, compute_hash
from vigil.core.classification import Classification
from vigil.core.models import AuditEvent, AuditHead
from vigil.org.demo import CASE_LABELS
from vigil.org.models import Agency, ContactPoint, OrgAction
from vigil.org.services import create_contact_point, update_contact_point
from vigil.org.services.contacts import create_contact_point_within

pytestmark = pytest.mark.django_db

KEY = "test-audit-key"  # the suite's VIGIL_AUDIT_KEY
ATTACKER_KEY = "a-key-the-attacker-made-up"
WHEN = dt.datetime(2026, 3, 2, 1, 30, 15, 123456, tzinfo=dt.UTC)


def head() -> tuple[int, str]:
    row = AuditHead.objects.get()
    return row.seq, row.hash


def events_after(seq: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq"))


def columns_of(event: AuditEvent, **changes: Any) -> dict[str, Any]:
    return {name: getattr(event, name) for name in CANONICAL_FIELDS} | changes


def a_contact(number: int = 7) -> ContactPoint:
    """Case 7: a confidential contact point of the provincial police."""
    return ContactPoint.objects.get(label=CASE_LABELS[number])


def rechain(start: int, *, key: str, change: Callable[[AuditEvent], None] = lambda e: None) -> None:
    """Rewrite events from ``start`` on, and the head, into a chain that holds under ``key``.

    What someone with write access to the database does to hide an edit; needs
    the triggers dropped.
    """
    prev_hash = AuditEvent.objects.get(seq=start - 1).hash if start > 1 else GENESIS
    for event in AuditEvent.objects.filter(seq__gte=start).order_by("seq"):
        change(event)
        event.prev_hash = prev_hash
        event.canonical = canonical_text(columns_of(event))
        event.hash = prev_hash = compute_hash(event.canonical, key)
        event.save()
    AuditHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)


def cut_tail(count: int, *, move_head: bool) -> int:
    """Delete the last ``count`` events; return the first missing sequence number."""
    last, _ = head()
    first_missing = last - count + 1
    AuditEvent.objects.filter(seq__gte=first_missing).delete()
    if move_head:
        kept = AuditEvent.objects.get(seq=first_missing - 1)
        AuditHead.objects.filter(id=1).update(seq=kept.seq, hash=kept.hash)
    return first_missing


def middle() -> int:
    last, _ = head()
    assert last > 10, "the demo seed should have filled the chain"
    return last // 2


# --- One event per write, with everything an investigator asks.


@dataclass
class Write:
    head_before: tuple[int, str]
    user: User
    contact: ContactPoint
    events: list[AuditEvent]


@pytest.fixture
def created(persona: Callable[[str], User]) -> Write:
    """The standing office adds a confidential contact point to the provincial police."""
    user, head_before = persona("thuongtruc"), head()
    with time_machine.travel(WHEN, tick=False):
        contact = create_contact_point(
            police(),
            label="Trực ban an ninh cảng Cái Lân",
            phone="0203 3 770 800",
            classification=Classification.CONFIDENTIAL,
            actor=user,
        )
    return Write(head_before, user, contact, events_after(head_before[0]))


def police() -> Agency:
    return Agency.objects.get(name="Công an tỉnh Quảng Ninh")


def test_a_write_appends_one_event_right_after_the_head(created: Write) -> None:
    [event] = created.events
    seq_before, hash_before = created.head_before

    assert event.seq == seq_before + 1
    assert event.prev_hash == hash_before
    assert head() == (event.seq, event.hash)


def test_the_event_names_the_actor_and_the_role_and_agency_they_acted_in(created: Write) -> None:
    [event] = created.events

    assert event.actor_id == created.user.pk
    assert event.actor_label == "thuongtruc (Trần Minh Quân)"
    assert event.role == "standing_office"
    assert event.agency_id == police().pk
    assert event.agency_label == "Công an tỉnh Quảng Ninh"


def test_the_event_says_what_was_done_to_which_object_and_when(created: Write) -> None:
    [event] = created.events

    assert event.at == WHEN
    assert event.action == OrgAction.CONTACT_CREATED
    assert (event.object_type, event.object_id) == ("org.contactpoint", str(created.contact.pk))
    assert event.classification == Classification.CONFIDENTIAL
    assert event.committee_id == created.contact.owning_committee_id is not None
    assert event.before is None
    assert event.after is not None
    assert event.after["label"] == "Trực ban an ninh cảng Cái Lân"
    assert event.after["phone"] == "0203 3 770 800"


def test_a_write_outside_a_request_carries_no_request_id(created: Write) -> None:
    [event] = created.events

    assert event.request_id == ""


def test_the_event_hash_is_the_keyed_hash_of_its_canonical_text(created: Write) -> None:
    [event] = created.events
    assert event.canonical == canonical_text(columns_of(event))
    assert created.head_before[1] in event.canonical  # the previous hash is part of the text
    assert event.hash == compute_hash(event.canonical, KEY)
    assert event.hash != compute_hash(event.canonical, ATTACKER_KEY)


def test_consecutive_writes_get_consecutive_links(created: Write) -> None:
    [first] = created.events

    create_token(created.user, name="second write", actor=created.user)

    [second] = events_after(first.seq)
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash


def test_an_edit_records_the_state_before_and_after(persona: Callable[[str], User]) -> None:
    contact, (seq_before, _) = a_contact(), head()

    update_contact_point(contact, actor=persona("thuongtruc"), phone="0203 3 770 771")

    [event] = events_after(seq_before)
    assert event.action == OrgAction.CONTACT_UPDATED
    assert (event.object_type, event.object_id) == ("org.contactpoint", str(contact.pk))
    assert event.role == "standing_office"
    assert event.before is not None and event.after is not None
    assert event.before["phone"] == contact.phone != "0203 3 770 771"
    assert event.after["phone"] == "0203 3 770 771"
    assert event.before["label"] == event.after["label"] == contact.label


def contact_form(contact: ContactPoint | None = None, **changes: Any) -> dict[str, Any]:
    fields = ["label", "phone", "email", "address", "note", "classification"]
    current = {name: getattr(contact, name) for name in fields} if contact else {}
    return current | changes


def test_an_edit_through_its_page_carries_the_request_id(
    client_for: Callable[[str], Client],
) -> None:
    contact, (seq_before, _) = a_contact(3), head()

    response = client_for("thuongtruc").post(
        f"/contacts/{contact.pk}/edit/",
        contact_form(contact, phone="0203 3 825 114"),
        headers={"X-Request-Id": "req-audit-0001"},
    )

    assert response.status_code == 302
    [event] = events_after(seq_before)
    assert event.action == OrgAction.CONTACT_UPDATED
    assert event.actor_label == "thuongtruc (Trần Minh Quân)"
    assert event.request_id == response["X-Request-Id"] != "req-audit-0001"


def test_a_write_through_a_page_carries_the_request_id(
    client_for: Callable[[str], Client],
) -> None:
    seq_before, _ = head()

    response = client_for("thuongtruc").post(
        f"/agencies/{police().pk}/contacts/new/",
        contact_form(label="Trực ban cảng Cẩm Phả", phone="0203 3 862 111", classification=0),
        headers={"X-Request-Id": "req-audit-0002"},
    )

    assert response.status_code == 302
    [event] = events_after(seq_before)
    assert event.action == OrgAction.CONTACT_CREATED
    assert event.actor_label == "thuongtruc (Trần Minh Quân)"
    assert event.request_id == response["X-Request-Id"] != "req-audit-0002"


def test_a_request_id_chosen_by_the_client_is_replaced(
    client_for: Callable[[str], Client],
) -> None:
    seq_before, _ = head()

    response = client_for("thuongtruc").post(
        f"/agencies/{police().pk}/contacts/new/",
        contact_form(label="Trực ban bến Cái Rồng", phone="0203 3 862 112", classification=0),
        headers={"X-Request-Id": "req-audit-0003"},
    )

    assert response.status_code == 302
    [event] = events_after(seq_before)
    assert event.request_id != "req-audit-0003"
    assert event.request_id == response["X-Request-Id"]


def test_a_request_without_an_id_gets_one_that_the_event_keeps(
    client_for: Callable[[str], Client],
) -> None:
    seq_before, _ = head()

    response = client_for("thuongtruc").post(
        f"/agencies/{police().pk}/contacts/new/",
        contact_form(label="Trực ban cảng Cẩm Phả", phone="0203 3 862 111", classification=0),
    )

    assert response.status_code == 302
    [event] = events_after(seq_before)
    assert event.request_id
    assert event.request_id == response["X-Request-Id"]


def test_work_done_by_vigil_itself_is_recorded_as_the_system_actor(
    persona: Callable[[str], User],
) -> None:
    user, (seq_before, _) = persona("congthuong"), head()

    token, raw = create_token(user, name="nightly export", actor=SystemActor("cli"))

    [event] = events_after(seq_before)
    assert event.action == AccountAction.TOKEN_CREATED
    assert (event.actor_id, event.actor_label) == (None, "system:cli")
    assert (event.role, event.agency_id, event.agency_label) == ("", None, "")
    assert (event.object_type, event.object_id) == ("accounts.apitoken", str(token.pk))
    assert event.after is not None and event.after["user_id"] == user.pk
    assert raw not in event.canonical
    assert token.digest not in event.canonical


# --- A write that fails leaves no trace in the chain.


def refused_writes() -> list[Any]:
    return [
        pytest.param(
            lambda p: create_token(p("congthuong"), name=" ", actor=p("congthuong")),
            ValidationError,
            id="token without a name",
        ),
        pytest.param(
            lambda p: update_contact_point(a_contact(), actor=p("thuongtruc"), agency_id=1),
            ValidationError,
            id="contact field that cannot change",
        ),
        pytest.param(
            lambda p: create_contact_point(police(), label="x", actor=p("congthuong")),
            PermissionDenied,
            id="contact for another agency",
        ),
    ]


@pytest.mark.parametrize(("write", "error"), refused_writes())
def test_a_refused_write_appends_no_event_and_leaves_the_head(
    persona: Callable[[str], User], write: Callable[[Any], object], error: type[Exception]
) -> None:
    head_before, count_before = head(), AuditEvent.objects.count()

    with pytest.raises(error):
        write(persona)

    assert head() == head_before
    assert AuditEvent.objects.count() == count_before


def test_an_event_is_undone_with_the_write_when_its_transaction_fails(
    persona: Callable[[str], User],
) -> None:
    head_before = head()

    with pytest.raises(RuntimeError, match="later step failed"), transaction.atomic():
        create_contact_point_within(police(), label="Rolled back", actor=persona("thuongtruc"))
        assert head()[0] == head_before[0] + 1
        raise RuntimeError("a later step failed")

    assert head() == head_before
    assert events_after(head_before[0]) == []
    assert not ContactPoint.objects.filter(label="Rolled back").exists()


def test_it_refuses_an_action_no_app_registered() -> None:
    head_before = head()

    with pytest.raises(ValueError, match="unregistered"), transaction.atomic():
        audit.record("contact_point.shredded", actor=SystemActor("test"))

    assert head() == head_before


# --- verify: the fresh chain holds.


def test_the_fresh_demo_chain_verifies() -> None:
    result = audit.verify()

    assert result.ok, result.reason
    assert result.broken_seq is None
    assert result.checked == AuditEvent.objects.count() == head()[0]
    assert (result.head_seq, result.head_hash) == head()
    assert result.head == "{}:{}".format(*head())


def test_the_chain_still_verifies_after_more_writes(created: Write) -> None:
    result = audit.verify()

    assert result.ok, result.reason
    assert result.head_seq == created.events[-1].seq


# --- verify: tampering is caught at the exact event.


def edit_a_column(event: AuditEvent) -> None:
    AuditEvent.objects.filter(seq=event.seq).update(actor_label="someone else")


def edit_a_column_and_its_text(event: AuditEvent) -> None:
    after = (event.after or {}) | {"phone": "0999 999 999"}
    text = canonical_text(columns_of(event, after=after))
    assert text != event.canonical
    AuditEvent.objects.filter(seq=event.seq).update(after=after, canonical=text)


def edit_and_rehash_without_the_key(event: AuditEvent) -> None:
    label = event.actor_label + " (edited)"
    text = canonical_text(columns_of(event, actor_label=label))
    AuditEvent.objects.filter(seq=event.seq).update(
        actor_label=label, canonical=text, hash=compute_hash(text, ATTACKER_KEY)
    )


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        pytest.param(edit_a_column, "columns differ", id="a column"),
        pytest.param(edit_a_column_and_its_text, "hash does not match", id="column and text"),
        pytest.param(edit_and_rehash_without_the_key, "hash does not match", id="rehashed"),
    ],
)
def test_it_names_an_edited_event(
    no_triggers: None, tamper: Callable[[AuditEvent], None], reason: str
) -> None:
    assert audit.verify().ok
    seq = middle()

    tamper(AuditEvent.objects.get(seq=seq))

    result = audit.verify()
    assert not result.ok
    assert result.broken_seq == seq
    assert reason in result.reason
    assert result.checked == seq - 1


def test_it_names_a_deleted_event(no_triggers: None) -> None:
    assert audit.verify().ok
    seq = middle()

    AuditEvent.objects.filter(seq=seq).delete()

    result = audit.verify()
    assert (result.ok, result.broken_seq) == (False, seq)
    assert "missing" in result.reason


def test_it_names_the_first_event_of_a_cut_tail(no_triggers: None) -> None:
    assert audit.verify().ok

    first_missing = cut_tail(3, move_head=False)

    result = audit.verify()
    assert (result.ok, result.broken_seq) == (False, first_missing)
    assert "tail cut" in result.reason
    assert result.head_seq == first_missing + 2  # the head still says more than the table holds


def test_it_catches_events_the_head_does_not_know(no_triggers: None) -> None:
    last, _ = head()
    before_last = AuditEvent.objects.get(seq=last - 1)

    AuditHead.objects.filter(id=1).update(seq=before_last.seq, hash=before_last.hash)

    result = audit.verify()
    assert (result.ok, result.broken_seq) == (False, last)
    assert "events beyond the head" in result.reason


def test_it_catches_a_head_with_a_wrong_hash(no_triggers: None) -> None:
    last, _ = head()

    AuditHead.objects.filter(id=1).update(hash="f" * 64)

    result = audit.verify()
    assert (result.ok, result.broken_seq) == (False, last)
    assert "head does not match" in result.reason


def test_it_catches_a_missing_head(no_triggers: None) -> None:
    AuditHead.objects.all().delete()

    result = audit.verify()
    assert (result.ok, result.broken_seq) == (False, 1)
    assert "head is missing" in result.reason


def test_it_catches_a_chain_rebuilt_without_the_key(no_triggers: None) -> None:
    assert audit.verify().ok

    rechain(1, key=ATTACKER_KEY, change=lambda e: setattr(e, "actor_label", "someone else"))

    assert audit.verify(key=ATTACKER_KEY).ok  # the forgery is consistent in itself
    result = audit.verify()
    assert (result.ok, result.broken_seq) == (False, 1)
    assert "hash does not match" in result.reason


# --- verify with an anchor: a head recorded earlier, elsewhere.


def test_an_anchor_taken_earlier_still_holds_after_more_writes(created: Write) -> None:
    seq_before, hash_before = created.head_before

    for anchor in [(seq_before, hash_before), head(), (1, AuditEvent.objects.get(seq=1).hash)]:
        result = audit.verify(anchor=anchor)
        assert result.ok, (anchor, result.reason)


def test_an_anchor_catches_a_cut_tail_with_the_head_moved_back(no_triggers: None) -> None:
    anchor = head()

    cut_tail(3, move_head=True)

    assert audit.verify().ok  # without the anchor the shorter chain looks whole
    result = audit.verify(anchor=anchor)
    assert (result.ok, result.broken_seq) == (False, anchor[0])
    assert "anchored event is missing" in result.reason


def test_an_anchor_catches_a_rewritten_tail_even_when_rehashed_with_the_key(
    no_triggers: None,
) -> None:
    anchor = head()

    rechain(anchor[0] - 2, key=KEY, change=lambda e: setattr(e, "request_id", "rewritten"))

    assert audit.verify().ok  # whoever holds the key can rebuild a valid chain...
    result = audit.verify(anchor=anchor)  # ...but not the head recorded elsewhere
    assert (result.ok, result.broken_seq) == (False, anchor[0])
    assert "differs from the recorded anchor" in result.reason


def test_an_anchor_of_a_sequence_the_chain_never_reached_is_caught() -> None:
    last, last_hash = head()

    result = audit.verify(anchor=(last + 5, last_hash))

    assert (result.ok, result.broken_seq) == (False, last + 5)
    assert "anchored event is missing" in result.reason


def test_an_anchor_with_another_hash_is_caught() -> None:
    seq = middle()

    result = audit.verify(anchor=(seq, "0" * 64))

    assert (result.ok, result.broken_seq) == (False, seq)
    assert "differs from the recorded anchor" in result.reason


def test_a_wiped_chain_does_not_verify(no_triggers: None) -> None:
    AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()

    result = audit.verify()
    assert (result.ok, result.broken_seq) == (False, 1)
    assert "head is missing" in result.reason


def test_a_write_refuses_to_restart_a_chain_whose_head_is_gone(
    no_triggers: None, persona: Callable[[str], User]
) -> None:
    AuditHead.objects.all().delete()
    count = AuditEvent.objects.count()
    with pytest.raises(AuditHead.DoesNotExist):
        create_token(persona("xa_a"), name="after the wipe", actor=SystemActor("test"))
    assert AuditEvent.objects.count() == count
