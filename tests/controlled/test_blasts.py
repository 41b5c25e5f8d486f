"""Blasts (hộ chiếu nổ mìn): issue to the face, results, close in one transaction;
the refusals that write nothing; who may record and who sees; what stands out."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from vigil.accounts.models import User
from vigil.controlled.blasts import queries
from vigil.controlled.blasts import services as blasts
from vigil.controlled.blasts.demo import CLOSED_NUMBER, UNBALANCED_NUMBER
from vigil.controlled.blasts.services import BlastLineInput, LineResult
from vigil.controlled.ledger import chain as ledger
from vigil.controlled.models import (
    Account,
    Balance,
    Blast,
    BlastLine,
    ControlledAction,
    Item,
    LedgerEntry,
    Store,
)
from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.core.models import AdminUnit, AuditEvent
from vigil.org.models import Agency, Committee, ContactPoint
from vigil.org.services.contacts import create_contact_point_within

SYSTEM = SystemActor("test")
MINE = "Công ty Cổ phần Than Demo Cẩm Phả"
QUARRY = "Công ty TNHH Đá Demo Hoành Bồ"
MAIN = "Kho VLNCN trung tâm Cẩm Phả"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(db: None) -> Iterator[None]:
    User.objects.update(language="en")
    with translation.override("en"):
        yield


def mine() -> Agency:
    return Agency.objects.get(name=MINE)


def main() -> Store:
    return Store.objects.get(name=MAIN)


def item(code: str = "AN-NT13") -> Item:
    return Item.objects.get(code=code)


def commander(org: Agency | None = None) -> ContactPoint:
    found = ContactPoint.objects.filter(agency=org or mine()).order_by("pk").first()
    assert found is not None
    return found


def held(store: Store, code: str = "AN-NT13") -> int:
    row = Balance.objects.filter(store=store, item=item(code), lot="").first()
    return row.quantity if row else 0


def at_face(code: str) -> int:
    """What the mine's at-face account holds of one item (+in, -out)."""
    account = Account.objects.filter(organisation=mine(), kind=Account.Kind.AT_FACE).first()
    if account is None:
        return 0
    entries = LedgerEntry.objects.filter(item=item(code))
    into = entries.filter(to_account=account).aggregate(s=Sum("quantity"))["s"] or 0
    out = entries.filter(from_account=account).aggregate(s=Sum("quantity"))["s"] or 0
    return int(into - out)


def written() -> tuple[int, int, int, list[tuple[Any, ...]]]:
    """Everything a refused use case must leave as it was."""
    return (
        LedgerEntry.objects.count(),
        AuditEvent.objects.count(),
        Blast.objects.count(),
        sorted(
            BlastLine.objects.values_list(
                "pk", "used", "returned", "issue_entry", "use_entry", "return_entry"
            )
        ),
    )


def events(action: str, blast: Blast) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(blast.pk)).count()


def open_one(number: str = "HCN-T1", *, actor: Any = SYSTEM, **kw: Any) -> Blast:
    values: dict[str, Any] = {
        "store": main(), "number": number, "site_name": "Lò chợ +90", "fired_at": clock.now(),
        "admin_unit": mine().admin_unit, "person_in_charge": commander(),
        "lines": [
            BlastLineInput(item(), "50", "kg"),
            BlastLineInput(item("KD-VN2"), 20, "pcs"),
            BlastLineInput(item("DCN-1"), "30", "m"),
        ],
        "actor": actor,
    }  # fmt: skip
    values.update(kw)
    return blasts.open_blast(mine(), **values)


def results(blast: Blast, *figures: tuple[Any, Any, str]) -> list[LineResult]:
    lines = list(blast.lines.order_by("pk"))
    return [
        LineResult(line.pk, used, returned, unit)
        for line, (used, returned, unit) in zip(lines, figures, strict=True)
    ]


BALANCED = (("45", "5", "kg"), (20, 0, "pcs"), ("25.5", "4.5", "m"))
TWO_KG_SHORT = (("45", "3", "kg"), (20, 0, "pcs"), ("25.5", "4.5", "m"))


