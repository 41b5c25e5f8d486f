"""The history's filters and pager, written for a million entries, still mean what they say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from vigil.controlled.ledger import services
from vigil.controlled.models import Account, Item, LedgerEntry, Store
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.paging import CappedPaginator
from vigil.org.models import Agency

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _receive(key: str) -> LedgerEntry:
    mine = Agency.objects.get(name="Công ty Cổ phần Than Demo Cẩm Phả")
    return services.post_movement(
        mine, item=Item.objects.get(code="AN-NT13"), quantity="1", unit="kg",
        from_account=services.external_account(mine, Account.Kind.SUPPLIER),
        to_account=Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả").account,
        idempotency_key=key, actor=SystemActor("test"),
    )  # fmt: skip


def _keys(client: Client, url: str) -> set[str]:
    page = client.get(url)
    assert page.status_code == 200
    return {row["entry"].idempotency_key for row in page.context["rows"]}


def test_a_date_filter_covers_whole_local_days(client_for: Callable[[str], Client]) -> None:
    day = clock.today() + dt.timedelta(days=2)  # the demo licence is in force then
    at = dt.datetime.combine(day, dt.time(0, 10), tzinfo=HANOI)
    # 00:10 in Vietnam is still the day before in UTC; 23:50 is the same day everywhere.
    with time_machine.travel(at, tick=False):
        early = _receive("t-day-early").idempotency_key
    with time_machine.travel(at.replace(hour=23, minute=50), tick=False):
        late = _receive("t-day-late").idempotency_key
    with time_machine.travel(at + dt.timedelta(days=1, minutes=-10), tick=False):
        nextday = _receive("t-day-next").idempotency_key
    client = client_for("congthuong")
    d, before, after = (
        day.isoformat(),
        (day - dt.timedelta(days=1)).isoformat(),
        (day + dt.timedelta(days=1)).isoformat(),
    )
    shown = _keys(client, f"/controlled/movements/?since={d}&until={d}")
    assert {early, late} <= shown and nextday not in shown
    assert early not in _keys(client, f"/controlled/movements/?until={before}")
    assert nextday in _keys(client, f"/controlled/movements/?since={after}")
    api = client.get(f"/api/v1/movements/?since={d}&until={d}").json()["results"]
    assert {m["idempotency_key"] for m in api} == {early, late}


def test_the_store_filter_keeps_entries_in_and_out_of_the_store(
    client_for: Callable[[str], Client],
) -> None:
    store = Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")
    expected = set(
        LedgerEntry.objects.filter(from_account__store=store).values_list(
            "idempotency_key", flat=True
        )
    ) | set(
        LedgerEntry.objects.filter(to_account__store=store).values_list(
            "idempotency_key", flat=True
        )
    )
    assert len(expected) >= 3
    client = client_for("congthuong")
    assert _keys(client, f"/controlled/movements/?store={store.pk}") == expected
    api = client.get(f"/api/v1/movements/?store={store.pk}").json()["results"]
    assert {m["idempotency_key"] for m in api} == expected


def test_the_pager_stops_counting_at_its_cap_and_says_so(
    client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.accounts.models import User

    # What the DIT sees: the organisations it licenses (the police license the weapons').
    total = LedgerEntry.objects.visible_to(User.objects.get(username="congthuong")).count()
    monkeypatch.setattr(CappedPaginator, "CAP", total - 1)
    page = client_for("congthuong").get("/controlled/movements/")
    assert page.context["page"].paginator.count == total - 1
    assert 'role="status"' in page.content.decode()
    monkeypatch.setattr(CappedPaginator, "CAP", total + 1)
    page = client_for("congthuong").get("/controlled/movements/")
    assert page.context["page"].paginator.count == total
    assert not page.context["page"].paginator.capped
