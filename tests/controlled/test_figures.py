"""Period figures: a half-year of movements whose sums are computed by hand below,
and the page, the .xlsx, the API, the command line and the home panel that show them.

The half-year is the first of 2027 (Vietnam time). What the demo seed posted (on the
suite's day, 25/11/2026) is before it: the mine's central store then holds 2,100 kg
of NT-13 and its temporary store 49.5 kg (2,500 received, 400 moved between them,
350.5 used from the temporary store)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from vigil.controlled.catalogue.models import ItemClass
from vigil.controlled.figures.queries import (
    COLUMNS,
    Figures,
    Line,
    half_year_figures,
    period_figures,
    year_figures,
)
from vigil.controlled.ledger.models import Account, Balance
from vigil.controlled.ledger.services import outside_account, post_movement, reverse_movement
from vigil.controlled.models import Item, Store
from vigil.controlled.registry import services as registry
from vigil.controlled.summary import summary_for
from vigil.controlled.transfers import services as transfers
from vigil.core.audit import SystemActor
from vigil.org.models import Agency

SYSTEM = SystemActor("test")
MINE = "Công ty Cổ phần Than Demo Cẩm Phả"
QUARRY = "Công ty TNHH Đá Demo Hoành Bồ"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
KG = 1000  # grams
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(db: None) -> Iterator[None]:
    from vigil.accounts.models import User

    User.objects.update(language="en")
    with translation.override("en"):
        yield


def main() -> Store:
    return Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")


def temporary() -> Store:
    return Store.objects.get(name="Kho tạm công trường vỉa 14")


def quarry_store() -> Store:
    return Store.objects.get(name="Kho VLNCN mỏ đá Hoành Bồ")


def nt13() -> Item:
    return Item.objects.get(code="AN-NT13")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> Any:
    """A moment in Vietnam time, the clock stopped there."""
    moment = dt.datetime(year, month, day, hour, minute, second, tzinfo=VN)
    return time_machine.travel(moment, tick=False)


def post(source: Any, target: Any, kg: int, key: str, org: Agency | None = None) -> Any:
    org = org or main().owning_agency
    return post_movement(
        org, item=nt13(), quantity=kg * KG, from_account=source, to_account=target,
        idempotency_key=key, actor=SYSTEM,
    )  # fmt: skip


@pytest.fixture
def half_year(db: None) -> dict[str, Any]:
    """The movements of the first half of 2027, and one on each side of it."""
    mine = Agency.objects.get(name=MINE)
    quarry = Agency.objects.get(name=QUARRY)
    store, q_store = main().account, quarry_store().account

    def outside(kind: str, org: Agency = mine) -> Account:
        account = outside_account(org, kind)
        if account.pk is None:
            account.save()
        return account

    with at(2026, 12, 1, 9):  # the demo's licence ends on 09/01/2027: the next one
        registry.create_licence(
            mine, number="300/GP-SCT", kind="use", issuer=Agency.objects.get(name="Sở Công Thương"),
            valid_from=dt.date(2026, 12, 1), valid_to=dt.date(2027, 12, 31),
            item_classes=[ItemClass.EXPLOSIVE], actor=SYSTEM,
        )  # fmt: skip
    supplier, used = outside("supplier"), outside("consumption")
    with at(2026, 12, 31, 23, 59, 59):  # one second before the half-year
        post(supplier, store, 100, "f-before")
    with at(2027, 1, 1, 0, 0, 0):  # its first moment
        post(supplier, store, 1000, "f-receipt")
    with at(2027, 1, 15, 10):
        wrong = post(supplier, store, 200, "f-wrong")
    with at(2027, 1, 16, 10):
        reverse_movement(wrong, reason="Nhập nhầm", actor=SYSTEM)
    with at(2027, 2, 1, 10):
        post(store, used, 300, "f-used")
    with at(2027, 2, 10, 10):
        post(store, outside("destruction"), 50, "f-destroyed")
    with at(2027, 3, 1, 10):
        post(store, outside("lost"), 20, "f-lost")
    with at(2027, 3, 5, 10):
        post(outside("lost"), store, 5, "f-found")
    with at(2027, 4, 1, 10):
        sent = transfers.dispatch_transfer(
            main(), to_store=quarry_store(), item=nt13(), quantity=150 * KG,
            idempotency_key="f-t1", actor=SYSTEM,
        )  # fmt: skip
    with at(2027, 4, 3, 10):
        transfers.receive_transfer(sent, actor=SYSTEM)
    with at(2027, 4, 10, 10):
        back = transfers.dispatch_transfer(
            main(), to_store=quarry_store(), item=nt13(), quantity=40 * KG,
            idempotency_key="f-t2", actor=SYSTEM,
        )  # fmt: skip
    with at(2027, 4, 11, 10):
        transfers.cancel_transfer(back, reason="Không vận chuyển", actor=SYSTEM)
    with at(2027, 5, 1, 7):
        post(store, outside("at_face"), 60, "f-face")
    with at(2027, 5, 2, 17):
        post(outside("at_face"), store, 25, "f-returned")
    with at(2027, 5, 15, 10):
        post(q_store, outside("consumption", quarry), 30, "f-q-used", org=quarry)
    with at(2027, 6, 30, 23, 59, 59):  # its last second
        post(store, used, 10, "f-last")
    with at(2027, 7, 1, 0, 0, 0):  # the first moment after it
        post(supplier, store, 500, "f-after")
    return {"mine": mine, "quarry": quarry}


# By hand, in kg of NT-13, the first half of 2027:
#   mine:   opening 2,100 + 49.5 (demo) + 100 (31/12) = 2,249.5
#           received 1,000 (+200 −200 reversed), out 150 (+40 −40 cancelled),
#           used 300 + 10, destroyed 50, lost 20 − 5 found, at the face 60 − 25,
#           closing 2,249.5 + 1,000 − 150 − 310 − 50 − 15 − 35 = 2,689.5
#   quarry: opening 0, in 150, used 30, closing 120
MINE_LINE = {
    "opening": 2_249_500, "received": 1_000_000, "transferred_in": 0,
    "transferred_out": 150_000, "used": 310_000, "destroyed": 50_000, "lost": 15_000,
    "at_face": 35_000, "closing": 2_689_500,
}  # fmt: skip
QUARRY_LINE = {
    "opening": 0, "received": 0, "transferred_in": 150_000, "transferred_out": 0,
    "used": 30_000, "destroyed": 0, "lost": 0, "at_face": 0, "closing": 120_000,
}  # fmt: skip
PROVINCE_LINE = {
    "opening": 2_249_500, "received": 1_000_000, "transferred_in": 150_000,
    "transferred_out": 150_000, "used": 340_000, "destroyed": 50_000, "lost": 15_000,
    "at_face": 35_000, "closing": 2_809_500,
}  # fmt: skip


def figures_of(line: Line | None) -> dict[str, int]:
    assert line is not None
    return {c: getattr(line, c) for c in COLUMNS}


def line_of(lines: list[Line], group_id: int | None, item: Item) -> Line | None:
    return next((x for x in lines if x.group_id == group_id and x.item_id == item.pk), None)


def h1(viewer: Any = SYSTEM, **kw: Any) -> Figures:
    return half_year_figures(viewer, 2027, 1, **kw)


def test_the_half_year_equals_the_sums_computed_by_hand(half_year: dict[str, Any]) -> None:
    figures = h1()
    by_org = figures.by_organisation
    assert figures_of(line_of(by_org, half_year["mine"].pk, nt13())) == MINE_LINE
    assert figures_of(line_of(by_org, half_year["quarry"].pk, nt13())) == QUARRY_LINE
    assert figures_of(figures.total(nt13())) == PROVINCE_LINE


def test_the_identity_holds_for_every_line_and_grouping(half_year: dict[str, Any]) -> None:
    figures = h1()
    for group in ("item", "organisation", "commune", "store"):
        lines = figures.lines(group)
        assert lines
        assert all(line.balanced for line in lines), group
    # The stores inside one organisation: the central store sent 400 kg before the
    # period, so its own opening is 2,200 kg, the temporary store's 49.5 kg.
    stores = figures.lines("store")
    assert line_of(stores, main().pk, nt13()).opening == 2_200_000  # type: ignore[union-attr]
    assert line_of(stores, temporary().pk, nt13()).closing == 49_500  # type: ignore[union-attr]


def test_the_communes_are_the_stores_admin_units(half_year: dict[str, Any]) -> None:
    figures = h1()
    mine_unit, quarry_unit = main().admin_unit_id, quarry_store().admin_unit_id
    assert mine_unit != quarry_unit
    assert figures_of(line_of(figures.by_commune, mine_unit, nt13())) == MINE_LINE
    assert figures_of(line_of(figures.by_commune, quarry_unit, nt13())) == QUARRY_LINE
    only = h1(admin_unit=quarry_unit)
    assert figures_of(only.total(nt13())) == QUARRY_LINE
    assert figures_of(h1(organisation=half_year["mine"]).total(nt13())) == MINE_LINE


def test_the_boundaries_are_local_midnight(half_year: dict[str, Any]) -> None:
    """The entry at 23:59:59 on 31/12 is opening stock; the one at 00:00 on 01/01 is
    received; 23:59:59 on 30/06 is used within; 00:00 on 01/07 is the next half's."""
    second = h1().total(nt13())
    assert second is not None
    whole_year = year_figures(SYSTEM, 2027).total(nt13())
    assert whole_year is not None
    assert whole_year.received == 1_500_000  # with the 500 kg of 01/07
    assert whole_year.opening == 2_249_500
    july = half_year_figures(SYSTEM, 2027, 2).total(nt13())
    assert july is not None and july.opening == second.closing
    assert july.received == 500_000 and july.used == 0
    one_day = period_figures(SYSTEM, start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 1)).total(
        nt13()
    )
    assert one_day is not None and one_day.received == 1_000_000
    assert one_day.opening == 2_249_500