# --- opening


def test_opening_issues_every_line_from_the_store_to_the_face() -> None:
    store_before, face_before = held(main()), at_face("AN-NT13")
    blast = open_one(actor=User.objects.get(username="kho_mo"))
    lines = list(blast.lines.select_related("issue_entry__from_account").order_by("pk"))
    assert [line.issued for line in lines] == [50_000, 20, 3_000]
    for line in lines:
        entry = line.issue_entry
        assert entry is not None
        assert entry.idempotency_key == f"blast:{blast.pk}:issue:{line.pk}"
        assert entry.from_account_id == main().account.pk
        assert entry.to_account.kind == Account.Kind.AT_FACE
        assert (entry.quantity, entry.item_id, entry.document_ref) == (
            line.issued, line.item_id, "HCN-T1",
        )  # fmt: skip
    assert held(main()) == store_before - 50_000
    assert at_face("AN-NT13") == face_before + 50_000
    assert blast.status == Blast.Status.OPEN and blast.opened_by.startswith("kho_mo")
    assert events(ControlledAction.BLAST_OPENED, blast) == 1


# --- closing


def test_closing_a_balanced_blast_posts_use_and_return_and_empties_the_face() -> None:
    store_before = {code: held(main(), code) for code in ("AN-NT13", "KD-VN2", "DCN-1")}
    face_before = {code: at_face(code) for code in ("AN-NT13", "KD-VN2", "DCN-1")}
    blast = open_one()
    entries_before = LedgerEntry.objects.count()
    closed = blasts.close_blast(blast, results=results(blast, *BALANCED), actor=SYSTEM)
    assert closed.status == Blast.Status.CLOSED and closed.closed_at is not None
    # Per line: face → store → used for what was used, face → store for what was
    # returned (none for the 0 detonators returned): 3 + 2 + 3.
    assert LedgerEntry.objects.count() == entries_before + 8
    nt13, detonators, cord = closed.lines.select_related(
        "use_entry__to_account", "return_entry__to_account"
    ).order_by("pk")
    assert nt13.use_entry is not None and nt13.return_entry is not None
    assert (nt13.use_entry.quantity, nt13.use_entry.to_account.kind) == (45_000, "consumption")
    assert nt13.use_entry.from_account_id == main().account.pk
    settle = LedgerEntry.objects.get(idempotency_key=f"blast:{blast.pk}:settle:{nt13.pk}")
    assert (settle.quantity, settle.from_account.kind, settle.to_account_id) == (
        45_000, Account.Kind.AT_FACE, main().account.pk,
    )  # fmt: skip
    assert nt13.use_entry.idempotency_key == f"blast:{blast.pk}:use:{nt13.pk}"
    assert (nt13.return_entry.quantity, nt13.return_entry.to_account_id) == (
        5_000, main().account.pk,
    )  # fmt: skip
    assert nt13.return_entry.from_account.kind == Account.Kind.AT_FACE
    assert nt13.return_entry.idempotency_key == f"blast:{blast.pk}:return:{nt13.pk}"
    assert detonators.use_entry is not None and detonators.return_entry is None
    assert cord.use_entry is not None and cord.use_entry.quantity == 2_550
    assert cord.return_entry is not None and cord.return_entry.quantity == 450
    # What went back is in the store; the face holds nothing of this blast any more.
    assert held(main()) == store_before["AN-NT13"] - 45_000
    assert held(main(), "KD-VN2") == store_before["KD-VN2"] - 20
    assert held(main(), "DCN-1") == store_before["DCN-1"] - 2_550
    assert {code: at_face(code) for code in face_before} == face_before
    assert events(ControlledAction.BLAST_CLOSED, blast) == 1
    assert ledger.verify().ok
    checked, mismatch = ledger.reconcile()
    assert mismatch is None and checked


