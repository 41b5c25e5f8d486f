"""The work figures of a committee over a period, on a small controlled set in 2029 (a
year the demo leaves empty): what counts (the committee and those below it, the period,
what the viewer sees) and what the scorecard's rules make of each task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.work.helpers import agency, commune, province
from vigil.core.audit import SystemActor
from vigil.core.classification import Classification
from vigil.org.figure_periods import bounds
from vigil.work.figures.queries import work_figures
from vigil.work.tasks import services as task_services

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
SEED = SystemActor("test")


def at(day: str, hour: int = 9) -> Any:
    return time_machine.travel(
        dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), VN), tick=False
    )


@pytest.fixture
def world() -> None:
    with at("2029-03-01"):
        dit, border = task_services.assign_task(
            province(), lead=[agency("dit"), agency("border")], title="Kiểm tra",
            deadline=dt.date(2029, 3, 10), actor=SEED,
        )  # fmt: skip
        task_services.assign_task(
            province(), lead=[agency("police")], title="Mật", deadline=dt.date(2029, 3, 10),
            classification=Classification.SECRET, actor=SEED,
        )  # fmt: skip
        task_services.assign_task(
            commune("a"), lead=[agency("police_a")], title="Tuyên truyền",
            deadline=dt.date(2029, 3, 15), actor=SEED,
        )  # fmt: skip
    with at("2029-03-01", 12):
        task_services.acknowledge_task(dit, actor=SEED)
    with at("2029-03-05"):
        task_services.report_done(dit, note="Xong.", actor=SEED)
        task_services.accept_task(dit, actor=SEED)
    with at("2029-03-15", 10):
        task_services.acknowledge_task(border, actor=SEED)
        task_services.report_done(border, note="Xong.", actor=SEED)
        task_services.accept_task(border, actor=SEED)
    with at("2029-04-02"):
        task_services.assign_task(
            province(), lead=[agency("dit")], title="Sau kỳ", deadline=dt.date(2029, 4, 20),
            actor=SEED,
        )  # fmt: skip


def test_tasks_by_agency_in_the_quarter(world: None, persona: Callable[[str], Any]) -> None:
    start, end = bounds(2029, "q1")
    with at("2029-05-01"):
        f = work_figures(persona("thuongtruc"), committee=province(), start=start, end=end)
    rows = {a.agency: a for a in f.agencies}
    # The secret task is above the viewer's clearance; April's is outside the quarter.
    assert sorted(rows) == sorted([agency("dit").name, agency("border").name,
                                   agency("police_a").name])  # fmt: skip
    assert (rows[agency("dit").name].on_time, rows[agency("dit").name].late) == (1, 0)
    assert (rows[agency("border").name].on_time, rows[agency("border").name].late) == (0, 1)
    police_a = rows[agency("police_a").name]
    assert (police_a.open, police_a.overdue) == (1, 1)  # open past its deadline on 31/03
    assert (f.total("assigned"), f.total("late"), f.total("overdue")) == (3, 1, 1)
    assert f.ack_median_hours == 170.0  # 3 hours and 337 hours
    assert f.levels["coordination"] == Classification.UNCLASSIFIED


def test_a_committee_below_counts_only_its_own(world: None, persona: Callable[[str], Any]) -> None:
    start, end = bounds(2029)
    with at("2029-05-01"):
        f = work_figures(persona("thuongtruc"), committee=commune("a"), start=start, end=end)
    assert [a.agency for a in f.agencies] == [agency("police_a").name]


def test_overdue_is_counted_as_of_today_when_earlier(
    world: None, persona: Callable[[str], Any]
) -> None:
    start, end = bounds(2029, "q1")
    with at("2029-03-12"):
        f = work_figures(persona("thuongtruc"), committee=province(), start=start, end=end)
    assert f.as_of == dt.date(2029, 3, 12)
    assert f.total("overdue") == 0  # commune A's task is due on 15/03


def test_a_year_with_nothing_counts_nothing(persona: Callable[[str], Any]) -> None:
    start, end = bounds(2031)
    f = work_figures(persona("thuongtruc"), committee=province(), start=start, end=end)
    assert f.agencies == [] and f.documents_issued == 0 and f.reports_expected == 0
    assert f.ack_median_hours is None and f.classification == 0


def test_the_page_and_the_api_show_the_function(
    world: None, client_for: Callable[[str], Any], api_for: Callable[..., Any],
    persona: Callable[[str], Any],
) -> None:  # fmt: skip
    query = f"?year=2029&period=q1&committee={province().pk}"
    with at("2029-05-01"):
        page = client_for("thuongtruc").get("/work/figures/" + query)
        data = api_for("thuongtruc").get("/api/v1/work-figures/" + query).json()
        f = work_figures(persona("thuongtruc"), committee=province(), start=dt.date(2029, 1, 1),
                         end=dt.date(2029, 3, 31))  # fmt: skip
    assert page.status_code == 200
    assert page.context["figures"] == f
    assert data["tasks"]["assigned"] == 3 and data["tasks"]["late"] == 1
    assert data["ack_median_hours"] == 170.0
    assert agency("border").name in page.content.decode()


def test_the_api_refuses_a_committee_not_seen(api_for: Callable[..., Any]) -> None:
    response = api_for("xa_a").get("/api/v1/work-figures/?committee=999999")
    assert response.status_code == 400
    assert "committee" in response.json()["error"]["fields"]


def test_a_commune_sees_only_its_share_of_the_province(
    world: None, persona: Callable[[str], Any]
) -> None:
    with at("2029-05-01"):
        f = work_figures(persona("xa_a"), committee=province(), start=dt.date(2029, 1, 1),
                         end=dt.date(2029, 3, 31))  # fmt: skip
    assert agency("dit").name not in [a.agency for a in f.agencies]


def test_the_users_committee_by_default(
    client_for: Callable[[str], Any], api_for: Callable[..., Any]
) -> None:
    page = client_for("xa_a").get("/work/figures/?year=2029&period=h1")
    data = api_for("xa_a").get("/api/v1/work-figures/?year=2029&period=h1").json()
    assert page.context["asked"].committee == commune("a")
    assert page.context["figures"].end == dt.date(2029, 6, 30)
    assert (data["committee"], data["end"]) == (commune("a").pk, "2029-06-30")