def test_the_closing_stock_equals_the_balances_when_the_period_ends_today(
    half_year: dict[str, Any],
) -> None:
    with at(2027, 7, 1, 12):
        figures = period_figures(SYSTEM, start=dt.date(2027, 1, 1), end=dt.date(2027, 7, 1))
    lines = figures.lines("store")
    held_by_lots: dict[tuple[int, int], int] = {}
    for b in Balance.objects.filter(quantity__gt=0):  # a gun's lots are its serials
        held_by_lots[(b.store_id, b.item_id)] = (
            held_by_lots.get((b.store_id, b.item_id), 0) + b.quantity
        )
    assert held_by_lots
    for (store_id, item_id), quantity in held_by_lots.items():
        line = next((x for x in lines if x.group_id == store_id and x.item_id == item_id), None)
        assert line is not None and line.closing == quantity, (store_id, item_id)
    held = set(held_by_lots)
    assert all(line.closing == 0 for line in lines if (line.group_id, line.item_id) not in held)


def test_the_annual_summary_for_the_reports_app(half_year: dict[str, Any]) -> None:
    from vigil.controlled.figures.queries import annual_summary

    summary = annual_summary(SYSTEM, 2027)
    nt = next(t for t in summary["totals"] if t["item_code"] == "AN-NT13")
    assert nt["received"] == 1_500_000 and nt["shown"]["received"] == "1500 kg"
    assert (summary["start"], summary["end"]) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))