def test_a_blast_that_does_not_balance_cannot_close_and_nothing_is_written() -> None:
    blast = open_one()
    blasts.record_results(blast, results=results(blast, *TWO_KG_SHORT), actor=SYSTEM)
    assert events(ControlledAction.BLAST_RESULTS_RECORDED, blast) == 1
    before = written()
    with pytest.raises(ValidationError) as refused:
        blasts.close_blast(blast, actor=SYSTEM)
    message = " ".join(refused.value.messages)
    assert "does not balance" in message and "stands out as a discrepancy" in message
    assert "Thuốc nổ nhũ tương NT-13" in message and "2 kg unaccounted for" in message
    assert "Kíp" not in message  # the lines that balance are not named
    assert written() == before
    blast.refresh_from_db()
    assert blast.status == Blast.Status.OPEN
    assert queries.unbalanced_blasts(SYSTEM).filter(pk=blast.pk).exists()


def test_the_refusal_is_in_vietnamese_for_a_vietnamese_reader() -> None:
    blast = open_one()
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        blasts.close_blast(blast, results=results(blast, *TWO_KG_SHORT), actor=SYSTEM)
    message = " ".join(refused.value.messages)
    assert "không khớp" in message and "2 kg" in message


def test_results_given_with_the_close_that_do_not_balance_are_not_kept() -> None:
    blast = open_one()
    before = written()
    with pytest.raises(ValidationError, match="does not balance"):
        blasts.close_blast(blast, results=results(blast, *TWO_KG_SHORT), actor=SYSTEM)
    assert written() == before
    assert not blast.lines.filter(used__isnull=False).exists()


def test_a_line_without_results_keeps_the_blast_open() -> None:
    blast = open_one()
    first = blast.lines.order_by("pk").first()
    assert first is not None
    blasts.record_results(blast, results=[LineResult(first.pk, "50", "0", "kg")], actor=SYSTEM)
    with pytest.raises(ValidationError, match="no results recorded"):
        blasts.close_blast(blast, actor=SYSTEM)


def test_closing_twice_is_refused_with_nothing_written() -> None:
    blast = open_one()
    blasts.close_blast(blast, results=results(blast, *BALANCED), actor=SYSTEM)
    before = written()
    with pytest.raises(ValidationError, match="already closed"):
        blasts.close_blast(blast, actor=SYSTEM)
    with pytest.raises(ValidationError, match="already closed"):
        blasts.record_results(blast, results=results(blast, *BALANCED), actor=SYSTEM)
    assert written() == before


@pytest.mark.parametrize(
    ("figures", "words"),
    [
        ((("0", "60", "kg"),), "returning more than was issued"),
        ((("51", "0", "kg"),), "using more than was issued"),
        ((("30", "30", "kg"),), "is more than the 50 kg issued"),
        ((("-1", "51", "kg"),), "cannot be negative"),
        ((("10", "10", "pcs"),), "is counted in kg, not"),
    ],
)
def test_results_beyond_what_was_issued_are_refused(
    figures: tuple[tuple[Any, Any, str]], words: str
) -> None:
    blast = open_one()
    first = blast.lines.order_by("pk").first()
    assert first is not None
    used, returned, unit = figures[0]
    before = written()
    with pytest.raises(ValidationError, match=words):
        blasts.record_results(
            blast, results=[LineResult(first.pk, used, returned, unit)], actor=SYSTEM
        )
    assert written() == before


def test_a_line_of_another_blast_is_refused() -> None:
    blast, other = open_one(), open_one("HCN-T2")
    line = other.lines.order_by("pk").first()
    assert line is not None
    with pytest.raises(ValidationError, match="has no line"):
        blasts.record_results(blast, results=[LineResult(line.pk, 1, 0)], actor=SYSTEM)


# --- bad input when opening


