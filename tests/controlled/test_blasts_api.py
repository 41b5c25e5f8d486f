"""The blasts API: open, list with the "does not balance" filter, results and close
as actions; refusals as the API's one 400, 403 for a reader, 404 outside scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from vigil.accounts.models import User
from vigil.controlled.blasts.demo import CLOSED_NUMBER, UNBALANCED_NUMBER
from vigil.controlled.models import Blast, ControlledAction, Item, LedgerEntry, Store
from vigil.core import clock
from vigil.core.models import AuditEvent
from vigil.org.models import Agency, ContactPoint

MINE = "Công ty Cổ phần Than Demo Cẩm Phả"
pytestmark = pytest.mark.django_db
URL = "/api/v1/blasts/"


@pytest.fixture(autouse=True)
def _english(db: None) -> None:
    User.objects.update(language="en")


def body(number: str = "HCN-API1", **kw: Any) -> dict[str, Any]:
    mine = Agency.objects.get(name=MINE)
    contact = ContactPoint.objects.filter(agency=mine).order_by("pk").first()
    assert contact is not None
    values: dict[str, Any] = {
        "store": Store.objects.get(name="Kho VLNCN trung tâm Cẩm Phả").pk,
        "number": number, "site_name": "Lò chợ +60", "admin_unit": mine.admin_unit_id,
        "fired_at": clock.now().isoformat(), "person_in_charge": contact.pk,
        "lines": [
            {"item": Item.objects.get(code="AN-NT13").pk, "quantity": "40", "unit": "kg"},
            {"item": Item.objects.get(code="KD-VN2").pk, "quantity": "12", "unit": "pcs"},
        ],
    }  # fmt: skip
    values.update(kw)
    return values


def post(api: Client, url: str, data: dict[str, Any]) -> Any:
    return api.post(url, data, content_type="application/json")


def written() -> tuple[int, int, int]:
    return LedgerEntry.objects.count(), AuditEvent.objects.count(), Blast.objects.count()


def test_the_storekeeper_opens_records_and_closes(api_for: Callable[..., Client]) -> None:
    api = api_for("kho_mo", "write")
    created = post(api, URL, body())
    assert created.status_code == 201, created.content
    blast = created.json()
    assert blast["status"] == "open" and [line["issued"] for line in blast["lines"]] == [40_000, 12]
    assert blast["lines"][0]["shown_issued"] == "40 kg"
    nt13, det = (line["id"] for line in blast["lines"])
    short = {"results": [{"line": nt13, "used": "37", "returned": "1", "unit": "kg"},
                         {"line": det, "used": "12", "returned": "0", "unit": "pcs"}]}  # fmt: skip
    recorded = post(api, f"{URL}{blast['id']}/results/", short)
    assert recorded.status_code == 200 and recorded.json()["stands_out"] is True
    before = written()
    refused = post(api, f"{URL}{blast['id']}/close/", {})
    assert refused.status_code == 400
    assert "2 kg unaccounted for" in refused.content.decode()
    assert written() == before
    even = {"results": [{"line": nt13, "used": "37", "returned": "3", "unit": "kg"}]}
    closed = post(api, f"{URL}{blast['id']}/close/", even)
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["stands_out"] is False
    assert all(line["balanced"] for line in closed.json()["lines"])
    again = post(api, f"{URL}{blast['id']}/close/", {})
    assert again.status_code == 400 and "already closed" in again.content.decode()
    actions = set(
        AuditEvent.objects.filter(object_id=str(blast["id"]), action__startswith="blast.")
        .values_list("action", flat=True)
    )  # fmt: skip
    assert actions == {
        ControlledAction.BLAST_OPENED, ControlledAction.BLAST_RESULTS_RECORDED,
        ControlledAction.BLAST_CLOSED,
    }  # fmt: skip


def test_the_list_filters_what_does_not_balance(api_for: Callable[..., Client]) -> None:
    api = api_for("congthuong")
    every = {b["number"] for b in api.get(URL).json()["results"]}
    assert {CLOSED_NUMBER, UNBALANCED_NUMBER} <= every
    off = api.get(URL + "?unbalanced=true").json()["results"]
    assert [b["number"] for b in off] == [UNBALANCED_NUMBER] and off[0]["stands_out"]
    rest = {b["number"] for b in api.get(URL + "?unbalanced=false").json()["results"]}
    assert UNBALANCED_NUMBER not in rest and CLOSED_NUMBER in rest
    assert api.get(URL + "?unbalanced=perhaps").status_code == 400
    closed = api.get(URL + "?status=closed").json()["results"]
    assert [b["number"] for b in closed] == [CLOSED_NUMBER]


def test_a_reader_may_not_write_and_others_do_not_find_it(api_for: Callable[..., Client]) -> None:
    blast = Blast.objects.get(number=UNBALANCED_NUMBER)
    reader = api_for("congthuong", "write")
    others = [api_for(name, "write") for name in ("xa_a", "bienphong")]
    before = written()  # creating the tokens is audited; what follows writes nothing
    assert reader.get(f"{URL}{blast.pk}/").status_code == 200
    assert post(reader, URL, body("HCN-API2")).status_code == 403
    assert post(reader, f"{URL}{blast.pk}/close/", {}).status_code == 403
    assert post(reader, f"{URL}{blast.pk}/results/", {"results": []}).status_code == 403
    for other in others:
        assert other.get(f"{URL}{blast.pk}/").status_code == 404
        assert post(other, f"{URL}{blast.pk}/close/", {}).status_code == 404
        assert blast.number not in other.get(URL).content.decode()
    assert written() == before


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"lines": []}, "lines"),
        ({"number": ""}, "number"),
        ({"fired_at": "yesterday"}, "fired_at"),
        ({"person_in_charge": 999_999}, "No contact point you see"),
        ({"lines": [{"item": 1, "quantity": "-2", "unit": "kg"}]}, "greater than zero"),
    ],
)
def test_bad_input_is_a_400_with_nothing_written(
    api_for: Callable[..., Client], change: dict[str, Any], words: str
) -> None:
    api = api_for("kho_mo", "write")
    before = written()
    response = post(api, URL, body(**change))
    assert response.status_code == 400 and words in response.content.decode()
    assert written() == before


def test_a_duplicate_passport_number_is_a_400(api_for: Callable[..., Client]) -> None:
    api = api_for("kho_mo", "write")
    assert post(api, URL, body("HCN-SAME")).status_code == 201
    before = written()
    again = post(api, URL, body("HCN-SAME"))
    assert again.status_code == 400 and "passport number HCN-SAME" in again.content.decode()
    assert written() == before