def test_a_storekeeper_sees_only_his_organisation(half_year: dict[str, Any]) -> None:
    from vigil.accounts.models import User

    kho_mo = User.objects.get(username="kho_mo")
    figures = h1(kho_mo)
    assert {line.group_id for line in figures.by_organisation} == {half_year["mine"].pk}
    assert figures_of(figures.total(nt13())) == MINE_LINE
    licenser = User.objects.get(username="congthuong")
    seen = h1(licenser)
    assert {line.group_id for line in seen.by_organisation} == {
        half_year["mine"].pk, half_year["quarry"].pk,
    }  # fmt: skip
    assert figures_of(seen.total(nt13())) == PROVINCE_LINE
    assert h1(User.objects.get(username="xa_b")).by_item == []


def test_the_xlsx_opens_with_the_same_numbers(half_year: dict[str, Any]) -> None:
    from vigil.controlled.figures.exports import figures_workbook

    book = openpyxl.load_workbook(io.BytesIO(figures_workbook(h1(), "organisation")))
    province, by_org = book.worksheets
    rows = list(province.iter_rows(values_only=True))
    assert rows[0][:3] == ("Code", "Item", "Unit")
    nt = next(r for r in rows if r[0] == "AN-NT13")
    assert nt[2] == "kg"
    assert list(nt[3:12]) == [v / KG for v in PROVINCE_LINE.values()]
    quarry = next(
        r for r in by_org.iter_rows(values_only=True) if r[0] == QUARRY and r[1] == "AN-NT13"
    )
    assert list(quarry[4:13]) == [v / KG for v in QUARRY_LINE.values()]


