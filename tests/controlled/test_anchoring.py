"""The ledger's heads anchored in the audit chain: a single movement writes no
audit event; the sweep anchors each moved organisation's head once; both
verifiers name an anchor the ledger no longer bears out; and movements of two
organisations never wait on each other."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction
from django.utils import translation

from tests.controlled import _writers
from vigil.controlled.ledger import anchors, chain, services
from vigil.controlled.models import (
    Account,
    ControlledAction,
    Item,
    LedgerEntry,
    LedgerHead,
    Store,
)
from vigil.core import audit, clock, scheduler
from vigil.core.audit import SystemActor
from vigil.core.models import AuditEvent
from vigil.org.models import Agency

SYSTEM = SystemActor("test")
MINE = "Công ty Cổ phần Than Demo Cẩm Phả"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def mine() -> Agency:
    return Agency.objects.get(name=MINE)


def receive(key: str, organisation: Agency | None = None, grams: int = 1000) -> LedgerEntry:
    org = organisation or mine()
    store = Store.objects.filter(owning_agency=org).select_related("account").order_by("pk")[0]
    return services.post_movement(
        org, item=_item(), quantity=grams, from_account=services.external_account(
            org, Account.Kind.SUPPLIER), to_account=store.account, idempotency_key=key,
        actor=SYSTEM,
    )  # fmt: skip


def _item() -> Item:
    return Item.objects.get(code="AN-NT13")


@pytest.fixture
def tampering(no_triggers: None) -> Iterator[None]:
    """The triggers lifted; afterwards PostgreSQL's deferred key checks of the
    test's own postings run, so that the triggers can be put back (a table with
    pending trigger events cannot be altered)."""
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _run(command: str, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def _anchor_events(organisation: Agency | None = None) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(action="ledger.anchored").order_by("seq")
    if organisation is not None:
        events = events.filter(object_id=str(organisation.pk))
    return list(events)


@pytest.mark.django_db
def test_a_movement_writes_its_entry_and_no_audit_event() -> None:
    events, entries = AuditEvent.objects.count(), LedgerEntry.objects.count()
    entry = receive("anchor-single")
    assert LedgerEntry.objects.count() == entries + 1
    assert AuditEvent.objects.count() == events
    head = LedgerHead.objects.get(organisation=mine())
    assert (head.seq, head.hash) == (entry.seq, entry.hash)
    assert entry.actor_label == "system:test" and entry.idempotency_key == "anchor-single"


@pytest.mark.django_db
def test_a_reversal_and_a_batch_anchor_their_head_at_once() -> None:
    entry = receive("anchor-to-reverse")
    back = services.reverse_movement(entry, reason="nhầm số lượng", actor=SYSTEM)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "movement.reversed"
    assert event.after is not None
    assert anchors.anchor_of(event.seq, event.after) == anchors.Anchor(
        event.seq, mine().pk, back.seq, back.hash
    )
    org = mine()
    supplier = services.external_account(org, Account.Kind.SUPPLIER)
    store = Store.objects.filter(owning_agency=org).order_by("pk")[0]
    batch = services.post_movements(
        org,
        [
            services.Movement(
                item=_item(),
                quantity=10,
                from_account=supplier,
                to_account=store.account,
                idempotency_key=f"anchor-batch-{n}",
            )
            for n in range(3)
        ],
        actor=SYSTEM,
    )
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "movement.batch_posted"
    assert anchors.anchor_of(event.seq, event.after) == anchors.Anchor(
        event.seq, org.pk, batch[-1].seq, batch[-1].hash
    )


@pytest.mark.django_db
def test_the_sweep_anchors_each_moved_organisation_once() -> None:
    anchors.anchor_ledgers()  # what the demo posted
    assert anchors.anchor_ledgers() == 0  # nothing moved: nothing written
    events = AuditEvent.objects.count()
    _writers.build_world(organisations=2, stores_each=1)
    world = _writers.load_world()
    others = [s.owning_agency for s in world.stores]
    for org in others:
        receive(f"anchor-sweep-{org.pk}", org)
    receive("anchor-sweep-mine")
    receive("anchor-sweep-mine-2")
    before = AuditEvent.objects.count()
    assert before > events  # the world's stores and licences are audited; the movements not
    ran = scheduler.run_due_sweeps(clock.now(), names=["controlled.ledger_anchor"])
    assert ran == ["controlled.ledger_anchor"]
    new = _anchor_events()[-3:]
    assert AuditEvent.objects.count() == before + 3  # one per moved organisation
    heads = {h.organisation_id: h for h in LedgerHead.objects.all()}
    said = {e.after["organisation"]: (e.after["seq"], e.after["hash"]) for e in new}  # type: ignore[index]
    assert set(said) == {mine().pk, *(o.pk for o in others)}
    for org, (seq, hash_) in said.items():
        assert (heads[org].seq, heads[org].hash) == (seq, hash_)
    assert all(e.object_type == "controlled.ledgerhead" and e.object_id == str(e.after["organisation"])  # type: ignore[index]
               for e in new)  # fmt: skip
    assert _run("ledger", "anchor") == (0, "OK: 0 ledger heads anchored in the audit chain\n")
    assert AuditEvent.objects.count() == before + 3
    receive("anchor-sweep-mine-3")
    assert _run("ledger", "anchor")[1].startswith("OK: 1 ledger heads")
    code, output = _run("ledger", "verify")
    assert code == 0 and " anchors in the audit chain borne out" in output, output


@pytest.mark.django_db
def test_an_entry_altered_under_the_triggers_is_named_by_ledger_verify(tampering: None) -> None:
    entry = receive("anchor-altered")
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{LedgerEntry._meta.db_table}" SET quantity = quantity + 7 WHERE id = %s',
            [entry.pk],
        )
    code, output = _run("ledger", "verify")
    assert code == 1
    assert f"BROKEN at entry {entry.pk}: columns differ from the canonical text" in output


def _rewrite(entry: LedgerEntry, reason: str) -> str:
    """What someone holding the key does: rewrite the entry and its hash, move the
    head along; the chain alone is consistent again. The new hash."""
    entry.reason = reason
    values = {name: getattr(entry, name) for name in chain.CANONICAL_FIELDS}
    canonical = chain.canonical_text(values)
    digest = audit.compute_hash(canonical)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{LedgerEntry._meta.db_table}" SET reason = %s, canonical = %s, hash = %s '
            "WHERE id = %s",
            [reason, canonical, digest, entry.pk],
        )
    LedgerHead.objects.filter(organisation_id=entry.owning_agency_id).update(hash=digest)
    return digest


@pytest.mark.django_db
def test_a_chain_rewritten_with_the_key_is_named_by_both_verifiers(tampering: None) -> None:
    entry = receive("anchor-rewritten")
    anchors.anchor_ledgers()
    anchor = _anchor_events(mine())[-1]
    assert anchor.after == anchors.anchor_payload(mine().pk, entry.seq, entry.hash)
    assert chain.verify().ok
    _rewrite(entry, "đã viết lại")
    code, output = _run("ledger", "verify")
    assert code == 1, output
    assert (
        f"BROKEN at entry {entry.pk}: anchor event {anchor.seq} "
        f"(organisation {mine().pk}, entry {entry.seq}) names another hash"
    ) in output
    code, output = _run("audit", "verify")
    assert code == 1, output
    assert f"BROKEN at sequence {anchor.seq}: anchor event {anchor.seq}" in output
    assert f"entry id {entry.pk} has another hash" in output


@pytest.mark.django_db
def test_a_ledger_cut_below_its_anchor_is_named_by_both_verifiers(tampering: None) -> None:
    entry = receive("anchor-cut")
    anchors.anchor_ledgers()
    anchor = _anchor_events(mine())[-1]
    LedgerEntry.objects.filter(pk=entry.pk).delete()
    LedgerHead.objects.filter(organisation=mine()).update(seq=entry.seq - 1, hash=entry.prev_hash)
    code, output = _run("ledger", "verify")
    assert code == 1, output
    assert (
        f"BROKEN at audit event {anchor.seq}: anchor event {anchor.seq} (organisation "
        f"{mine().pk}, entry {entry.seq}): the chain ends at entry {entry.seq - 1} (cut short)"
    ) in output
    code, output = _run("audit", "verify")
    assert code == 1, output
    assert f"BROKEN at sequence {anchor.seq}:" in output
    assert "the ledger has no such entry (cut short)" in output


@pytest.mark.django_db
def test_an_anchor_event_that_disagrees_with_the_ledger_is_named_by_audit_verify() -> None:
    """A well-formed event in an intact audit chain, whose hash is not the ledger's."""
    head = LedgerHead.objects.get(organisation=mine())
    assert _run("audit", "verify")[0] == 0
    with transaction.atomic():
        wrong = audit.record(
            ControlledAction.LEDGER_ANCHORED, actor=SYSTEM, object_type=anchors.HEAD_OBJECT,
            object_id=str(mine().pk), after=anchors.anchor_payload(mine().pk, head.seq, "f" * 64),
        )  # fmt: skip
    entry = LedgerEntry.objects.get(owning_agency=mine(), seq=head.seq)
    code, output = _run("audit", "verify")
    assert code == 1, output
    assert (
        f"BROKEN at sequence {wrong.seq}: anchor event {wrong.seq} (organisation {mine().pk}, "
        f"entry {head.seq}): entry id {entry.pk} has another hash"
    ) in output
    code, output = _run("ledger", "verify")
    assert code == 1 and f"BROKEN at entry {entry.pk}: anchor event {wrong.seq}" in output


