"""The exercise pages and API through the scope rule and the lifecycle: commune B sees
nothing of commune A's exercise (404), the Mật market drill is 404 below clearance, a
participating agency's user sees the exercise and changes nothing (403); a keeper plans,
conducts, evaluates, closes and cancels through the pages and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tests.exercises.evaluation.helpers import conducted
from vigil.core import clock
from vigil.core.dates import shown
from vigil.core.models import AuditEvent
from vigil.exercises.drills.models import Exercise, ExerciseStatus
from vigil.org.models import Agency, Committee
from vigil.sites.models import Plan

pytestmark = pytest.mark.django_db
S = ExerciseStatus


def vi(message: str) -> str:
    """A message as the pages show it to a Vietnamese user (the personas' language)."""
    with translation.override("vi"):
        return translation.gettext(message)


STEPS = ("edit/", "objectives/add/", "conduct/", "finish-evaluation/", "close/", "cancel/")


def _url(exercise: Exercise, rest: str = "") -> str:
    return f"/exercises/{exercise.pk}/{rest}"


def _api(exercise: Exercise, rest: str = "") -> str:
    return f"/api/v1/exercises/{exercise.pk}/{rest}"


def test_commune_b_does_not_see_commune_a_exercise(
    exercises: dict[str, Exercise], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    airport = exercises["airport"]
    assert client_for("xa_a").get(_url(airport)).status_code == 200
    xa_b = client_for("xa_b")
    for rest in ("", *STEPS):
        assert xa_b.get(_url(airport, rest)).status_code == 404, rest
    assert airport.name not in xa_b.get("/exercises/").content.decode()
    api = api_for("xa_b", scope="write")
    assert api.get(_api(airport)).status_code == 404
    assert api.patch(_api(airport), {"version": 1, "name": "x"},
                     content_type="application/json").status_code == 404  # fmt: skip
    for verb in ("conduct/", "finish-evaluation/", "close/", "cancel/", "objectives/"):
        response = api.post(_api(airport, verb), {}, content_type="application/json")
        assert response.status_code == 404, verb
    ids = {row["id"] for row in api.get("/api/v1/exercises/?page_size=500").json()["results"]}
    assert airport.pk not in ids


def test_the_confidential_market_drill_is_404_below_clearance(
    exercises: dict[str, Exercise], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    market = exercises["market"]
    # Commune B's own drill, but Mật: above xa_b's clearance (Thường).
    assert client_for("xa_b").get(_url(market)).status_code == 404
    assert api_for("xa_b").get(_api(market)).status_code == 404
    ids = {row["id"] for row in api_for("xa_b").get("/api/v1/exercises/").json()["results"]}
    assert market.pk not in ids
    # The standing office (Mật) sees it, and the read is audited.
    before = AuditEvent.objects.filter(action="object.viewed").count()
    page = client_for("thuongtruc").get(_url(market))
    assert page.status_code == 200 and market.name in page.content.decode()
    assert AuditEvent.objects.filter(action="object.viewed").count() == before + 1
    viewed = AuditEvent.objects.filter(action="object.viewed").latest("seq")
    assert viewed.object_id == str(market.pk) and viewed.classification == 1


def test_a_participating_agency_sees_the_exercise_and_changes_nothing(
    exercises: dict[str, Exercise], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    seaport = exercises["seaport"]
    client = client_for("congthuong")  # Sở Công Thương takes part in the seaport tabletop
    page = client.get(_url(seaport))
    assert page.status_code == 200
    body = page.content.decode()
    assert seaport.name in body and "Sở Công Thương" in body
    assert _url(seaport, "edit/") not in body
    for rest in STEPS:
        assert client.get(_url(seaport, rest)).status_code == 403, rest
    assert seaport.name in client.get("/exercises/").content.decode()
    api = api_for("congthuong", scope="write")
    assert api.get(_api(seaport)).json()["name"] == seaport.name
    refused = api.post(_api(seaport, "finish-evaluation/"), {}, content_type="application/json")
    assert refused.status_code == 403
    # Commune A's drill: not a participant, not seen.
    assert client.get(_url(exercises["airport"])).status_code == 404


def test_the_detail_shows_the_steps_and_what_is_missing(
    exercises: dict[str, Exercise], client_for: Callable[[str], Client]
) -> None:
    seaport = conducted(objectives=3)  # conducted, objectives not yet rated
    body = client_for("thuongtruc").get(_url(seaport)).content.decode()
    for rest in ("edit/", "objectives/add/", "finish-evaluation/"):
        assert _url(seaport, rest) in body, rest
    for rest in ("conduct/", "close/", "cancel/"):
        assert _url(seaport, rest) not in body, rest
    assert vi("the after-action summary is empty") in body
    # A step the state does not open is 403 on its page.
    assert client_for("thuongtruc").get(_url(seaport, "conduct/")).status_code == 403


def _new_form(committee: Committee, **changes: Any) -> dict[str, Any]:
    plan = Plan.objects.get(code_name="KB-CB 01")
    dit = Agency.objects.get(name="Sở Công Thương")
    day = shown(clock.today() + dt.timedelta(days=30))
    data: dict[str, Any] = {
        "type": "tabletop", "name": "Diễn tập sa bàn cảng Cái Lân", "scenario": "Bom tại cảng",
        "starts_on": day, "ends_on": day, "place": "Hội trường", "plans": [plan.pk],
        "classification": 0,
        "participants-TOTAL_FORMS": 2, "participants-INITIAL_FORMS": 0,
        "participants-0-agency": dit.pk, "participants-0-people": 6,
        "participants-0-equipment": 1,
        "objectives-TOTAL_FORMS": 2, "objectives-INITIAL_FORMS": 0,
        "objectives-0-text": "Kích hoạt sở chỉ huy", "objectives-0-capability": "command",
    }  # fmt: skip
    return data | changes


def test_a_keeper_plans_through_the_page(client_for: Callable[[str], Client]) -> None:
    province = Committee.objects.get(level=Committee.Level.PROVINCE)
    client = client_for("thuongtruc")
    form = client.get(f"/exercises/new/?committee={province.pk}")
    assert form.status_code == 200 and "KB-CB 01" in form.content.decode()
    response = client.post(f"/exercises/new/?committee={province.pk}", _new_form(province))
    assert response.status_code == 302, response.content.decode()[:3000]
    exercise = Exercise.objects.get(name="Diễn tập sa bàn cảng Cái Lân")
    assert response["Location"] == _url(exercise)
    assert exercise.owning_committee == province and exercise.status == S.PLANNED
    assert [p.people for p in exercise.participants.all()] == [6]
    assert list(exercise.objectives.values_list("capability", flat=True)) == ["command"]
    assert exercise.owning_agency == province.standing_agency


def test_commune_a_is_offered_only_its_own_plans(client_for: Callable[[str], Client]) -> None:
    body = client_for("xa_a").get("/exercises/new/").content.decode()
    assert "KB-SB 01" in body  # commune A's airport plan
    assert "KB-CB 01" not in body and "KB-MC 01" not in body
    assert client_for("congthuong").get("/exercises/new/").status_code == 404


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"ends_on": shown(clock.today())}, "An exercise cannot end before it starts."),
        ({"type": "parade"}, "parade"),
        ({"participants-0-people": -3}, "Counts cannot be negative."),
    ],
)
def test_bad_input_on_the_page_writes_nothing(
    changes: dict[str, Any], words: str, client_for: Callable[[str], Client]
) -> None:
    province = Committee.objects.get(level=Committee.Level.PROVINCE)
    before = Exercise.objects.count()
    response = client_for("thuongtruc").post(
        f"/exercises/new/?committee={province.pk}", _new_form(province, **changes),
    )  # fmt: skip
    assert response.status_code == 400
    assert vi(words) in response.content.decode()
    assert Exercise.objects.count() == before