def _quarry_contact() -> ContactPoint:
    quarry = Agency.objects.get(name=QUARRY)
    province = Committee.objects.get(level="province")
    return create_contact_point_within(
        quarry, label="Chỉ huy nổ mìn", owning_committee=province, actor=SYSTEM
    )


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda: {"person_in_charge": _quarry_contact()}, "must be a contact point of"),
        (lambda: {"admin_unit": AdminUnit.objects.get(code="22")}, "Choose the commune"),
        (
            lambda: {
                "admin_unit": AdminUnit.objects.exclude(parent__code="22")
                .filter(parent__isnull=False)
                .first()
            },
            "is not in the province",
        ),
        (lambda: {"number": "  "}, "blasting passport number"),
        (lambda: {"site_name": ""}, "Name the blasting site"),
        (lambda: {"lines": []}, "at least one item"),
        (lambda: {"lines": [BlastLineInput(item("KD-VN2"), "2", "kg")]}, "is counted in"),
        (lambda: {"lines": [BlastLineInput(item(), "0", "kg")]}, "greater than zero"),
        (lambda: {"lines": [BlastLineInput(item(), "5000", "kg")]}, "holds only"),
        (
            lambda: {
                "lines": [BlastLineInput(item(), "1", "kg"), BlastLineInput(item(), "2", "kg")]
            },
            "listed twice",
        ),
        (lambda: {"store": Store.objects.get(owning_agency__name=QUARRY)}, "is not a store of"),
    ],
)
def test_bad_input_is_refused_with_nothing_written(
    change: Callable[[], dict[str, Any]], words: str
) -> None:
    values = change()
    before = written()
    with pytest.raises(ValidationError, match=words):
        open_one(**values)
    assert written() == before


def test_a_duplicate_passport_number_is_refused() -> None:
    open_one("HCN-DUP")
    before = written()
    with pytest.raises(ValidationError, match="already has a blast with passport number HCN-DUP"):
        open_one("HCN-DUP")
    assert written() == before


def test_a_key_site_must_be_in_the_blasts_commune() -> None:
    from vigil.sites.models import KeySite

    site = (
        KeySite.objects.filter(archived=False, commune__isnull=False)
        .exclude(commune=mine().admin_unit)
        .first()
    )
    assert site is not None
    before = written()
    with pytest.raises(ValidationError, match="is not in"):
        open_one(key_site=site)
    assert written() == before


# --- who may


def test_only_the_organisations_storekeeper_records(persona: Callable[[str], Any]) -> None:
    blast = open_one(actor=persona("kho_mo"))
    before = written()
    for name in ("congthuong", "thuongtruc", "lanhdao"):
        with pytest.raises(PermissionDenied):
            open_one(f"HCN-{name}", actor=persona(name))
        with pytest.raises(PermissionDenied):
            blasts.record_results(blast, results=results(blast, *BALANCED), actor=persona(name))
        with pytest.raises(PermissionDenied):
            blasts.close_blast(blast, results=results(blast, *BALANCED), actor=persona(name))
    assert written() == before
    blasts.close_blast(blast, results=results(blast, *BALANCED), actor=persona("kho_mo"))


def test_the_licenser_sees_but_may_not_write(client_for: Callable[[str], Client]) -> None:
    blast = open_one()
    client = client_for("congthuong")
    page = client.get(reverse("controlled:blast_detail", args=[blast.pk]))
    assert page.status_code == 200 and "HCN-T1" in page.content.decode()
    assert reverse("controlled:blast_close", args=[blast.pk]) not in page.content.decode()
    for name in ("blast_results", "blast_close"):
        assert client.get(reverse(f"controlled:{name}", args=[blast.pk])).status_code == 403
        assert client.post(reverse(f"controlled:{name}", args=[blast.pk])).status_code == 403
    assert client.get(reverse("controlled:blast_create", args=[main().pk])).status_code == 403
    blast.refresh_from_db()
    assert blast.status == Blast.Status.OPEN


def _quarry_blast() -> Blast:
    quarry = Agency.objects.get(name=QUARRY)
    assert quarry.admin_unit is not None
    return blasts.open_blast(
        quarry, store=Store.objects.get(owning_agency=quarry), number="HCN-Q1",
        site_name="Tầng khai thác +40", admin_unit=quarry.admin_unit, fired_at=clock.now(),
        person_in_charge=_quarry_contact(), lines=[BlastLineInput(item("AMONIT-AD1"), "20", "kg")],
        actor=SYSTEM,
    )  # fmt: skip


