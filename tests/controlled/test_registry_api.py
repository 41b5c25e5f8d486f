"""The registry's API: organisations, licence and store writes, inspections, totals,
transfers; and the scope of a licensed organisation's storekeeper."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from vigil.accounts.models import User
from vigil.controlled.models import (
    Balance,
    Inspection,
    Item,
    LedgerEntry,
    Licence,
    OrganisationProfile,
    Store,
    StoreTotal,
    Transfer,
)
from vigil.core import clock
from vigil.core.models import AdminUnit, AuditEvent
from vigil.org.models import Agency

MINE = "Công ty Cổ phần Than Demo Cẩm Phả"
QUARRY = "Công ty TNHH Đá Demo Hoành Bồ"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(db: None) -> None:
    User.objects.update(language="en")


def org(name: str = MINE) -> Agency:
    return Agency.objects.get(name=name)


def rows(api: Client, url: str) -> list[dict[str, Any]]:
    response = api.get(url)
    assert response.status_code == 200, response.content
    return list(response.json()["results"])


def test_organisations_are_listed_with_filters(api_for: Callable[..., Client]) -> None:
    api = api_for("congthuong")
    names = {r["name"] for r in rows(api, "/api/v1/organisations/")}
    assert {MINE, QUARRY} <= names
    quarries = rows(api, "/api/v1/organisations/?sector=quarrying")
    assert [r["name"] for r in quarries] == [QUARRY]
    assert quarries[0]["licence_standing"] == "in_force"
    expiring = rows(api, "/api/v1/organisations/?licence=expiring")
    assert [r["name"] for r in expiring] == [MINE]
    commune = org(QUARRY).admin_unit_id
    assert [r["name"] for r in rows(api, f"/api/v1/organisations/?commune={commune}")] == [QUARRY]


def test_the_licensing_department_creates_and_edits_an_organisation(
    api_for: Callable[..., Client],
) -> None:
    api = api_for("congthuong", scope="write")
    dit = Agency.objects.get(name="Sở Công Thương")
    body = {"name": "Công ty API Thử", "tax_code": "5700000333", "sector": "construction",
            "admin_unit": AdminUnit.objects.get(code="06793").pk, "licensing_agency": dit.pk}  # fmt: skip
    response = api.post("/api/v1/organisations/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert OrganisationProfile.objects.get(pk=pk).organisation.name == "Công ty API Thử"
    patch = api.patch(f"/api/v1/organisations/{pk}/", {"parent_group": "Nhóm A"},
                      content_type="application/json")  # fmt: skip
    assert patch.status_code == 200 and patch.json()["parent_group"] == "Nhóm A"
    before = AuditEvent.objects.count()
    clash = api.post("/api/v1/organisations/", {**body, "name": "Khác"},
                     content_type="application/json")  # fmt: skip
    assert clash.status_code == 400
    assert "tax_code" in clash.json()["error"]["fields"]
    assert AuditEvent.objects.count() == before
    refused = api_for("kho_mo", scope="write").patch(
        f"/api/v1/organisations/{org().pk}/", {"parent_group": "X"},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 403


def test_kho_mo_gets_404_for_every_record_of_another_organisation(
    api_for: Callable[..., Client], client_for: Callable[[str], Client]
) -> None:
    quarry = org(QUARRY)
    store = Store.objects.get(owning_agency=quarry)
    objects = {
        "organisations": quarry.pk,
        "stores": store.pk,
        "licences": Licence.objects.get(owning_agency=quarry).pk,
        "balances": Balance.objects.filter(owning_agency=quarry).first().pk,  # type: ignore[union-attr]
        "movements": LedgerEntry.objects.filter(owning_agency=quarry).first().pk,  # type: ignore[union-attr]
        "inspections": Inspection.objects.get(owning_agency=quarry).pk,
    }
    api = api_for("kho_mo")
    for plural, pk in objects.items():
        assert api.get(f"/api/v1/{plural}/{pk}/").status_code == 404, plural
        assert pk not in {r["id"] for r in rows(api, f"/api/v1/{plural}/?page_size=500")}, plural
    pages = client_for("kho_mo")
    for name, pk in (("organisation_detail", quarry.pk), ("store_detail", store.pk),
                     ("licence_detail", objects["licences"]),
                     ("inspection_detail", objects["inspections"])):  # fmt: skip
        assert pages.get(f"/controlled/{name.split('_')[0]}s/{pk}/").status_code == 404, name
    # And congthuong sees them all.
    dit = api_for("congthuong")
    for plural, pk in objects.items():
        assert dit.get(f"/api/v1/{plural}/{pk}/").status_code == 200, plural


def test_licences_are_written_and_their_status_changed(api_for: Callable[..., Client]) -> None:
    api = api_for("congthuong", scope="write")
    dit = Agency.objects.get(name="Sở Công Thương")
    today = clock.today()
    body = {"organisation": org(QUARRY).pk, "issuer": dit.pk, "number": "999/GP-SCT",
            "kind": "transport", "valid_from": today.isoformat(),
            "valid_to": (today + dt.timedelta(days=365)).isoformat(),
            "item_classes": ["explosive"]}  # fmt: skip
    response = api.post("/api/v1/licences/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    bad = api.post("/api/v1/licences/", {**body, "number": "998", "valid_to": "2000-01-01"},
                   content_type="application/json")  # fmt: skip
    assert bad.status_code == 400
    no_reason = api.post(f"/api/v1/licences/{pk}/status/", {"status": "suspended", "reason": ""},
                         content_type="application/json")  # fmt: skip
    assert no_reason.status_code == 400
    ok = api.post(f"/api/v1/licences/{pk}/status/", {"status": "revoked", "reason": "Vi phạm"},
                  content_type="application/json")  # fmt: skip
    assert ok.status_code == 200 and ok.json()["status"] == "revoked"
    listed = rows(api, f"/api/v1/licences/?organisation={org(QUARRY).pk}&status=revoked")
    assert [r["id"] for r in listed] == [pk]


def test_store_capacity_is_not_lowered_below_what_it_holds(api_for: Callable[..., Client]) -> None:
    api = api_for("thuongtruc", scope="write")
    store = Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")
    before = list(StoreTotal.objects.filter(store=store).values_list("capacity", flat=True))
    response = api.patch(f"/api/v1/stores/{store.pk}/", {"capacities": {"explosive": 1}},
                         content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert "cannot be lowered" in response.json()["error"]["message"] + str(
        response.json()["error"]["fields"]
    )
    assert list(StoreTotal.objects.filter(store=store).values_list("capacity", flat=True)) == before
    ok = api.patch(f"/api/v1/stores/{store.pk}/", {"kind": "temporary"},
                   content_type="application/json")  # fmt: skip
    assert ok.status_code == 200 and ok.json()["kind"] == "temporary"


def test_balance_totals_group_by_organisation(api_for: Callable[..., Client]) -> None:
    api = api_for("congthuong")
    response = api.get("/api/v1/balances/totals/?by=organisation&item_class=explosive")
    assert response.status_code == 200
    totals = {r["name"]: r["quantity"] for r in response.json()}
    expected = sum(
        Balance.objects.filter(owning_agency=org(QUARRY), item__item_class="explosive").values_list(
            "quantity", flat=True
        )
    )
    assert totals[QUARRY] == expected
    mine_only = api_for("kho_mo").get("/api/v1/balances/totals/?by=organisation").json()
    assert {r["name"] for r in mine_only} == {MINE}
    assert api.get("/api/v1/balances/totals/?by=galaxy").status_code == 400


def test_a_transfer_is_posted_once_per_key(api_for: Callable[..., Client]) -> None:
    api = api_for("kho_mo", scope="write")
    main = Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")
    quarry = Store.objects.get(owning_agency=org(QUARRY))
    body = {"from_store": main.pk, "to_store": quarry.pk,
            "item": Item.objects.get(code="AN-NT13").pk, "quantity": "3", "unit": "kg"}  # fmt: skip
    headers = {"Idempotency-Key": "api-t-1"}
    first = api.post("/api/v1/transfers/", body, content_type="application/json", headers=headers)
    assert first.status_code == 201, first.content
    again = api.post("/api/v1/transfers/", body, content_type="application/json", headers=headers)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Transfer.objects.filter(idempotency_key="api-t-1").count() == 1
    no_key = api.post("/api/v1/transfers/", body, content_type="application/json")
    assert no_key.status_code == 400
    pk = first.json()["id"]
    receive = api.post(f"/api/v1/transfers/{pk}/receive/")
    assert receive.status_code == 403  # the quarry's storekeeper confirms, not the sender
    cancel = api.post(f"/api/v1/transfers/{pk}/cancel/", {"reason": "Nhầm"},
                      content_type="application/json")  # fmt: skip
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"
    unknown = api.post("/api/v1/transfers/", {**body, "to_store": 999_999},
                       content_type="application/json", headers={"Idempotency-Key": "api-t-2"})  # fmt: skip
    assert unknown.status_code == 400


def test_inspections_are_recorded_through_the_api(api_for: Callable[..., Client]) -> None:
    api = api_for("congthuong", scope="write")
    store = Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả")
    police = Agency.objects.get(name="Công an tỉnh Quảng Ninh")
    body = {"store": store.pk, "date": clock.today().isoformat(), "inspecting_agency": police.pk,
            "result": "suspended", "findings": ""}  # fmt: skip
    refused = api.post("/api/v1/inspections/", body, content_type="application/json")
    assert refused.status_code == 400
    body["findings"] = "Kho không đạt yêu cầu PCCC; tạm dừng hoạt động."
    response = api.post("/api/v1/inspections/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    listed = rows(api, f"/api/v1/inspections/?store={store.pk}&result=suspended")
    assert [r["id"] for r in listed] == [response.json()["id"]]