def test_an_agency_outside_the_tree_and_another_committee_plan_are_refused_on_the_page(
    client_for: Callable[[str], Client],
) -> None:
    a = Committee.objects.get(name__endswith="đặc khu Vân Đồn")
    police_b = Agency.objects.get(name="Công an phường Móng Cái 1")
    client = client_for("thuongtruc")  # keeps the province and both communes
    data = _new_form(a, plans=[Plan.objects.get(code_name="KB-SB 01").pk],
                     **{"participants-0-agency": police_b.pk})  # fmt: skip
    before = Exercise.objects.count()
    response = client.post(f"/exercises/new/?committee={a.pk}", data)
    # Commune B's police are not offered in commune A's tree: the page is sent back.
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    data = _new_form(a, plans=[Plan.objects.get(code_name="KB-CB 01").pk])
    response = client.post(f"/exercises/new/?committee={a.pk}", data)
    assert response.status_code == 400  # the province's plan is not offered for commune A
    assert 'class="errorlist"' in response.content.decode()
    assert Exercise.objects.count() == before


def test_the_lifecycle_through_the_pages(
    exercises: dict[str, Exercise], client_for: Callable[[str], Client]
) -> None:
    client = client_for("thuongtruc")
    province = exercises["province"]
    assert client.get(_url(province, "cancel/")).status_code == 200
    refused = client.post(_url(province, "cancel/"), {"reason": ""})
    assert refused.status_code == 400
    done = client.post(_url(province, "cancel/"), {"reason": "Hoãn sang năm sau"})
    assert done.status_code == 302
    province.refresh_from_db()
    assert province.status == S.CANCELLED

    seaport = conducted(objectives=3)
    refused = client.post(_url(seaport, "finish-evaluation/"), {"summary": "Tốt"})
    unrated = vi("Rate every objective first (not yet rated: %(numbers)s).") % {
        "numbers": "1, 2, 3"}  # fmt: skip
    assert refused.status_code == 400 and unrated in refused.content.decode()
    seaport.objectives.update(rating="P", rated_at=clock.now())
    assert client.post(_url(seaport, "finish-evaluation/"), {"summary": ""}).status_code == 302
    close = client.get(_url(seaport, "close/"))
    assert close.status_code == 200
    assert vi("the after-action summary is empty") in close.content.decode()
    refused = client.post(_url(seaport, "close/"))
    assert refused.status_code == 400
    why = vi("The exercise cannot be closed yet: %(missing)s.") % {
        "missing": vi("the after-action summary is empty")}  # fmt: skip
    assert why in refused.content.decode()
    seaport.refresh_from_db()
    assert seaport.status == S.EVALUATED
    edit = client.post(_url(seaport, "edit/"), {
        "version": seaport.version, "name": seaport.name, "scenario": seaport.scenario,
        "place": seaport.place, "site": seaport.site_id or "", "summary": "Đạt yêu cầu, cần diễn tập lại.",
        "participants-TOTAL_FORMS": 0, "participants-INITIAL_FORMS": 0,
    })  # fmt: skip
    assert edit.status_code == 302
    assert client.post(_url(seaport, "close/")).status_code == 302
    seaport.refresh_from_db()
    assert seaport.status == S.CLOSED
    assert seaport.participants.count() == 0  # the edit named none