def test_another_organisations_blast_is_not_found(client_for: Callable[[str], Client]) -> None:
    theirs = _quarry_blast()
    ours = Blast.objects.get(number=UNBALANCED_NUMBER)
    kho_mo = client_for("kho_mo")
    for name in ("blast_detail", "blast_results", "blast_close"):
        assert kho_mo.get(reverse(f"controlled:{name}", args=[theirs.pk])).status_code == 404
        assert kho_mo.post(reverse(f"controlled:{name}", args=[theirs.pk])).status_code == 404
    listed = kho_mo.get(reverse("controlled:blast_list")).content.decode()
    assert "HCN-Q1" not in listed and UNBALANCED_NUMBER in listed
    for name in ("xa_a", "bienphong"):
        other = client_for(name)
        assert other.get(reverse("controlled:blast_detail", args=[ours.pk])).status_code == 404
    assert (
        client_for("congthuong")
        .get(reverse("controlled:blast_detail", args=[theirs.pk]))
        .status_code
        == 200
    )


# --- what stands out


def test_the_demos_unbalanced_blast_stands_out(persona: Callable[[str], Any]) -> None:
    for name in ("kho_mo", "congthuong", "thuongtruc"):
        shown = queries.unbalanced_blasts(persona(name))
        numbers = [b.number for b in shown]
        assert numbers == [UNBALANCED_NUMBER], name
        assert shown.count() == len(numbers) == 1  # count and rows agree (SQLite after ANALYZE)
    assert list(queries.unbalanced_blasts(persona("xa_a"))) == []
    closed = Blast.objects.get(number=CLOSED_NUMBER)
    assert closed.status == Blast.Status.CLOSED
    assert all(line.balanced for line in closed.lines.all())


def test_a_blast_without_results_stands_out_a_day_after_it_was_fired() -> None:
    recent = open_one("HCN-RECENT", fired_at=clock.now() - dt.timedelta(hours=20))
    late = open_one("HCN-LATE", fired_at=clock.now() - dt.timedelta(hours=25))
    off = set(queries.unbalanced_blasts(SYSTEM).values_list("number", flat=True))
    assert "HCN-LATE" in off and "HCN-RECENT" not in off
    assert queries.stands_out(late, list(late.lines.all()))
    assert not queries.stands_out(recent, list(recent.lines.all()))
    blasts.close_blast(late, results=results(late, *BALANCED), actor=SYSTEM)
    assert "HCN-LATE" not in set(queries.unbalanced_blasts(SYSTEM).values_list("number", flat=True))


# --- the pages


