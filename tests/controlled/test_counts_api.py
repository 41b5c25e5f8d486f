"""Stock counts through the API and the command line: the same services and scope
as the pages."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from tests.controlled import _counts
from tests.controlled._counts import QUARRY, held, item
from vigil.controlled.counts.models import Discrepancy, StockCount
from vigil.controlled.models import LedgerEntry, Store
from vigil.core import clock
from vigil.core.models import AuditEvent
from vigil.situation.alerts.models import Alert
from vigil.situation.incidents.models import Incident, TimelineEntry

pytestmark = pytest.mark.django_db
english = _counts.english
store_a = _counts.store_a


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """Messages in English, so that the refusals can be matched."""


def body(store: Store, quantity: str = "98") -> dict[str, object]:
    return {
        "store": store.pk, "counted_at": clock.now().isoformat(),
        "counters": "Bùi Văn Toàn (thủ kho)", "witnesses": "Nguyễn Văn An",
        "lines": [{"item": item().pk, "quantity": quantity, "unit": "kg"},
                  {"item": item("DCN-1").pk, "quantity": "50", "unit": "m", "lot": "L1"}],
    }  # fmt: skip


def test_a_count_is_recorded_submitted_and_resolved_through_the_api(
    store_a: Store, api_for: Callable[..., Client]
) -> None:
    api = api_for("kho_mo", "write")
    created = api.post("/api/v1/stock-counts/", body(store_a), content_type="application/json")
    assert created.status_code == 201, created.json()
    count = created.json()
    assert count["status"] == "draft" and [line["book"] for line in count["lines"]] == [None, None]
    incidents, alerts = Incident.objects.count(), Alert.objects.count()
    url = f"/api/v1/stock-counts/{count['id']}/submit/"
    first = api.post(url)
    assert first.status_code == 200, first.json()
    again = api.post(url)
    assert again.status_code == 400 and "already submitted" in str(again.json())
    submitted = first.json()
    assert submitted["status"] == "submitted" and submitted["incident"] and submitted["alert"]
    (d,) = submitted["discrepancies"]
    assert (d["direction"], d["quantity"], d["shown"]) == ("shortage", 2000, "2 kg")
    assert (Incident.objects.count(), Alert.objects.count()) == (incidents + 1, alerts + 1)
    assert held(store_a) == 98_000
    listed = api.get("/api/v1/discrepancies/?status=open").json()["results"]
    assert d["id"] in {row["id"] for row in listed}
    resolve = f"/api/v1/discrepancies/{d['id']}/resolve/"
    wrong = api.post(resolve, {"outcome": "found", "quantity": "3", "unit": "kg", "note": "x"},
                     content_type="application/json")  # fmt: skip
    assert wrong.status_code == 400 and "does not match" in str(wrong.json())
    done = api.post(resolve, {"outcome": "found", "quantity": "2", "unit": "kg",
                              "note": "Tìm thấy"}, content_type="application/json")  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == "found"
    assert done.json()["resolution_entry"] is not None and held(store_a) == 100_000
    twice = api.post(resolve, {"outcome": "found", "quantity": "2", "unit": "kg",
                               "note": "Tìm thấy"}, content_type="application/json")  # fmt: skip
    assert twice.status_code == 400 and "already resolved" in str(twice.json())


def test_refusals_through_the_api_write_nothing(
    store_a: Store, api_for: Callable[..., Client]
) -> None:
    api, other_api = api_for("kho_mo", "write"), api_for("thuongtruc", "write")
    before = (StockCount.objects.count(), AuditEvent.objects.count())
    negative = api.post("/api/v1/stock-counts/", body(store_a, "-1"),
                        content_type="application/json")  # fmt: skip
    assert negative.status_code == 400 and "cannot be negative" in str(negative.json())
    other = other_api.post("/api/v1/stock-counts/", body(store_a), content_type="application/json")
    assert other.status_code == 403
    quarry = Store.objects.get(owning_agency__name=QUARRY)
    hidden = api.post("/api/v1/stock-counts/", body(quarry), content_type="application/json")
    assert hidden.status_code == 404
    assert (StockCount.objects.count(), AuditEvent.objects.count()) == before


def test_the_api_shows_kho_mo_only_their_organisations_counts(
    store_a: Store, api_for: Callable[..., Client]
) -> None:
    api = api_for("kho_mo", "write")
    ours = api.post("/api/v1/stock-counts/", body(store_a), content_type="application/json")
    quarry = Store.objects.get(owning_agency__name=QUARRY)
    theirs = _counts_record(quarry)
    listed = {row["id"] for row in api.get("/api/v1/stock-counts/").json()["results"]}
    assert ours.json()["id"] in listed and theirs.pk not in listed
    assert api.get(f"/api/v1/stock-counts/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/stock-counts/{theirs.pk}/submit/").status_code == 404
    congthuong = {
        row["id"] for row in api_for("congthuong").get("/api/v1/stock-counts/").json()["results"]
    }
    assert {ours.json()["id"], theirs.pk} <= congthuong  # the licenser sees both


def _counts_record(store: Store) -> StockCount:
    from vigil.controlled.counts.services import CountLineInput, record_count
    from vigil.core import clock

    return record_count(store, counted_at=clock.now(), counters="Tổ kiểm kê",
                        lines=[CountLineInput(item("AMONIT-AD1"), "800", "kg")],
                        actor=_counts.SYSTEM)  # fmt: skip


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("counts", *args, stdout=out)
    return out.getvalue()


def test_the_command_line_records_submits_and_resolves(store_a: Store) -> None:
    out = _run("record", "--as", "kho_mo", "--store", str(store_a.pk), "--counters",
               "Bùi Văn Toàn", "--line", "AN-NT13:99:kg", "--line", "DCN-1:50:m:L1",
               "--counted-at", timezone.localtime(clock.now()).strftime("%d/%m/%Y %H:%M"))  # fmt: skip
    count = StockCount.objects.get(store=store_a)
    assert f"Count {count.pk} recorded" in out
    entries = LedgerEntry.objects.count()
    out = _run("submit", str(count.pk), "--as", "kho_mo")
    assert "1 discrepancy" in out and "Incident" in out
    assert LedgerEntry.objects.count() == entries + 1
    d = Discrepancy.objects.get(count=count)
    shown = _run("show", str(count.pk), "--as", "kho_mo")
    assert "book 100 kg, counted 99 kg" in shown and f"#{d.pk}" in shown
    assert str(count.pk) in _run("list", "--as", "kho_mo")
    with pytest.raises(CommandError, match="does not match"):
        _run("resolve", str(d.pk), "confirmed_lost", "2", "--unit", "kg", "--note", "x",
             "--as", "kho_mo")  # fmt: skip
    updates = TimelineEntry.objects.count()
    out = _run("resolve", str(d.pk), "confirmed_lost", "1", "--unit", "kg", "--note",
               "Xác nhận mất", "--as", "kho_mo")  # fmt: skip
    assert "Confirmed lost" in out
    assert TimelineEntry.objects.count() == updates + 1
    assert LedgerEntry.objects.count() == entries + 1  # confirmed: nothing moves
    with pytest.raises(CommandError, match="No stock count"):
        _run("show", str(count.pk), "--as", "xa_b")
    assert _run("list", "--as", "xa_b").strip() == "0 count(s)."