def test_conducting_on_the_page_marks_the_plan(
    exercises: dict[str, Exercise], client_for: Callable[[str], Client], persona: Any
) -> None:
    from vigil.exercises.drills import services

    client = client_for("xa_a")
    airport_plan = Plan.objects.get(code_name="KB-SB 01")
    exercise = services.plan_exercise(
        Committee.objects.get(name__endswith="đặc khu Vân Đồn"), actor=persona("xa_a"),
        type="drill", name="Diễn tập lần hai", starts_on=clock.today() - dt.timedelta(days=1),
        ends_on=clock.today(), plans=[airport_plan],
        objectives=[services.ObjectiveSpec("Phong tỏa", "cordon")],
    )  # fmt: skip
    form = client.get(_url(exercise, "conduct/"))
    assert form.status_code == 200
    future = shown(clock.today() + dt.timedelta(days=1))
    assert client.post(_url(exercise, "conduct/"), {"on": future}).status_code == 400
    response = client.post(_url(exercise, "conduct/"), {"on": shown(clock.today())})
    assert response.status_code == 302
    airport_plan.refresh_from_db()
    assert airport_plan.last_exercised_on == clock.today()


def test_the_edit_page_refuses_a_stale_version(
    exercises: dict[str, Exercise], client_for: Callable[[str], Client]
) -> None:
    province = exercises["province"]
    client = client_for("thuongtruc")
    data = {
        "version": province.version, "type": province.type, "name": "Tên mới",
        "starts_on": shown(province.starts_on), "ends_on": shown(province.ends_on),
        "classification": 0, "participants-TOTAL_FORMS": 0, "participants-INITIAL_FORMS": 0,
    }  # fmt: skip
    assert client.post(_url(province, "edit/"), data).status_code == 302
    stale = client.post(_url(province, "edit/"), data | {"name": "Tên khác"},
                        )  # fmt: skip
    assert stale.status_code == 400
    assert vi("Someone else changed this exercise in the meantime: reload it and try again.") in (
        stale.content.decode())  # fmt: skip
    province.refresh_from_db()
    assert province.name == "Tên mới"