def test_the_page_shows_the_table_the_chart_and_the_download(half_year: dict[str, Any]) -> None:
    from vigil.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="congthuong"))
    url = reverse("controlled:figures")
    h1_2027: dict[str, Any] = {"year": 2027, "half": 1}
    page = client.get(url, {**h1_2027, "group": "commune"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "2.809,5 kg" in html or "2809,5 kg" in html  # the province's closing stock
    assert "<svg" in html and '<title id="figures-chart-title">' in html
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert reverse("controlled:figures") in html  # in the sub-menu
    download = client.get(url, {**h1_2027, "format": "xlsx"})
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    assert book.worksheets[0].cell(row=2, column=1).value is not None
    bad = client.get(url, {"start": "2027-06-30", "end": "2027-01-01"})
    assert bad.status_code == 200
    assert "The end date is before the start date." in bad.content.decode()
    # A storekeeper's page holds only his organisation's figures.
    client.force_login(User.objects.get(username="kho_mo"))
    mine_only = client.get(url, h1_2027).content.decode()
    assert QUARRY not in mine_only and MINE in mine_only


def test_the_api_gives_the_figures_and_refuses_bad_dates_in_vietnamese(
    half_year: dict[str, Any],
) -> None:
    from vigil.accounts.models import User

    client = Client()
    user = User.objects.get(username="congthuong")
    client.force_login(user)
    url = "/api/v1/ledger-figures/"
    answer = client.get(url, {"start": "2027-01-01", "end": "2027-06-30", "group": "organisation"})
    assert answer.status_code == 200, answer.content
    data = answer.json()
    total = next(t for t in data["totals"] if t["item_code"] == "AN-NT13")
    assert {c: total[c] for c in COLUMNS} == PROVINCE_LINE
    assert total["shown"]["closing"] == "2809,5 kg"
    quarry = next(
        x for x in data["lines"] if x["group_id"] == half_year["quarry"].pk
        and x["item_code"] == "AN-NT13"
    )  # fmt: skip
    assert {c: quarry[c] for c in COLUMNS} == QUARRY_LINE
    # Without dates: this year until today.
    from vigil.core import clock

    plain = client.get(url).json()
    assert (plain["start"], plain["end"]) == (
        clock.today().replace(month=1, day=1).isoformat(),
        clock.today().isoformat(),
    )
    User.objects.filter(pk=user.pk).update(language="vi")
    with translation.override("vi"):
        for query, said in (
            ({"start": "2027-13-01", "end": "2027-06-30"}, "Ngày"),
            ({"start": "2027-06-30", "end": "2027-01-01"},
             "Ngày kết thúc không được trước ngày bắt đầu."),
            ({"start": "1800-01-01", "end": "2027-01-01"}, "1900"),
        ):  # fmt: skip
            bad = client.get(url, query, HTTP_ACCEPT_LANGUAGE="vi")
            assert bad.status_code == 400, query
            assert (
                said in bad.json()["error"]["fields"][next(iter(bad.json()["error"]["fields"]))][0]
            )


def test_the_command_line_prints_and_writes_the_figures(
    half_year: dict[str, Any], tmp_path: Any
) -> None:
    out = io.StringIO()
    call_command("ledger", "figures", "--year", "2027", "--half", "1", "--as", "congthuong",
                 stdout=out)  # fmt: skip
    lines = out.getvalue().splitlines()
    quarry = next(x for x in lines if x.startswith(QUARRY) and "\tAN-NT13\t" in x)
    assert quarry.split("\t")[2:] == ["0 kg", "0 kg", "150 kg", "0 kg", "30 kg", "0 kg",
                                      "0 kg", "0 kg", "120 kg"]  # fmt: skip
    target = tmp_path / "h1.xlsx"
    call_command("ledger", "figures", "--year", "2027", "--half", "1", "--as", "kho_mo",
                 "--xlsx", str(target), stdout=io.StringIO())  # fmt: skip
    book = openpyxl.load_workbook(target)
    names = {r[0] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert names == {MINE}
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No active user"):
        call_command("ledger", "figures", "--year", "2027", "--as", "nobody")


def test_the_home_panel_counts_open_discrepancies_and_unbalanced_blasts(
    half_year: dict[str, Any],
) -> None:
    from vigil.accounts.models import User
    from vigil.controlled.blasts.models import Blast, BlastLine
    from vigil.controlled.counts.models import Discrepancy, StockCount
    from vigil.core import clock
    from vigil.org.models import ContactPoint

    kho_mo = User.objects.get(username="kho_mo")

    def panel(user: Any) -> dict[str, int]:
        items = summary_for(user)["items"]
        return {i["counts"]: i["value"] for i in items if i.get("counts") in
                ("discrepancies", "blasts")}  # fmt: skip

    congthuong = User.objects.get(username="congthuong")
    # The demo's own: a count that found cord missing, a blast that does not balance.
    before, before_dit = panel(kho_mo), panel(congthuong)
    assert before == {"discrepancies": 1, "blasts": 1}
    store, now = main(), clock.now()
    owned = {"owning_committee_id": store.owning_committee_id,
             "owning_agency_id": store.owning_agency_id,
             "licensing_agency_id": store.licensing_agency_id}  # fmt: skip

    def count_of(store: Store) -> StockCount:
        return StockCount.objects.create(
            store=store, counted_at=now, counters="Tổ kiểm kê", status="submitted",
            submitted_at=now, created_at=now, created_by="test", **owned,
        )  # fmt: skip

    entry = post(store.account, outside_account(store.owning_agency, "lost"), 1, "f-count")
    for status in ("open", "found"):
        Discrepancy.objects.create(
            count=count_of(store), store=store, item=nt13(), direction="shortage", quantity=1000,
            entry=entry, status=status, resolved_at=None if status == "open" else now,
            **owned,
        )  # fmt: skip
    contact = ContactPoint.objects.filter(agency=store.owning_agency).first()
    if contact is None:
        contact = ContactPoint.objects.create(
            agency=store.owning_agency, label="Chỉ huy nổ mìn",
            owning_committee_id=store.owning_committee_id,
            owning_agency_id=store.owning_agency_id,
        )  # fmt: skip

    def blast(number: str, used: int | None, returned: int | None) -> None:
        b = Blast.objects.create(
            number=number, store=store, site_name="Vỉa 14", admin_unit_id=store.admin_unit_id,
            fired_at=now, person_in_charge=contact, opened_at=now, opened_by="test", **owned,
        )  # fmt: skip
        BlastLine.objects.create(blast=b, item=nt13(), issued=1000, used=used, returned=returned)

    blast("HC-1", None, None)  # issued, no results yet: in progress
    blast("HC-2", 600, 400)  # balances
    blast("HC-3", 600, 300)  # 100 g unaccounted for
    assert panel(kho_mo) == {k: v + 1 for k, v in before.items()}
    assert panel(congthuong) == {k: v + 1 for k, v in before_dit.items()}
    # Another organisation's storekeeper sees neither (the quarry has no user: a commune's
    # officer, who sees no store, gets no panel at all).
    assert summary_for(User.objects.get(username="xa_b"))["items"] == []
