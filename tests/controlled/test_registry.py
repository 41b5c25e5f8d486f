"""The registry: licensed organisations, licences and their status, stores and capacity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from vigil.controlled.ledger import services
from vigil.controlled.models import (
    Account,
    Item,
    ItemClass,
    Licence,
    LicenceEvent,
    OrganisationProfile,
    Sector,
    Store,
    StoreTotal,
)
from vigil.controlled.registry import services as registry
from vigil.core import clock
from vigil.core.audit import Actor, SystemActor
from vigil.core.models import AdminUnit, AuditEvent
from vigil.org.models import Agency

SYSTEM = SystemActor("test")
MINE = "Công ty Cổ phần Than Demo Cẩm Phả"
QUARRY = "Công ty TNHH Đá Demo Hoành Bồ"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(db: None) -> Iterator[None]:
    """Messages are matched in English (pages too: the personas read English here)."""
    from vigil.accounts.models import User

    User.objects.update(language="en")
    with translation.override("en"):
        yield


def org(name: str = MINE) -> Agency:
    return Agency.objects.get(name=name)


def dit() -> Agency:
    return Agency.objects.get(name="Sở Công Thương")


def main_store() -> Store:
    return Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")


def counts() -> tuple[int, int, int, int]:
    return (
        Agency.objects.count(),
        OrganisationProfile.objects.count(),
        AuditEvent.objects.count(),
        LicenceEvent.objects.count(),
    )


def new_org(actor: Actor, **kw: Any) -> OrganisationProfile:
    values: dict[str, Any] = {
        "name": "Công ty Xây dựng Thử", "tax_code": "5700000099",
        "sector": Sector.CONSTRUCTION, "admin_unit": AdminUnit.objects.get(code="06793"),
        "licensing_agency": dit(), "parent_group": "Tổng công ty Thử",
    }  # fmt: skip
    values.update(kw)
    return registry.create_organisation(actor=actor, **values)


# --- organisations


@pytest.mark.parametrize("username", ["congthuong", "thuongtruc", "quantri"])
def test_the_licensing_department_the_standing_office_and_administrators_create_organisations(
    username: str, persona: Callable[[str], Any]
) -> None:
    profile = new_org(persona(username))
    agency = profile.organisation
    assert agency.kind == Agency.Kind.LICENSED_ORGANISATION and agency.committee is None
    assert list(agency.licensed_by.all()) == [dit()]
    assert profile.owning_committee.name.endswith("tỉnh Quảng Ninh")
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "organisation.created"


@pytest.mark.parametrize("username", ["kho_mo", "bienphong", "xa_a", "kiemtoan"])
def test_others_may_not_create_organisations(username: str, persona: Callable[[str], Any]) -> None:
    before = counts()
    with pytest.raises(PermissionDenied):
        new_org(persona(username))
    assert counts() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "  "}, "Give the organisation's name."),
        ({"tax_code": "12ab"}, "A tax code has 10 digits"),
        ({"tax_code": "5700000000"}, "Another organisation has the tax code"),
        ({"sector": "fishing"}, "Choose a sector"),
        ({"admin_unit": AdminUnit.objects.none().first()}, "Choose the commune"),
    ],
)
def test_bad_organisation_input_is_refused_and_nothing_written(
    change: dict[str, Any], message: str, persona: Callable[[str], Any]
) -> None:
    before = counts()
    with pytest.raises(ValidationError) as exc:
        new_org(persona("congthuong"), **change)
    assert message in " ".join(exc.value.messages)
    assert counts() == before


def test_a_commune_is_required_not_a_province(persona: Callable[[str], Any]) -> None:
    with pytest.raises(ValidationError, match="commune"):
        new_org(persona("congthuong"), admin_unit=AdminUnit.objects.get(code="22"))


def test_an_organisation_is_edited_and_audited(persona: Callable[[str], Any]) -> None:
    profile = OrganisationProfile.objects.get(pk=org().pk)
    registry.update_organisation(
        profile, parent_group="TKV", sector=Sector.COAL_MINING, actor=persona("congthuong")
    )
    profile.refresh_from_db()
    assert profile.parent_group == "TKV"
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "organisation.updated"
    with pytest.raises(PermissionDenied):
        registry.update_organisation(profile, parent_group="X", actor=persona("kho_mo"))


def test_the_organisation_list_filters_by_sector_commune_licence_and_search(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("congthuong")
    url = reverse("controlled:organisation_list")

    def names(query: str) -> set[str]:
        body = client.get(f"{url}?{query}").content.decode()
        return {n for n in (MINE, QUARRY) if n in body}

    assert names("") == {MINE, QUARRY}
    assert names("sector=quarrying") == {QUARRY}
    assert names(f"commune={org(QUARRY).admin_unit_id}") == {QUARRY}
    assert names("q=hoanh bo") == {QUARRY}
    assert names("q=5700000000") == {MINE}
    # The mine's licence ends in 45 days; the quarry's in 400.
    assert names("licence=expiring") == {MINE}
    assert names("licence=in_force") == {QUARRY}
    assert names("licence=none") == set()
    partial = client.get(f"{url}?sector=quarrying", headers={"HX-Request": "true"})
    assert QUARRY in partial.content.decode() and "<html" not in partial.content.decode()


def test_kho_mo_sees_their_own_organisation_only(client_for: Callable[[str], Client]) -> None:
    client = client_for("kho_mo")
    body = client.get(reverse("controlled:organisation_list")).content.decode()
    assert MINE in body and QUARRY not in body
    assert client.get(reverse("controlled:organisation_detail", args=[org().pk])).status_code == 200
    quarry = reverse("controlled:organisation_detail", args=[org(QUARRY).pk])
    assert client.get(quarry).status_code == 404


def test_the_organisation_page_shows_licences_stores_and_totals(
    client_for: Callable[[str], Client],
) -> None:
    body = (
        client_for("thuongtruc")
        .get(reverse("controlled:organisation_detail", args=[org().pk]))
        .content.decode()
    )
    assert "125/GP-SCT" in body and "098/GP-SCT" in body
    assert "Kho tạm công trường vỉa 14" in body
    assert "TKV" in body


def test_the_create_page_writes_through_the_service(client_for: Callable[[str], Client]) -> None:
    client = client_for("congthuong")
    url = reverse("controlled:organisation_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Công ty Đá Thử", "tax_code": "5700000777", "sector": "quarrying",
            "admin_unit": AdminUnit.objects.get(code="06793").pk, "licensing_agency": dit().pk,
        },
    )  # fmt: skip
    assert response.status_code == 302
    created = Agency.objects.get(name="Công ty Đá Thử")
    assert response["Location"] == reverse("controlled:organisation_detail", args=[created.pk])
    before = counts()
    again = client.post(url, {"name": "Trùng", "tax_code": "5700000777", "sector": "quarrying",
                              "admin_unit": created.admin_unit_id, "licensing_agency": dit().pk})  # fmt: skip
    assert again.status_code == 200
    assert "Another organisation has the tax code" in again.content.decode()
    assert counts() == before
    assert client_for("kho_mo").get(url).status_code == 403


# --- licences


def test_a_licence_is_suspended_with_a_reason_and_movements_stop(
    persona: Callable[[str], Any],
) -> None:
    licence = Licence.objects.get(number="125/GP-SCT")
    registry.change_licence_status(
        licence, Licence.Status.SUSPENDED, reason="Vi phạm quy định bảo quản",
        actor=persona("congthuong"),
    )  # fmt: skip
    licence.refresh_from_db()
    assert licence.status == Licence.Status.SUSPENDED
    event = licence.events.order_by("-at", "-pk").first()
    assert event is not None
    assert (event.status_from, event.status_to) == ("active", "suspended")
    assert event.reason == "Vi phạm quy định bảo quản"
    with pytest.raises(ValidationError, match=r"125/GP-SCT .* is suspended"):
        services.post_movement(
            org(), item=Item.objects.get(code="AN-NT13"), quantity=1, unit="kg",
            from_account=services.external_account(org(), Account.Kind.SUPPLIER),
            to_account=main_store().account, idempotency_key="after-suspension", actor=SYSTEM,
        )  # fmt: skip
    registry.change_licence_status(
        licence, Licence.Status.ACTIVE, reason="Đã khắc phục", actor=persona("thuongtruc")
    )
    entry = services.post_movement(
        org(), item=Item.objects.get(code="AN-NT13"), quantity=1, unit="kg",
        from_account=services.external_account(org(), Account.Kind.SUPPLIER),
        to_account=main_store().account, idempotency_key="after-reinstatement", actor=SYSTEM,
    )  # fmt: skip
    assert entry.quantity == 1000


def test_a_revoked_licence_cannot_come_back(persona: Callable[[str], Any]) -> None:
    licence = Licence.objects.get(number="125/GP-SCT")
    registry.change_licence_status(
        licence, Licence.Status.REVOKED, reason="Thu hồi", actor=persona("congthuong")
    )
    before = counts()
    with pytest.raises(ValidationError, match="cannot become"):
        registry.change_licence_status(
            licence, Licence.Status.ACTIVE, reason="x", actor=persona("congthuong")
        )
    assert counts() == before


def test_a_status_change_needs_a_reason_and_a_keeper(persona: Callable[[str], Any]) -> None:
    licence = Licence.objects.get(number="125/GP-SCT")
    before = counts()
    with pytest.raises(ValidationError, match="Say why"):
        registry.change_licence_status(
            licence, Licence.Status.SUSPENDED, reason=" ", actor=persona("congthuong")
        )
    with pytest.raises(PermissionDenied):
        registry.change_licence_status(
            licence, Licence.Status.SUSPENDED, reason="x", actor=persona("kho_mo")
        )
    assert counts() == before


def test_the_sweep_marks_a_licence_expired_after_its_end(persona: Callable[[str], Any]) -> None:
    licence = Licence.objects.get(number="125/GP-SCT")
    later = clock.now() + dt.timedelta(days=46)
    with time_machine.travel(later, tick=False):
        assert registry.expire_licences(clock.now()) >= 1
        assert registry.expire_licences(clock.now()) == 0  # once
    licence.refresh_from_db()
    assert licence.status == Licence.Status.EXPIRED
    assert licence.events.filter(status_to="expired").count() == 1


def test_a_licence_is_created_and_edited_by_the_licensing_department(
    persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    quarry = org(QUARRY)
    client = client_for("congthuong")
    url = reverse("controlled:licence_create", args=[quarry.pk])
    today = clock.today()
    response = client.post(
        url,
        {
            "number": "300/GP-SCT", "kind": "storage", "issuer": dit().pk,
            "valid_from": today.isoformat(), "valid_to": (today + dt.timedelta(days=30)).isoformat(),
            "item_classes": ["explosive"],
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    licence = Licence.objects.get(number="300/GP-SCT")
    assert licence.events.count() == 1
    bad = client.post(
        reverse("controlled:licence_edit", args=[licence.pk]),
        {
            "number": "300/GP-SCT", "kind": "storage", "valid_from": today.isoformat(),
            "valid_to": (today - dt.timedelta(days=3)).isoformat(), "item_classes": ["explosive"],
        },
    )  # fmt: skip
    assert bad.status_code == 200
    assert "The licence ends before it starts." in bad.content.decode()
    licence.refresh_from_db()
    assert licence.valid_to == today + dt.timedelta(days=30)
    assert client_for("kho_mo").get(url).status_code == 404


def test_the_licence_page_shows_the_timeline_and_changes_status(
    client_for: Callable[[str], Client],
) -> None:
    licence = Licence.objects.get(number="098/GP-SCT")
    body = client_for("kho_mo").get(reverse("controlled:licence_detail", args=[licence.pk]))
    text = body.content.decode()
    assert "Hết thời hạn hiệu lực" in text and "Expired" in text
    current = Licence.objects.get(number="125/GP-SCT")
    client = client_for("congthuong")
    url = reverse("controlled:licence_status", args=[current.pk])
    assert client.post(url, {"status": "suspended", "reason": "Kiểm tra"}).status_code == 302
    current.refresh_from_db()
    assert current.status == "suspended"
    assert client_for("kho_mo").post(url, {"status": "active", "reason": "x"}).status_code == 403


def test_the_expiring_view_filters_60_and_30_days(client_for: Callable[[str], Client]) -> None:
    client = client_for("congthuong")
    url = reverse("controlled:licence_list")
    sixty = client.get(f"{url}?days=60").content.decode()
    thirty = client.get(f"{url}?days=30").content.decode()
    assert "125/GP-SCT" in sixty and "210/GP-SCT" not in sixty
    assert "125/GP-SCT" not in thirty
    assert "210/GP-SCT" in client.get(f"{url}?status=active").content.decode()
    assert "098/GP-SCT" not in client.get(f"{url}?status=active").content.decode()
    assert "125/GP-SCT" in client.get(f"{url}?expiring=1").content.decode()


# --- stores


def test_capacity_cannot_be_lowered_below_what_the_store_holds(
    persona: Callable[[str], Any],
) -> None:
    store = main_store()
    held = StoreTotal.objects.get(store=store, item_class=ItemClass.EXPLOSIVE).quantity
    before = (counts(), list(StoreTotal.objects.values_list("capacity", flat=True)))
    with pytest.raises(ValidationError) as exc:
        registry.update_store(
            store, capacities={ItemClass.EXPLOSIVE: held - 1}, actor=persona("congthuong")
        )
    assert "its capacity cannot be lowered" in " ".join(exc.value.messages)
    assert (counts(), list(StoreTotal.objects.values_list("capacity", flat=True))) == before
    registry.update_store(store, capacities={ItemClass.EXPLOSIVE: held}, actor=SYSTEM)
    assert StoreTotal.objects.get(store=store, item_class="explosive").capacity == held


def test_the_store_edit_page_shows_the_capacity_message(
    client_for: Callable[[str], Client],
) -> None:
    store = main_store()
    client = client_for("thuongtruc")
    url = reverse("controlled:store_edit", args=[store.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": store.name, "kind": "mobile", "admin_unit": store.admin_unit_id,
              "capacity_explosive": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "its capacity cannot be lowered" in response.content.decode()
    store.refresh_from_db()
    assert store.kind == "permanent"
    ok = client.post(
        url, {"name": store.name, "kind": "mobile", "admin_unit": store.admin_unit_id,
              "capacity_weapon": "5"},
    )  # fmt: skip
    assert ok.status_code == 302
    store.refresh_from_db()
    assert store.kind == "mobile"
    assert StoreTotal.objects.get(store=store, item_class="weapon").capacity == 5
    assert client_for("kho_mo").get(url).status_code == 403


def test_a_store_is_created_from_the_organisation_page(client_for: Callable[[str], Client]) -> None:
    quarry = org(QUARRY)
    response = client_for("congthuong").post(
        reverse("controlled:store_create", args=[quarry.pk]),
        {"name": "Kho di động Thử", "kind": "mobile", "admin_unit": quarry.admin_unit_id,
         "capacity_explosive": "1.5", "capacity_cord": "200"},
    )  # fmt: skip
    assert response.status_code == 302
    store = Store.objects.get(name="Kho di động Thử")
    assert store.account.kind == Account.Kind.STORE
    caps = dict(StoreTotal.objects.filter(store=store).values_list("item_class", "capacity"))
    assert caps == {"explosive": 1500, "cord": 20000}


@pytest.mark.parametrize(
    "url", ["/controlled/organisations/", "/api/v1/organisations/", "/controlled/balances/"]
)
def test_the_organisation_lists_cost_the_same_queries_for_more_rows(
    url: str, client_for: Callable[[str], Client]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("congthuong")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    queries()
    before = queries()
    for i in range(3):
        profile = new_org(SYSTEM, name=f"Công ty Thử {i}", tax_code=f"57000001{i}0")
        unit = profile.organisation.admin_unit
        assert unit is not None
        registry.create_store(
            profile.organisation, name=f"Kho thử {i}", admin_unit=unit,
            kind="permanent", capacities={"explosive": 1000}, actor=SYSTEM,
        )  # fmt: skip
    assert queries() == before
