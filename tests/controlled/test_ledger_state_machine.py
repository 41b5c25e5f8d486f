"""The ledger against a model: a Hypothesis state machine of receipts, issues,
moves, transfers between organisations, corrections (reversals), replays,
blasts and stock counts, run through the services, with an in-memory model of
every account beside it.

After every step: each store's Balance row equals the model, each account's
ledger sum equals the model, every item sums to zero over all accounts, no
store holds less than nothing, and ``reconcile()`` finds every balance equal to
its entries. A refused request (more than held, a second reversal) writes
nothing: the model does not move, and the checks prove the database did not.

Blasts and counts are other engineers' modules, coded against the agreed
signatures; their rules run only once ``vigil.controlled.blasts.services`` /
``vigil.controlled.counts.services`` exist (a precondition), so the machine runs
before they are merged and takes them up after.

Each example runs in a savepoint of the test's transaction, rolled back at its
end: every example starts from the same database (the seeded demo), and the
services' durable transactions still nest in pytest-django's test transaction.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from vigil.controlled.catalogue import services as catalogue
from vigil.controlled.counts.models import Discrepancy
from vigil.controlled.ledger import chain
from vigil.controlled.ledger import services as ledger
from vigil.controlled.models import Account, Balance, ItemClass, LedgerEntry, Store
from vigil.controlled.registry import services as registry
from vigil.controlled.transfers import services as transfers
from vigil.controlled.transfers.models import Transfer
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, Committee, ContactPoint

ACTOR = SystemActor("state machine")
QUANTITY = st.integers(min_value=1, max_value=40)
CAPACITY = 10**9  # the machine is about sums, not about full stores


def _module(name: str, *functions: str) -> Any:
    """The module when it exists and has the agreed functions, else None."""
    if importlib.util.find_spec(name) is None:
        return None
    module = importlib.import_module(name)
    return module if all(hasattr(module, f) for f in functions) else None


BLASTS = _module("vigil.controlled.blasts.services", "open_blast", "close_blast")
COUNTS = _module("vigil.controlled.counts.services", "record_count", "submit_count")
RESOLVE = COUNTS if COUNTS is not None and hasattr(COUNTS, "resolve_discrepancy") else None


@dataclass
class OpenBlast:
    blast: Any
    store: Store
    lines: list[tuple[Any, int, int]]  # (line id, item index, issued)


@dataclass
class Posted:
    entry: LedgerEntry
    reversed: bool = False


@dataclass
class World:
    items: list[Any]
    orgs: list[Agency]
    stores: list[Store]  # M's two stores, then N's one
    outside: dict[tuple[int, str], Account] = field(default_factory=dict)
    commune: Any = None
    contact: Any = None


def build_world() -> World:
    province = AdminUnit.objects.create(code="990", name="Tỉnh Mô Hình", kind="province")
    commune = AdminUnit.objects.create(
        code="99001", name="Xã Mô Hình", kind="commune", parent=province
    )
    committee = Committee.objects.create(
        name="Ban Chỉ đạo tỉnh Mô Hình", short_name="BCĐ", level="province", admin_unit=province
    )
    dit = Agency.objects.create(
        name="Sở Công Thương Mô Hình", kind="department", committee=committee
    )
    police = Agency.objects.create(
        name="Công an xã Mô Hình", kind=Agency.Kind.POLICE, committee=committee,
        admin_unit=commune,
    )  # fmt: skip
    committee.standing_agency = police  # keeps the incident a count's shortage opens
    committee.save(update_fields=["standing_agency"])
    items = [
        catalogue.create_item(code="MH-NT", name="Thuốc nổ mô hình",
                              item_class=ItemClass.EXPLOSIVE, actor=ACTOR),
        catalogue.create_item(code="MH-KN", name="Kíp nổ mô hình",
                              item_class=ItemClass.DETONATOR, actor=ACTOR),
    ]  # fmt: skip
    today = clock.today()
    orgs, stores = [], []
    for n, count in enumerate((2, 1)):
        org = Agency.objects.create(
            name=f"Mỏ mô hình {n}", kind="licensed_organisation", committee=None,
            admin_unit=commune,
        )  # fmt: skip
        org.licensed_by.set([dit])
        orgs.append(org)
        for s in range(count):
            store = registry.create_store(
                org, name=f"Kho mô hình {n}-{s}", admin_unit=commune, kind=Store.Kind.PERMANENT,
                capacities={ItemClass.EXPLOSIVE: CAPACITY, ItemClass.DETONATOR: CAPACITY},
                actor=ACTOR,
            )  # fmt: skip
            stores.append(store)
        registry.create_licence(
            org, number=f"MH{n}/GP", kind="use", issuer=dit, valid_from=today,
            valid_to=today + dt.timedelta(days=30),
            item_classes=[ItemClass.EXPLOSIVE, ItemClass.DETONATOR], actor=ACTOR,
        )  # fmt: skip
    world = World(items=items, orgs=orgs, stores=stores, commune=commune)
    for org in orgs:
        for kind in (
            Account.Kind.SUPPLIER, Account.Kind.CONSUMPTION, Account.Kind.IN_TRANSIT,
            Account.Kind.LOST, Account.Kind.AT_FACE,
        ):  # fmt: skip
            world.outside[(org.pk, kind)] = ledger.external_account(org, kind)
    world.stores = list(Store.objects.filter(pk__in=[s.pk for s in stores]).order_by("pk"))
    world.contact = ContactPoint.objects.create(
        agency=orgs[0], owning_agency=orgs[0], owning_committee=committee,
        label="Chỉ huy nổ mìn mô hình",
    )  # fmt: skip
    return world


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.w = build_world()
        self.model: defaultdict[tuple[int, int], int] = defaultdict(int)  # (account, item)
        self.posted: list[Posted] = []
        self.in_transit: list[tuple[Transfer, int, int]] = []  # (transfer, item, quantity)
        self.blasts: list[OpenBlast] = []
        self.discrepancies: list[Any] = []
        self.serial = 0

    def teardown(self) -> None:
        verified = chain.verify()
        transaction.savepoint_rollback(self.savepoint)
        assert verified.ok, verified.reason

    # --- helpers

    def key(self) -> str:
        self.serial += 1
        return f"mh-{self.serial}"

    def account(self, org: int, kind: str) -> Account:
        return self.w.outside[(self.w.orgs[org].pk, kind)]

    def held(self, store: Store, item: int) -> int:
        return self.model[(store.account.pk, self.w.items[item].pk)]

    def move(self, source: Account, target: Account, item: int, quantity: int) -> None:
        self.model[(source.pk, self.w.items[item].pk)] -= quantity
        self.model[(target.pk, self.w.items[item].pk)] += quantity

    def post(self, source: Account, target: Account, item: int, quantity: int) -> None:
        """A movement the model says is valid: posted, and modelled."""
        entry = ledger.post_movement(
            source.organisation, item=self.w.items[item], quantity=quantity,
            from_account=source, to_account=target, idempotency_key=self.key(), actor=ACTOR,
        )  # fmt: skip
        self.posted.append(Posted(entry))
        self.move(source, target, item, quantity)

    def refused(self, source: Account, target: Account, item: int, quantity: int) -> None:
        """A movement the model says is invalid: refused, nothing written."""
        before = LedgerEntry.objects.count()
        with pytest.raises(ValidationError):
            ledger.post_movement(
                source.organisation, item=self.w.items[item], quantity=quantity,
                from_account=source, to_account=target, idempotency_key=self.key(), actor=ACTOR,
            )  # fmt: skip
        assert LedgerEntry.objects.count() == before

    # --- the ledger's own rules

    @rule(store=st.integers(0, 2), item=st.integers(0, 1), quantity=QUANTITY)
    def receive(self, store: int, item: int, quantity: int) -> None:
        s = self.w.stores[store]
        org = 0 if store < 2 else 1
        self.post(self.account(org, Account.Kind.SUPPLIER), s.account, item, quantity)

    @rule(store=st.integers(0, 2), item=st.integers(0, 1), quantity=QUANTITY)
    def issue(self, store: int, item: int, quantity: int) -> None:
        s = self.w.stores[store]
        used = self.account(0 if store < 2 else 1, Account.Kind.CONSUMPTION)
        if quantity <= self.held(s, item):
            self.post(s.account, used, item, quantity)
        else:
            self.refused(s.account, used, item, quantity)

    @rule(forward=st.booleans(), item=st.integers(0, 1), quantity=QUANTITY)
    def move_between_stores(self, forward: bool, item: int, quantity: int) -> None:
        a, b = self.w.stores[0], self.w.stores[1]
        source, target = (a, b) if forward else (b, a)
        if quantity <= self.held(source, item):
            self.post(source.account, target.account, item, quantity)
        else:
            self.refused(source.account, target.account, item, quantity)

    @precondition(lambda self: self.posted)
    @rule(data=st.data())
    def correct(self, data: st.DataObject) -> None:
        """Reverse a movement: refused if it was reversed already or is itself a
        reversal, or if the store it takes back from no longer holds enough."""
        p = data.draw(st.sampled_from(self.posted))
        e = p.entry
        item = next(i for i, it in enumerate(self.w.items) if it.pk == e.item_id)
        back_from = Account.objects.get(pk=e.to_account_id)
        enough = back_from.store_id is None or self.model[(back_from.pk, e.item_id)] >= e.quantity
        before = LedgerEntry.objects.count()
        if p.reversed or e.reverses_id is not None or not enough:
            with pytest.raises(ValidationError):
                ledger.reverse_movement(e, reason="Ghi nhầm", actor=ACTOR)
            assert LedgerEntry.objects.count() == before
            return
        back = ledger.reverse_movement(e, reason="Ghi nhầm", actor=ACTOR)
        assert back.reverses_id == e.pk and back.quantity == e.quantity
        p.reversed = True
        self.posted.append(Posted(back))
        self.move(back_from, Account.objects.get(pk=e.from_account_id), item, e.quantity)

    @precondition(lambda self: self.posted)
    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        """The same key and body again: the first entry, nothing new."""
        e = data.draw(st.sampled_from(self.posted)).entry
        if e.reverses_id is not None:
            return  # Vigil's own key ("reverse:…"): a client may not post it
        before = LedgerEntry.objects.count()
        again = ledger.post_movement(
            e.owning_agency, item=e.item, quantity=e.quantity, from_account=e.from_account,
            to_account=e.to_account, idempotency_key=e.idempotency_key, actor=ACTOR,
        )  # fmt: skip
        assert again.pk == e.pk and LedgerEntry.objects.count() == before

    # --- transfers to the other organisation

    @rule(store=st.integers(0, 1), item=st.integers(0, 1), quantity=QUANTITY)
    def transfer_send(self, store: int, item: int, quantity: int) -> None:
        s, to = self.w.stores[store], self.w.stores[2]
        if quantity > self.held(s, item):
            before = LedgerEntry.objects.count()
            with pytest.raises(ValidationError):
                transfers.dispatch_transfer(
                    s, to_store=to, item=self.w.items[item], quantity=quantity,
                    idempotency_key=self.key(), actor=ACTOR,
                )  # fmt: skip
            assert LedgerEntry.objects.count() == before
            return
        t = transfers.dispatch_transfer(
            s, to_store=to, item=self.w.items[item], quantity=quantity,
            idempotency_key=self.key(), actor=ACTOR,
        )  # fmt: skip
        self.in_transit.append((t, item, quantity))
        self.move(s.account, self.account(0, Account.Kind.IN_TRANSIT), item, quantity)

    @precondition(lambda self: self.in_transit)
    @rule(data=st.data(), receive=st.booleans())
    def transfer_close(self, data: st.DataObject, receive: bool) -> None:
        """The receiver confirms it, or the sender cancels it (a reversal)."""
        t, item, quantity = data.draw(st.sampled_from(self.in_transit))
        self.in_transit.remove((t, item, quantity))
        if receive:
            transfers.receive_transfer(t, actor=ACTOR)
            self.move(self.account(1, Account.Kind.IN_TRANSIT), self.w.stores[2].account,
                      item, quantity)  # fmt: skip
        else:
            transfers.cancel_transfer(t, reason="Huỷ chuyến", actor=ACTOR)
            self.move(self.account(0, Account.Kind.IN_TRANSIT), t.from_store.account,
                      item, quantity)  # fmt: skip

    # --- blasts (once merged): issue moves store → face; closing, face → used and store

    @precondition(lambda self: BLASTS is not None)
    @rule(store=st.integers(0, 1), quantities=st.lists(QUANTITY, min_size=1, max_size=2))
    def blast_open(self, store: int, quantities: list[int]) -> None:
        assert BLASTS is not None
        s = self.w.stores[store]
        wanted = list(enumerate(quantities))  # (item, quantity), one line per item
        lines = [BLASTS.BlastLineInput(self.w.items[i], q) for i, q in wanted]
        args = {
            "store": s, "number": f"HC-{self.key()}", "site_name": "Moong mô hình",
            "admin_unit": self.w.commune, "fired_at": clock.now() - dt.timedelta(hours=1),
            "person_in_charge": self.w.contact, "lines": lines, "actor": ACTOR,
        }  # fmt: skip
        if any(q > self.held(s, i) for i, q in wanted):
            before = LedgerEntry.objects.count()
            with pytest.raises(ValidationError):
                BLASTS.open_blast(self.w.orgs[0], **args)
            assert LedgerEntry.objects.count() == before
            return
        blast = BLASTS.open_blast(self.w.orgs[0], **args)
        made = {line.item_id: line for line in blast.lines.all()}
        at_face = self.account(0, Account.Kind.AT_FACE)
        open_ = OpenBlast(blast, s, [])
        for i, q in wanted:
            line = made[self.w.items[i].pk]
            assert line.issued == q
            open_.lines.append((line.pk, i, q))
            self.move(s.account, at_face, i, q)
        self.blasts.append(open_)

    @precondition(lambda self: self.blasts)
    @rule(data=st.data())
    def blast_close(self, data: st.DataObject) -> None:
        assert BLASTS is not None
        b = data.draw(st.sampled_from(self.blasts))
        self.blasts.remove(b)
        results = []
        at_face = self.account(0, Account.Kind.AT_FACE)
        used_account = self.account(0, Account.Kind.CONSUMPTION)
        for line_id, item, issued in b.lines:
            used = data.draw(st.integers(0, issued))
            results.append(BLASTS.LineResult(line_id, used, issued - used))
            self.move(at_face, used_account, item, used)
            self.move(at_face, b.store.account, item, issued - used)
        BLASTS.close_blast(b.blast, actor=ACTOR, results=results)

    # --- stock counts (once merged): a shortage moves store → lost, a surplus back

    def countable(self, store: Store) -> bool:
        return not any(b.store.pk == store.pk for b in self.blasts) and not any(
            t.from_store_id == store.pk or t.to_store_id == store.pk for t, _, _ in self.in_transit
        )

    @precondition(lambda self: COUNTS is not None)
    @rule(
        store=st.integers(0, 1), differences=st.lists(st.integers(-15, 15), min_size=2, max_size=2)
    )
    def count(self, store: int, differences: list[int]) -> None:
        assert COUNTS is not None
        s = self.w.stores[store]
        if not self.countable(s):
            return  # a count waits for the store's transfers and blasts to close
        found = [max(0, self.held(s, i) + d) for i, d in enumerate(differences)]
        lines = [COUNTS.CountLineInput(self.w.items[i], q) for i, q in enumerate(found)]
        draft = COUNTS.record_count(
            s, counted_at=clock.now(), counters="Tổ kiểm kê mô hình", lines=lines, actor=ACTOR
        )
        submitted = COUNTS.submit_count(draft, actor=ACTOR)
        lost = self.account(0, Account.Kind.LOST)
        for i, q in enumerate(found):
            difference = q - self.held(s, i)
            if difference < 0:
                self.move(s.account, lost, i, -difference)
            elif difference > 0:
                self.move(lost, s.account, i, difference)
        again = COUNTS.submit_count(submitted, actor=ACTOR)  # writes nothing more
        assert again.pk == submitted.pk
        self.discrepancies += list(Discrepancy.objects.filter(count=submitted).order_by("pk"))

    @precondition(lambda self: RESOLVE is not None and self.discrepancies)
    @rule(data=st.data())
    def resolve(self, data: st.DataObject) -> None:
        """Found: lost → store; recounted: the count's entry reversed; confirmed lost: nothing."""
        assert RESOLVE is not None
        d = data.draw(st.sampled_from(self.discrepancies))
        self.discrepancies.remove(d)
        shortage = d.direction == "shortage"
        outcomes = ["recounted", "confirmed_lost"] + (["found"] if shortage else [])
        outcome = data.draw(st.sampled_from(outcomes))
        item = next(i for i, it in enumerate(self.w.items) if it.pk == d.item_id)
        store = next(s for s in self.w.stores if s.pk == d.store_id)
        lost = self.account(0, Account.Kind.LOST)
        back = outcome != "confirmed_lost"
        if back and not shortage and self.held(store, item) < d.quantity:
            with pytest.raises(ValidationError):  # the surplus already left the store
                RESOLVE.resolve_discrepancy(
                    d, outcome=outcome, quantity=d.quantity, note="Mô hình", actor=ACTOR
                )
            self.discrepancies.append(d)
            return
        RESOLVE.resolve_discrepancy(
            d, outcome=outcome, quantity=d.quantity, note="Mô hình", actor=ACTOR
        )
        if back:
            source, target = (lost, store.account) if shortage else (store.account, lost)
            self.move(source, target, item, d.quantity)

    # --- what must hold after every step

    @invariant()
    def projection_equals_ledger_and_model(self) -> None:
        items = [it.pk for it in self.w.items]
        for s in self.w.stores:
            for i, pk in enumerate(items):
                row = Balance.objects.filter(store=s, item_id=pk, lot="").first()
                assert (row.quantity if row else 0) == self.held(s, i), (s.name, i)
                assert self.held(s, i) >= 0  # no negative store
        accounts = [s.account for s in self.w.stores] + list(self.w.outside.values())
        sums: defaultdict[tuple[int, int], int] = defaultdict(int)
        ours = LedgerEntry.objects.filter(item_id__in=items)
        for side, sign in (("to_account", 1), ("from_account", -1)):
            for row in ours.values(side, "item_id").annotate(q=Sum("quantity")):
                sums[(row[side], row["item_id"])] += sign * row["q"]
        for account in accounts:
            for pk in items:
                assert sums[(account.pk, pk)] == self.model[(account.pk, pk)], (account.kind, pk)
        for pk in items:  # zero sum per item over all accounts
            assert sum(self.model[(a.pk, pk)] for a in accounts) == 0
        _checked, mismatch = chain.reconcile()
        assert mismatch is None, mismatch
        assert not Balance.objects.filter(quantity__lt=0).exists()


MACHINE_SETTINGS = settings(
    max_examples=int(os.environ.get("VIGIL_MACHINE_EXAMPLES", "8")),
    stateful_step_count=20,
    deadline=None,  # a loaded machine is not a slow service
    derandomize=True,  # the same examples every run: no database of failures to keep
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.django_db
def test_the_ledger_follows_its_model_through_every_operation() -> None:
    run_state_machine_as_test(LedgerMachine, settings=MACHINE_SETTINGS)
