"""Stock counts (kiểm kê): a count, the discrepancies it finds, their entries, the
incident and the alert it raises, each resolution, the refusals and the scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.controlled import _counts
from tests.controlled._counts import QUARRY, SYSTEM, held, item, mine
from vigil.controlled.blasts.models import Blast
from vigil.controlled.counts import services as counts
from vigil.controlled.counts.models import CountLine, Discrepancy, StockCount
from vigil.controlled.counts.services import CountLineInput
from vigil.controlled.models import Account, Balance, ControlledAction, Item, LedgerEntry, Store
from vigil.controlled.transfers import services as transfers
from vigil.core import clock
from vigil.core.models import AuditEvent
from vigil.org.models import Agency, ContactPoint
from vigil.situation.alerts.models import Alert, AlertState
from vigil.situation.incidents.models import Incident, IncidentType, TimelineEntry

pytestmark = pytest.mark.django_db
english = _counts.english
store_a = _counts.store_a


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """Messages in English, so that the refusals can be matched."""


def lost_balance(code: str = "AN-NT13") -> int:
    lost = Account.objects.filter(organisation=mine(), kind=Account.Kind.LOST)
    into = LedgerEntry.objects.filter(to_account__in=lost, item=item(code)).aggregate(
        s=Sum("quantity")
    )
    out = LedgerEntry.objects.filter(from_account__in=lost, item=item(code)).aggregate(
        s=Sum("quantity")
    )
    return (into["s"] or 0) - (out["s"] or 0)


def written() -> tuple[int, ...]:
    """What a refusal must leave untouched."""
    return (
        StockCount.objects.count(), CountLine.objects.count(), Discrepancy.objects.count(),
        LedgerEntry.objects.count(), AuditEvent.objects.count(), Incident.objects.count(),
        Alert.objects.count(), TimelineEntry.objects.count(),
        Balance.objects.aggregate(s=Sum("quantity"))["s"],
        StockCount.objects.filter(status="submitted").count(),
        Discrepancy.objects.filter(status="open").count(),
    )  # fmt: skip


def record(store: Store, actor: Any, *lines: CountLineInput) -> StockCount:
    return counts.record_count(
        store, counted_at=clock.now(),
        counters="Bùi Văn Toàn (thủ kho); Lê Văn Hải (bảo vệ)", witnesses="Nguyễn Văn An",
        lines=list(lines) or [CountLineInput(item(), "98", "kg")], actor=actor,
    )  # fmt: skip


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_a_clean_count_fills_the_book_and_raises_nothing(
    store_a: Store, persona: Callable[[str], Any]
) -> None:
    kho_mo = persona("kho_mo")
    count = record(store_a, kho_mo, CountLineInput(item(), "100", "kg"),
                   CountLineInput(item("DCN-1"), "50", "m", lot="L1"))  # fmt: skip
    assert count.status == StockCount.Status.DRAFT
    assert list(count.lines.values_list("book", flat=True)) == [None, None]
    before = (LedgerEntry.objects.count(), Incident.objects.count(), Alert.objects.count())
    submitted = events(ControlledAction.COUNT_SUBMITTED)
    count = counts.submit_count(count, actor=kho_mo)
    assert count.status == StockCount.Status.SUBMITTED and count.submitted_at is not None
    assert sorted(count.lines.values_list("book", "counted")) == [(5000, 5000), (100_000, 100_000)]
    assert not count.discrepancies.exists() and count.incident is None and count.alert is None
    assert (LedgerEntry.objects.count(), Incident.objects.count(),
            Alert.objects.count()) == before  # fmt: skip
    assert events(ControlledAction.COUNT_SUBMITTED) == submitted + 1


def test_a_shortage_gives_one_entry_one_incident_and_one_alert_even_if_submitted_twice(
    store_a: Store, persona: Callable[[str], Any]
) -> None:
    kho_mo = persona("kho_mo")
    count = record(store_a, kho_mo, CountLineInput(item(), "98", "kg"))
    entries, incidents, alerts = (
        LedgerEntry.objects.count(),
        Incident.objects.count(),
        Alert.objects.count(),
    )
    submitted = events(ControlledAction.COUNT_SUBMITTED)
    counts.submit_count(count, actor=kho_mo)
    again = counts.submit_count(count, actor=kho_mo)
    assert again.status == StockCount.Status.SUBMITTED
    assert LedgerEntry.objects.count() == entries + 1
    assert (Incident.objects.count(), Alert.objects.count()) == (incidents + 1, alerts + 1)
    assert events(ControlledAction.COUNT_SUBMITTED) == submitted + 1
    (d,) = Discrepancy.objects.filter(count=count)
    assert (d.direction, d.quantity, d.status) == ("shortage", 2000, "open")
    assert d.entry.from_account == store_a.account
    assert d.entry.to_account.kind == Account.Kind.LOST
    assert d.entry.idempotency_key.startswith("count:")
    # The books after: 98 kg in the store, 2 kg in the lost account.
    assert held(store_a) == 98_000 and lost_balance() == 2000
    assert count.lines.get().book == 100_000
    count.refresh_from_db()
    incident, alert = count.incident, count.alert
    assert incident is not None and alert is not None
    police_a = Agency.objects.get(name="Công an đặc khu Vân Đồn")
    assert incident.type == IncidentType.EXPLOSIVES_LOSS
    assert incident.commune is not None and incident.commune.code == "06994"
    assert list(incident.involved_agencies.all()) == [police_a]
    assert alert.state == AlertState.ISSUED and alert.raised_by_rule == "stock_count_discrepancy"
    assert list(alert.addressed_agencies.all()) == [police_a]
    assert list(alert.incidents.all()) == [incident]
    assert alert.deliveries.count() == 1


def test_a_surplus_moves_from_the_lost_account_into_the_store(
    store_a: Store, persona: Callable[[str], Any]
) -> None:
    kho_mo = persona("kho_mo")
    count = counts.submit_count(record(store_a, kho_mo, CountLineInput(item(), "101", "kg")),
                                actor=kho_mo)  # fmt: skip
    (d,) = count.discrepancies.all()
    assert (d.direction, d.quantity) == ("surplus", 1000)
    assert d.entry.to_account == store_a.account and d.entry.from_account.kind == "lost"
    assert held(store_a) == 101_000 and lost_balance() == -1000
    assert count.incident is not None and count.alert is not None


def test_a_count_covers_the_items_it_lists_and_every_lot_of_them(
    store_a: Store, persona: Callable[[str], Any]
) -> None:
    kho_mo = persona("kho_mo")
    # Cord counted in lot L2 only: lot L1 (50 m in the books) was found empty; the
    # explosive is not listed, so not counted.
    count = record(store_a, kho_mo, CountLineInput(item("DCN-1"), "0", "m", lot="L2"))
    counts.submit_count(count, actor=kho_mo)
    lines = {(line.lot, line.counted, line.book) for line in count.lines.all()}
    assert lines == {("L2", 0, 0), ("L1", 0, 5000)}
    (d,) = count.discrepancies.all()
    assert (d.item.code, d.lot, d.direction, d.quantity) == ("DCN-1", "L1", "shortage", 5000)
    assert held(store_a) == 100_000  # the explosive untouched


@pytest.mark.parametrize(
    ("outcome", "store_after", "lost_after", "entry"),
    [("found", 100_000, 0, "found"), ("recounted", 100_000, 0, "reversal"),
     ("confirmed_lost", 98_000, 2000, None)],
)  # fmt: skip
def test_each_resolution_posts_its_entry_and_updates_the_incident(
    store_a: Store, persona: Callable[[str], Any], outcome: str, store_after: int,
    lost_after: int, entry: str | None,
) -> None:  # fmt: skip
    kho_mo = persona("kho_mo")
    count = counts.submit_count(record(store_a, kho_mo), actor=kho_mo)
    d = count.discrepancies.get()
    assert count.incident is not None
    updates = TimelineEntry.objects.filter(incident=count.incident).count()
    entries = LedgerEntry.objects.count()
    resolved = events(ControlledAction.DISCREPANCY_RESOLVED)
    d = counts.resolve_discrepancy(d, outcome=outcome, quantity="2", unit="kg",
                                   note="Kiểm tra lại sổ và kho", actor=kho_mo)  # fmt: skip
    assert d.status == outcome and d.resolved_at is not None
    assert held(store_a) == store_after and lost_balance() == lost_after
    assert LedgerEntry.objects.count() == entries + (0 if entry is None else 1)
    if entry is None:
        assert d.resolution_entry is None
    else:
        assert d.resolution_entry is not None
        assert d.resolution_entry.to_account == store_a.account
        assert (d.resolution_entry.reverses_id == d.entry_id) is (entry == "reversal")
    update = TimelineEntry.objects.filter(incident=count.incident).order_by("-pk").first()
    assert TimelineEntry.objects.filter(incident=count.incident).count() == updates + 1
    assert update is not None and "Kiểm tra lại sổ và kho" in update.text
    assert events(ControlledAction.DISCREPANCY_RESOLVED) == resolved + 1


def test_refusals_write_nothing(store_a: Store, persona: Callable[[str], Any]) -> None:
    kho_mo = persona("kho_mo")
    count = counts.submit_count(record(store_a, kho_mo), actor=kho_mo)
    d = count.discrepancies.get()
    before = written()
    with pytest.raises(ValidationError, match="cannot be negative"):
        record(store_a, kho_mo, CountLineInput(item(), "-1", "kg"))
    with pytest.raises(ValidationError, match="does not match"):
        counts.resolve_discrepancy(d, outcome="found", quantity="3", unit="kg", note="x",
                                   actor=kho_mo)  # fmt: skip
    with pytest.raises(ValidationError, match="Choose how"):
        counts.resolve_discrepancy(d, outcome="open", quantity="2", unit="kg", note="x",
                                   actor=kho_mo)  # fmt: skip
    with pytest.raises(PermissionDenied):
        counts.resolve_discrepancy(d, outcome="found", quantity="2", unit="kg", note="x",
                                   actor=persona("thuongtruc"))  # fmt: skip
    with pytest.raises(PermissionDenied):
        record(store_a, persona("thuongtruc"))
    assert written() == before
    counts.resolve_discrepancy(d, outcome="found", quantity="2", unit="kg", note="x",
                               actor=kho_mo)  # fmt: skip
    before = written()
    with pytest.raises(ValidationError, match="already resolved"):
        counts.resolve_discrepancy(d, outcome="found", quantity="2", unit="kg", note="x",
                                   actor=kho_mo)  # fmt: skip
    assert written() == before


def test_found_is_refused_for_a_surplus(store_a: Store, persona: Callable[[str], Any]) -> None:
    kho_mo = persona("kho_mo")
    count = counts.submit_count(record(store_a, kho_mo, CountLineInput(item(), "101", "kg")),
                                actor=kho_mo)  # fmt: skip
    before = written()
    with pytest.raises(ValidationError, match="Only a shortage"):
        counts.resolve_discrepancy(count.discrepancies.get(), outcome="found", quantity="1",
                                   unit="kg", note="x", actor=kho_mo)  # fmt: skip
    assert written() == before


def test_a_store_with_a_transfer_in_transit_cannot_be_counted(
    store_a: Store, persona: Callable[[str], Any]
) -> None:
    kho_mo = persona("kho_mo")
    count = record(store_a, kho_mo)
    transfers.dispatch_transfer(
        store_a, to_store=Store.objects.get(owning_agency__name=QUARRY), item=item(),
        quantity=1, unit="kg", idempotency_key="count-test-t", actor=kho_mo,
    )  # fmt: skip
    before = written()
    with pytest.raises(ValidationError, match="in transit"):
        counts.submit_count(count, actor=kho_mo)
    assert written() == before


def test_a_store_with_an_open_blast_cannot_be_counted(
    store_a: Store, persona: Callable[[str], Any]
) -> None:
    kho_mo = persona("kho_mo")
    count = record(store_a, kho_mo)
    Blast.objects.create(
        owning_committee_id=store_a.owning_committee_id, owning_agency=mine(),
        licensing_agency_id=store_a.licensing_agency_id, number="HC-T1", store=store_a,
        site_name="Vỉa 7", admin_unit=store_a.admin_unit, fired_at=clock.now(),
        person_in_charge=ContactPoint.objects.filter(agency=mine()).earliest("pk"),
        opened_at=clock.now(), opened_by="test",
    )  # fmt: skip
    before = written()
    with pytest.raises(ValidationError, match="still open"):
        counts.submit_count(count, actor=kho_mo)
    assert written() == before


def test_kho_mo_sees_only_their_organisations_counts(
    store_a: Store, persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    ours = record(store_a, persona("kho_mo"))
    quarry_store = Store.objects.get(owning_agency__name=QUARRY)
    theirs = record(quarry_store, SYSTEM, CountLineInput(item("AMONIT-AD1"), "800", "kg"))
    client = client_for("kho_mo")
    listed = client.get(reverse("controlled:count_list")).content.decode()
    assert reverse("controlled:count_detail", args=[ours.pk]) in listed
    assert reverse("controlled:count_detail", args=[theirs.pk]) not in listed
    assert client.get(reverse("controlled:count_detail", args=[ours.pk])).status_code == 200
    assert client.get(reverse("controlled:count_detail", args=[theirs.pk])).status_code == 404
    assert StockCount.objects.visible_to(persona("kho_mo")).filter(pk=theirs.pk).count() == 0


def test_the_incident_and_alert_reach_the_police_of_commune_a_only(
    store_a: Store, persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    kho_mo = persona("kho_mo")
    count = counts.submit_count(record(store_a, kho_mo), actor=kho_mo)
    assert count.incident is not None and count.alert is not None
    incident_url = reverse("situation:incident_detail", args=[count.incident.pk])
    alert_url = reverse("situation:alert_detail", args=[count.alert.pk])
    for username in ("thuongtruc", "xa_a"):
        client = client_for(username)
        assert client.get(incident_url).status_code == 200, username
        assert client.get(alert_url).status_code == 200, username
    xa_b = client_for("xa_b")
    assert xa_b.get(incident_url).status_code == 404
    assert xa_b.get(alert_url).status_code == 404
    assert Incident.objects.visible_to(persona("xa_b")).filter(pk=count.incident.pk).count() == 0


def test_the_pages_record_submit_and_resolve(
    store_a: Store, client_for: Callable[[str], Client]
) -> None:
    client = client_for("kho_mo")
    url = reverse("controlled:count_create", args=[store_a.pk])
    assert client.get(url).status_code == 200
    form = {
        "counted_at": timezone.localtime(clock.now()).strftime(
            "%d/%m/%Y %H:%M"
        ),
        "counters": "Bùi Văn Toàn", "witnesses": "", "note": "",
        "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "50",
        "lines-0-item": str(item().pk), "lines-0-quantity": "97.5", "lines-0-unit": "kg",
        "lines-0-lot": "", "lines-1-item": "", "lines-1-quantity": "", "lines-1-unit": "kg",
        "lines-1-lot": "",
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 302, (
        response.context["form"].errors,
        response.context["formset"].errors,
    )
    count = StockCount.objects.get(store=store_a)
    assert [line.counted for line in count.lines.all()] == [97_500]
    response = client.post(reverse("controlled:count_submit", args=[count.pk]))
    assert response.status_code == 302
    count.refresh_from_db()
    assert count.status == "submitted" and count.incident_id is not None
    d = count.discrepancies.get()
    page = client.get(reverse("controlled:count_detail", args=[count.pk])).content.decode()
    assert "2,5 kg" in page and reverse("controlled:discrepancy_resolve", args=[d.pk]) in page
    response = client.post(
        reverse("controlled:discrepancy_resolve", args=[d.pk]),
        {"outcome": "found", "quantity": "2.5", "unit": "kg", "note": "Tìm thấy ở kho tạm"},
    )  # fmt: skip
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == "found" and held(store_a) == 100_000


def test_a_count_whose_items_moved_after_it_is_refused(
    store_a: Store, persona: Callable[[str], Any]
) -> None:
    """The books are compared as they stand when submitted: a receipt after the count
    would show as a shortage that never was, and raise a false alert to the police."""
    kho_mo = persona("kho_mo")
    count = counts.record_count(
        store_a, counted_at=clock.now() - dt.timedelta(hours=2), counters="Tổ kiểm kê",
        lines=[CountLineInput(item(), "100", "kg")], actor=kho_mo,
    )  # fmt: skip
    from vigil.controlled.ledger import services as ledger

    ledger.post_movement(
        mine(), item=item(), quantity=5, unit="kg", actor=SYSTEM, to_account=store_a.account,
        from_account=ledger.external_account(mine(), Account.Kind.SUPPLIER),
        idempotency_key="after-the-count",
    )  # fmt: skip
    before = written()
    with pytest.raises(ValidationError, match="after the count"):
        counts.submit_count(count, actor=kho_mo)
    assert written() == before


def test_a_shortage_is_recorded_even_when_the_licence_is_suspended(
    store_a: Store, persona: Callable[[str], Any]
) -> None:
    """A count records a fact: a suspended licence must not hide a loss."""
    from vigil.controlled.models import Licence
    from vigil.controlled.registry import services as registry

    for licence in Licence.objects.filter(owning_agency=mine(), status="active"):
        registry.change_licence_status(licence, "suspended", reason="Kiểm tra", actor=SYSTEM)
    kho_mo = persona("kho_mo")
    count = record(store_a, kho_mo, CountLineInput(item(), "97", "kg"))
    counts.submit_count(count, actor=kho_mo)
    count.refresh_from_db()
    assert count.status == "submitted" and count.incident is not None and count.alert is not None
    assert held(store_a) == 97_000 and lost_balance() == 3000


def test_a_serial_numbered_item_is_counted_piece_by_piece(
    store_a: Store, persona: Callable[[str], Any]
) -> None:
    gun = Item.objects.filter(serial_required=True).first()
    assert gun is not None
    before = written()
    for line in (CountLineInput(gun, "3"), CountLineInput(gun, "2", lot="K54-001")):
        with pytest.raises(ValidationError, match="piece by piece"):
            record(store_a, persona("kho_mo"), line)
    assert written() == before


def test_a_quantity_too_large_is_refused_not_a_crash(
    store_a: Store, persona: Callable[[str], Any]
) -> None:
    before = written()
    for quantity in ("99999999999999999", "1e1000000"):
        with pytest.raises(ValidationError):
            record(store_a, persona("kho_mo"), CountLineInput(item(), quantity, "kg"))
    assert written() == before