def test_the_list_filters(
    exercises: dict[str, Exercise], client_for: Callable[[str], Client]
) -> None:
    client = client_for("thuongtruc")
    seaport_plan = Plan.objects.get(code_name="KB-CB 01")

    def names(query: str) -> set[str]:
        page = client.get("/exercises/?" + query).context["page"]
        return {e.name for e in page.object_list}

    assert names("type=tabletop") == {exercises["seaport"].name}
    assert names("status=planned") == {exercises["market"].name, exercises["province"].name}
    assert names(f"plan={seaport_plan.pk}") == {exercises["seaport"].name}
    assert names(f"site={exercises['seaport'].site_id}") == {
        exercises["seaport"].name, exercises["province"].name}  # fmt: skip
    a = Committee.objects.get(name__endswith="đặc khu Vân Đồn")
    assert names(f"committee={a.pk}") == {exercises["airport"].name}
    year = exercises["province"].starts_on.year
    assert exercises["province"].name in names(f"year={year}")
    body = client.get("/exercises/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Diễn tập trên sa bàn" in body  # the type's Vietnamese name


def test_the_api_plans_and_steps_an_exercise(api_for: Callable[..., Client]) -> None:
    province = Committee.objects.get(level=Committee.Level.PROVINCE)
    api = api_for("thuongtruc", scope="write")
    dit = Agency.objects.get(name="Sở Công Thương")
    plan = Plan.objects.get(code_name="KB-CB 01")
    day = (clock.today() - dt.timedelta(days=1)).isoformat()
    response = api.post("/api/v1/exercises/", {
        "committee": province.pk, "type": "functional", "name": "Diễn tập chỉ huy tham mưu",
        "starts_on": day, "ends_on": day, "plans": [plan.pk],
        "participants": [{"agency": dit.pk, "people": 3, "equipment": 0}],
        "objectives": [{"text": "Thông tin liên lạc", "capability": "communications"}],
    }, content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["participants"] == [{"agency": dit.pk, "people": 3, "equipment": 0}]
    assert body["plans"] == [plan.pk] and body["status"] == "planned"
    url = f"/api/v1/exercises/{body['id']}/"
    added = api.post(url + "objectives/", {"text": "Sơ tán", "capability": "cordon"},
                     content_type="application/json")  # fmt: skip
    assert added.status_code == 201 and added.json()["number"] == 2
    conducted = api.post(url + "conduct/", {"on": day}, content_type="application/json")
    assert conducted.status_code == 200 and conducted.json()["status"] == "conducted"
    refused = api.post(url + "finish-evaluation/", {}, content_type="application/json")
    assert refused.status_code == 400 and "1, 2" in refused.json()["error"]["message"]
    Exercise.objects.get(pk=body["id"]).objectives.update(rating="M", rated_at=clock.now())
    finished = api.post(url + "finish-evaluation/", {"summary": "Cần cải thiện."},
                        content_type="application/json")  # fmt: skip
    assert finished.status_code == 200 and finished.json()["missing_for_close"] == []
    closed = api.post(url + "close/", {}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    plan.refresh_from_db()
    assert plan.last_exercised_on == clock.today() - dt.timedelta(days=1)


def test_the_api_refuses_a_stale_version_with_409(
    exercises: dict[str, Exercise], api_for: Callable[..., Client]
) -> None:
    province = exercises["province"]
    api = api_for("thuongtruc", scope="write")
    ok = api.patch(_api(province), {"version": province.version, "place": "Bãi Cháy"},
                   content_type="application/json")  # fmt: skip
    assert ok.status_code == 200 and ok.json()["version"] == province.version + 1
    stale = api.patch(_api(province), {"version": province.version, "place": "Hạ Long"},
                      content_type="application/json")  # fmt: skip
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    province.refresh_from_db()
    assert province.place == "Bãi Cháy"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "2026-01-01"}, "ends_on"),
        ({"type": "parade"}, "type"),
        ({"participants": [{"agency": "DIT", "people": -1}]}, "participants.0.agency"),
        ({"participants": [{"agency": 0, "people": -1}]}, "participants.0.agency"),
        ("negative", "participants"),
        ("outside", "participants"),
        ("other_plan", "plans"),
    ],
)
def test_the_api_refuses_bad_input_and_writes_nothing(
    changes: Any, field: str, api_for: Callable[..., Client]
) -> None:
    a = Committee.objects.get(name__endswith="đặc khu Vân Đồn")
    police_a = Agency.objects.get(name="Công an đặc khu Vân Đồn")
    police_b = Agency.objects.get(name="Công an phường Móng Cái 1")
    day = clock.today().isoformat()
    data: dict[str, Any] = {"committee": a.pk, "type": "drill", "name": "Diễn tập lỗi",
                            "starts_on": day, "ends_on": day}  # fmt: skip
    if changes == "negative":
        data["participants"] = [{"agency": police_a.pk, "people": -5}]
    elif changes == "outside":
        data["participants"] = [{"agency": police_b.pk, "people": 5}]
    elif changes == "other_plan":
        data["plans"] = [Plan.objects.get(code_name="KB-CB 01").pk]
    else:
        data |= changes
    before = Exercise.objects.count()
    response = api_for("thuongtruc", scope="write").post(
        "/api/v1/exercises/", data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert field in error["fields"], error
    assert Exercise.objects.count() == before
    if changes == "negative":
        assert error["fields"]["participants"] == [vi("Counts cannot be negative.")]
