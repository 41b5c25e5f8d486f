"""The training pages and API: the list with its filters and totals, planning with
dd/mm/yyyy dates and an audience, held with the final counts, cancel, the edit's
version check; the same through /api/v1/trainings/. The list costs the same queries
for more rows."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from vigil.core import clock
from vigil.core.audit import SystemActor
from vigil.exercises.trainings import services
from vigil.exercises.trainings.models import Training, TrainingStatus
from vigil.exercises.trainings.services import AudienceSpec
from vigil.org.models import Agency, Committee

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("test")


def _formset(rows: list[tuple[Any, Any]], initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        "audience-TOTAL_FORMS": len(rows), "audience-INITIAL_FORMS": initial,
        "audience-MIN_NUM_FORMS": 0, "audience-MAX_NUM_FORMS": 100,
    }  # fmt: skip
    for i, (agency, count) in enumerate(rows):
        data[f"audience-{i}-agency"] = agency
        data[f"audience-{i}-participants"] = count
    return data


def test_the_list_filters_and_totals(
    trainings: dict[str, Training], client_for: Callable[[str], Client],
    committee: Callable[[str], Committee],
) -> None:  # fmt: skip
    client = client_for("thuongtruc")
    page = client.get("/exercises/trainings/")
    assert page.status_code == 200
    totals = page.context["totals"]
    # Held: the province's (38 + 11) and commune A's (25 + 30); the planned one not counted.
    assert (totals.trainings, totals.held, totals.participants, totals.agencies) == (3, 2, 104, 4)
    assert 'class="participants-total">104<' in page.content.decode()
    planned = client.get("/exercises/trainings/", {"status": "planned"})
    assert [t.pk for t in planned.context["page"]] == [trainings["b"].pk]
    assert planned.context["totals"].participants == 0
    year = trainings["a"].starts_on.year
    assert client.get("/exercises/trainings/", {"year": year}).context["totals"].trainings == 3
    # A year without trainings is not offered (the API's filter takes any year).
    assert "year" in client.get("/exercises/trainings/", {"year": year - 1}).context["form"].errors
    of_a = client.get("/exercises/trainings/", {"committee": committee("a").pk})
    assert [t.pk for t in of_a.context["page"]] == [trainings["a"].pk]
    assert of_a.context["page"][0].participants_total == 55
    partial = client.get(
        "/exercises/trainings/", {"status": "held"}, headers={"HX-Request": "true"}
    )
    assert partial.content.decode().lstrip().startswith('<div id="results">')
    # Commune A's standing office: its own training only, and its totals.
    mine = client_for("xa_a").get("/exercises/trainings/").context["totals"]
    assert (mine.trainings, mine.participants) == (1, 55)


def test_a_training_is_planned_held_and_cancelled_through_the_pages(
    client_for: Callable[[str], Client], committee: Callable[[str], Committee],
    agency: Callable[[str], Agency],
) -> None:  # fmt: skip
    client = client_for("xa_a")
    assert client.get("/exercises/trainings/new/").status_code == 200
    today = clock.today()
    response = client.post("/exercises/trainings/new/", {
        "committee": committee("a").pk, "topic": "Tập huấn sơ cứu ban đầu",
        "starts_on": today.strftime("%d/%m/%Y"),
        "ends_on": (today + dt.timedelta(days=1)).strftime("%d/%m/%Y"),
        "trainer_unit": "Trung tâm Y tế", "classification": 0,
        **_formset([(agency("police_a").pk, 12), (agency("airport").pk, ""), ("", "")]),
    })  # fmt: skip
    assert response.status_code == 302
    training = Training.objects.get(topic="Tập huấn sơ cứu ban đầu")
    assert response["Location"] == training.get_absolute_url()
    assert training.ends_on == today + dt.timedelta(days=1)
    assert dict(training.audience.values_list("agency__name", "participants")) == {
        "Công an đặc khu Vân Đồn": 12, "Cảng hàng không quốc tế Vân Đồn": 0,
    }  # fmt: skip
    detail = client.get(training.get_absolute_url()).content.decode()
    assert "Trung tâm Y tế" in detail and f"/exercises/trainings/{training.pk}/held/" in detail

    held = client.get(f"/exercises/trainings/{training.pk}/held/")
    assert held.status_code == 200
    response = client.post(f"/exercises/trainings/{training.pk}/held/", {
        "version": training.version,
        **_formset([(agency("police_a").pk, 11), (agency("airport").pk, 9)], initial=2),
    })  # fmt: skip
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.status == TrainingStatus.HELD
    assert sorted(training.audience.values_list("participants", flat=True)) == [9, 11]
    assert client.get(f"/exercises/trainings/{training.pk}/").context["participants"] == 20

    other = services.plan_training(committee("a"), actor=SYSTEM, topic="Tập huấn hoãn",
                                   starts_on=today, ends_on=today)  # fmt: skip
    response = client.post(f"/exercises/trainings/{other.pk}/cancel/",
                           {"version": other.version, "reason": ""})  # fmt: skip
    assert response.status_code == 400
    response = client.post(f"/exercises/trainings/{other.pk}/cancel/",
                           {"version": other.version, "reason": "Hoãn do bão"})  # fmt: skip
    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.status, other.cancel_reason) == ("cancelled", "Hoãn do bão")


def test_the_edit_page_refuses_a_version_someone_else_replaced(
    trainings: dict[str, Training], client_for: Callable[[str], Client],
) -> None:  # fmt: skip
    b = trainings["b"]
    client = client_for("thuongtruc")
    form = client.get(f"/exercises/trainings/{b.pk}/edit/").context["form"]
    data = {name: ("" if v is None else getattr(v, "pk", v)) for name, v in form.initial.items()}
    data |= {"starts_on": b.starts_on.strftime("%d/%m/%Y"), "ends_on": b.ends_on.strftime("%d/%m/%Y"),
             "place": "Nhà văn hóa khu 3", "audience-0-agency": b.audience.get().agency_id,
             "audience-0-participants": 25, "audience-TOTAL_FORMS": 1,
             "audience-INITIAL_FORMS": 1, "audience-MIN_NUM_FORMS": 0,
             "audience-MAX_NUM_FORMS": 100}  # fmt: skip
    services.change_training(b, actor=SYSTEM, trainer_unit="Công an tỉnh")  # someone else saves
    response = client.post(f"/exercises/trainings/{b.pk}/edit/", data)
    assert response.status_code == 400
    assert "Người khác vừa thay đổi lớp tập huấn này" in response.content.decode()
    b.refresh_from_db()
    assert b.place != "Nhà văn hóa khu 3"
    data["version"] = b.version
    assert client.post(f"/exercises/trainings/{b.pk}/edit/", data).status_code == 302
    b.refresh_from_db()
    assert (b.place, b.audience.get().participants) == ("Nhà văn hóa khu 3", 25)


def _json(api: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(api, method)(url, json.dumps(body), content_type="application/json")


def test_the_api_plans_changes_holds_and_cancels(
    api_for: Callable[..., Client], committee: Callable[[str], Committee],
    agency: Callable[[str], Agency],
) -> None:  # fmt: skip
    api = api_for("xa_a", scope="write")
    today = clock.today()
    response = _json(api, "post", "/api/v1/trainings/", {
        "committee": committee("a").pk, "topic": "Tập huấn qua API",
        "starts_on": today.isoformat(), "ends_on": today.isoformat(),
        "audience": [{"agency": agency("police_a").pk, "participants": 7}],
    })  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["participants_total"] == 7 and body["status"] == "planned"
    assert body["owning_agency"] == agency("police_a").pk
    pk = body["id"]
    response = _json(
        api, "patch", f"/api/v1/trainings/{pk}/", {"version": 1, "place": "Hội trường"}
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    stale = _json(api, "patch", f"/api/v1/trainings/{pk}/", {"version": 1, "place": "Khác"})
    assert stale.status_code == 400
    response = _json(api, "post", f"/api/v1/trainings/{pk}/held/", {
        "version": 2, "audience": [{"agency": agency("police_a").pk, "participants": 6},
                                   {"agency": agency("airport").pk, "participants": 4}],
    })  # fmt: skip
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["participants_total"]) == ("held", 10)
    refused = _json(api, "post", f"/api/v1/trainings/{pk}/cancel/", {"reason": "Muộn"})
    assert refused.status_code == 400  # held is final
    assert _json(api_for("xa_a"), "post", "/api/v1/trainings/", {}).status_code == 403  # read token
    other = services.plan_training(committee("a"), actor=SYSTEM, topic="Tập huấn hủy",
                                   starts_on=today, ends_on=today)  # fmt: skip
    response = _json(api, "post", f"/api/v1/trainings/{other.pk}/cancel/", {"reason": "Trùng lịch"})
    assert response.status_code == 200 and response.json()["cancel_reason"] == "Trùng lịch"
    kiemtoan = api_for("kiemtoan", scope="write")
    assert _json(kiemtoan, "post", f"/api/v1/trainings/{pk}/held/", {}).status_code == 403


def test_the_api_list_filters(
    trainings: dict[str, Training], api_for: Callable[..., Client],
    committee: Callable[[str], Committee],
) -> None:  # fmt: skip
    api = api_for("thuongtruc")
    year = trainings["a"].starts_on.year

    def ids(query: str) -> set[int]:
        response = api.get(f"/api/v1/trainings/?{query}")
        assert response.status_code == 200, query
        return {row["id"] for row in response.json()["results"]}

    assert ids("status=held") == {trainings["province"].pk, trainings["a"].pk}
    assert ids(f"committee={committee('b').pk}") == {trainings["b"].pk}
    assert ids(f"year={year}") == {t.pk for t in trainings.values()}
    assert ids(f"year={year + 1}") == set()
    assert api.get("/api/v1/trainings/?status=nope").status_code == 400
    row = api.get(f"/api/v1/trainings/{trainings['province'].pk}/").json()
    assert {a["participants"] for a in row["audience"]} == {38, 11}


@pytest.mark.parametrize("url", ["/exercises/trainings/", "/api/v1/trainings/"])
def test_the_training_lists_cost_the_same_queries_for_more_rows(
    url: str, client_for: Callable[[str], Client], committee: Callable[[str], Committee],
    agency: Callable[[str], Agency],
) -> None:  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("thuongtruc")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    queries()
    before = queries()
    today = clock.today()
    for i in range(3):
        services.plan_training(
            committee("a"), actor=SYSTEM, topic=f"Tập huấn thử {i}", starts_on=today,
            ends_on=today, classification=1, shared_agencies=[agency("dit")],
            audience=[AudienceSpec(agency("police_a"), i), AudienceSpec(agency("airport"), 2)],
        )  # fmt: skip
    assert queries() == before