# --- two organisations' writers (PostgreSQL: threads with their own connections)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and a second connection: PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("held", ["a movement", "a batch"])
def test_one_organisations_open_posting_does_not_hold_back_another(held: str) -> None:
    """Organisation A's posting has run and not committed (it holds A's head, its
    balance rows and, for a batch, the audit head); B's single movement commits
    meanwhile, and a second movement of A waits for A's head."""
    _writers.build_world(organisations=2, stores_each=1)
    world = _writers.load_world()
    (a_store, b_store) = world.stores
    a, b = a_store.owning_agency, b_store.owning_agency

    def move(org: Agency, store: Store, key: str) -> services.Movement:
        return services.Movement(
            item=world.item, quantity=10, from_account=world.outside[(org.pk, "supplier")],
            to_account=store.account, idempotency_key=key,
        )  # fmt: skip

    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold_a() -> None:
        try:
            with transaction.atomic():
                count = 1 if held == "a movement" else 3
                services.record_movements_within(
                    a, [move(a, a_store, f"held-{n}") for n in range(count)], actor=SYSTEM
                )
                holding.set()
                assert release.wait(timeout=30)
        except BaseException as exc:
            errors.append(exc)
            holding.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold_a)
    thread.start()
    try:
        assert holding.wait(timeout=30) and not errors, errors
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        entry = services.post_movements(b, [move(b, b_store, "b-meanwhile")], actor=SYSTEM)[0]
        assert LedgerEntry.objects.filter(pk=entry.pk).exists()  # committed, A still open
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '100ms'")
        with pytest.raises(OperationalError, match="lock timeout"):
            services.post_movements(a, [move(a, a_store, "a-meanwhile")], actor=SYSTEM)
    finally:
        release.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert errors == []
    assert LedgerHead.objects.get(organisation=a).seq == (1 if held == "a movement" else 3)
    assert chain.verify().ok