def test_the_list_marks_and_filters_what_does_not_balance(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("kho_mo")
    page = client.get(reverse("controlled:blast_list")).content.decode()
    assert "⚠ Does not balance" in page and CLOSED_NUMBER in page
    off = client.get(reverse("controlled:blast_list") + "?status=unbalanced").content.decode()
    assert UNBALANCED_NUMBER in off and CLOSED_NUMBER not in off
    closed = client.get(reverse("controlled:blast_list") + "?status=closed").content.decode()
    assert CLOSED_NUMBER in closed and UNBALANCED_NUMBER not in closed
    face = Store.objects.get(name="Kho tạm công trường vỉa 14")
    by_store = client.get(reverse("controlled:blast_list") + f"?store={main().pk}").content
    assert UNBALANCED_NUMBER not in by_store.decode()
    assert (
        UNBALANCED_NUMBER
        in client.get(reverse("controlled:blast_list") + f"?store={face.pk}").content.decode()
    )


def test_the_blast_page_shows_the_marker_the_lines_and_their_entries(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("kho_mo")
    off = Blast.objects.get(number=UNBALANCED_NUMBER)
    page = client.get(reverse("controlled:blast_detail", args=[off.pk])).content.decode()
    assert "⚠ Does not balance" in page and "2 kg unaccounted for" in page
    closed = Blast.objects.get(number=CLOSED_NUMBER)
    page = client.get(reverse("controlled:blast_detail", args=[closed.pk])).content.decode()
    assert "Does not balance" not in page
    made = LedgerEntry.objects.filter(idempotency_key__startswith=f"blast:{closed.pk}:")
    assert made.count() == 8  # per line: issued, face → store → used, returned
    for entry in made:
        assert entry.reason in page


def test_the_storekeeper_records_a_blast_through_the_pages(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("kho_mo")
    fired = timezone.localtime(clock.now()).strftime("%d/%m/%Y %H:%M")
    form = {
        "number": "HCN-WEB", "site_name": "Lò chợ +75", "admin_unit": mine().admin_unit_id,
        "fired_at": fired, "person_in_charge": commander().pk, "key_site": "", "note": "",
        "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0",
        "lines-0-item": item().pk, "lines-0-quantity": "12.5", "lines-0-unit": "kg",
        "lines-1-item": item("KD-VN2").pk, "lines-1-quantity": "10", "lines-1-unit": "",
    }  # fmt: skip
    response = client.post(reverse("controlled:blast_create", args=[main().pk]), form)
    assert response.status_code == 302, re.findall(
        r'class="errorlist"[^<]*>(.*?)</ul>', response.content.decode(), re.S
    )
    blast = Blast.objects.get(number="HCN-WEB")
    assert [line.issued for line in blast.lines.order_by("pk")] == [12_500, 10]
    nt13, det = blast.lines.order_by("pk")
    results_url = reverse("controlled:blast_results", args=[blast.pk])
    assert client.get(results_url).status_code == 200
    response = client.post(results_url, {
        f"line-{nt13.pk}-used": "10", f"line-{nt13.pk}-returned": "2", f"line-{nt13.pk}-unit": "kg",
        f"line-{det.pk}-used": "10", f"line-{det.pk}-returned": "0", f"line-{det.pk}-unit": "pcs",
    })  # fmt: skip
    assert response.status_code == 302
    close_url = reverse("controlled:blast_close", args=[blast.pk])
    assert "Confirm" in client.get(close_url).content.decode()
    page = client.post(close_url, follow=True).content.decode()
    assert "0,5 kg unaccounted for" in page
    blast.refresh_from_db()
    assert blast.status == Blast.Status.OPEN
    client.post(results_url, {
        f"line-{nt13.pk}-used": "10.5", f"line-{nt13.pk}-returned": "2", f"line-{nt13.pk}-unit": "kg",
        f"line-{det.pk}-used": "10", f"line-{det.pk}-returned": "0", f"line-{det.pk}-unit": "pcs",
    })  # fmt: skip
    page = client.post(close_url, follow=True).content.decode()
    blast.refresh_from_db()
    assert blast.status == Blast.Status.CLOSED, page
    assert events(ControlledAction.BLAST_CLOSED, blast) == 1


def test_a_form_with_bad_input_writes_nothing(client_for: Callable[[str], Client]) -> None:
    client = client_for("kho_mo")
    before = written()
    form = {
        "number": "HCN-BAD", "site_name": "Lò chợ +75", "admin_unit": mine().admin_unit_id,
        "fired_at": "31/02/2026 10:00", "person_in_charge": commander().pk,
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
        "lines-0-item": item().pk, "lines-0-quantity": "", "lines-0-unit": "kg",
    }  # fmt: skip
    response = client.post(reverse("controlled:blast_create", args=[main().pk]), form)
    assert response.status_code == 200
    assert "Give the quantity issued." in response.content.decode()
    assert written() == before


def test_the_store_page_links_to_its_blasts(client_for: Callable[[str], Client]) -> None:
    page = client_for("kho_mo").get(reverse("controlled:store_detail", args=[main().pk]))
    body = page.content.decode()
    assert reverse("controlled:blast_create", args=[main().pk]) in body
    assert f"{reverse('controlled:blast_list')}?store={main().pk}" in body
    other = client_for("congthuong").get(reverse("controlled:store_detail", args=[main().pk]))
    assert reverse("controlled:blast_create", args=[main().pk]) not in other.content.decode()
