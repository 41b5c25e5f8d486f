"""The figures page, its .xlsx, the API, the command line and the home panel answer the
numbers of ``queries.exercise_figures`` for the same viewer, year and committee."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import lxml.html
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.exercises.figures.conftest import YEAR, Year, committee
from tests.exercises.figures.conftest import done as report_done
from vigil.exercises.figures.queries import exercise_figures
from vigil.exercises.summary import actions_in_state, summary_for

pytestmark = pytest.mark.django_db
URL = "/exercises/figures/"


def shown(client: Client, query: str = "") -> dict[str, str]:
    """The page's main table: label -> value as printed."""
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content.decode())
    rows = doc.xpath("//table[@id='exercise-figures']/tbody/tr")
    return {r[0].text_content(): r[1].text_content() for r in rows}


def test_the_page_and_the_api_answer_the_same_numbers(
    year: Year, persona: Callable[[str], Any], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    assert reverse("exercises:figures") == URL
    for username, query in (("thuongtruc", f"year={YEAR}"), ("xa_a", f"year={YEAR}"),
                            ("thuongtruc", f"year={YEAR}&committee={committee('a').pk}")):  # fmt: skip
        client = client_for(username)
        response = client.get(f"{URL}?{query}")
        f = response.context["figures"]
        c = committee("a") if "committee" in query else None
        assert f == exercise_figures(persona(username), YEAR, committee=c)
        api = api_for(username).get(f"/api/v1/exercise-figures/?{query}").json()
        assert api["exercises"] == f.exercises and api["year"] == YEAR
        assert {t["key"]: t["count"] for t in api["exercises_by_type"]} == f.by_type
        assert {s["key"]: s["count"] for s in api["exercises_by_status"]} == f.by_status
        assert api["participants"] == f.participants
        assert api["agencies_involved"] == f.agencies
        assert api["trainings_held"] == f.trainings_held
        assert (api["sites_exercised"], api["sites_total"]) == (f.sites_exercised, f.sites_total)
        assert api["sites_exercised_percent"] == f.sites_exercised_percent
        assert (api["corrective_actions_open"], api["corrective_actions_overdue"],
                api["corrective_actions_closed"]) == (
            f.actions_open, f.actions_overdue, f.actions_closed)  # fmt: skip
        assert api["median_days_to_close"] == f.median_days_to_close
        assert (api["plans_revision_required"], api["plans_revised"]) == (
            f.plans_revision_required, f.plans_revised)  # fmt: skip
        assert api["committee"] == (c.pk if c else None)
        table = shown(client, query)
        assert table["Số cuộc diễn tập (không tính cuộc đã hủy)"] == str(f.exercises)
        assert table["Số người tham dự"] == str(f.participants)
    f = exercise_figures(persona("thuongtruc"), YEAR)
    assert (f.exercises, f.participants, f.actions_overdue) == (3, 126 + 85, 1)


def test_without_a_year_the_page_and_the_api_show_this_year(
    year: Year, client_for: Callable[[str], Client], api_for: Callable[..., Client]
) -> None:
    assert client_for("thuongtruc").get(URL).context["figures"].year == YEAR
    assert api_for("thuongtruc").get("/api/v1/exercise-figures/").json()["year"] == YEAR


def test_bad_choices_are_refused_in_the_users_language(
    year: Year, client_for: Callable[[str], Client], api_for: Callable[..., Client]
) -> None:
    api = api_for("kho_mo")  # sees no committee: any id is one it may not choose
    for query in (f"committee={committee('a').pk}", "committee=99999"):
        response = api.get(f"/api/v1/exercise-figures/?{query}")
        assert response.status_code == 400
        assert response.json()["error"]["fields"]["committee"] == [
            "Hãy chọn một ban chỉ đạo mà bạn được xem."
        ]
    response = api_for("thuongtruc").get("/api/v1/exercise-figures/?year=1800")
    assert response.status_code == 400 and "year" in response.json()["error"]["fields"]
    page = client_for("thuongtruc").get(f"{URL}?year=abc")
    assert page.status_code == 200 and page.context["invalid"]
    assert b"figures/xlsx/" not in page.content  # no download of figures it did not choose


def test_the_xlsx_opens_with_the_figures(
    year: Year, persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    response = client_for("thuongtruc").get(f"/exercises/figures/xlsx/?year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"so-lieu-dien-tap-{YEAR}.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Số liệu", "Theo loại hình", "Theo trạng thái"]
    figures = {row[0]: row[1] for row in book["Số liệu"].iter_rows(min_row=2, values_only=True)}
    f = exercise_figures(persona("thuongtruc"), YEAR)
    assert figures["Số cuộc diễn tập (không tính cuộc đã hủy)"] == f.exercises == 3
    assert figures["Số ngày trung vị để hoàn thành một hành động khắc phục"] == 7
    by_type = {
        row[0]: row[1] for row in book["Theo loại hình"].iter_rows(min_row=2, values_only=True)
    }
    assert by_type["Diễn tập thực binh"] == 2


def test_the_chart_is_drawn_on_the_server_and_scales_to_a_phone(
    year: Year, client_for: Callable[[str], Client]
) -> None:
    response = client_for("thuongtruc").get(f"{URL}?year={YEAR}")
    doc = lxml.html.fromstring(response.content.decode())
    (svg,) = doc.xpath("//svg")
    assert svg.get("class") == "chart"  # vigil.css: max-width 100%, height auto
    assert svg.get("viewbox") or svg.get("viewBox")
    bars = {r.xpath("string(title)"): int(r.get("width")) for r in svg.xpath(".//rect")}
    assert bars["Diễn tập thực binh: 2"] == 2 * bars["Diễn tập trên sa bàn: 1"]
    assert bars["Quá hạn: 1"] > 0
    assert not doc.xpath("//script[@src and contains(@src, '//')]")  # nothing from outside


def test_the_command_prints_the_figures_as_the_user_sees_them(year: Year, tmp_path: Any) -> None:
    out = io.StringIO()
    call_command("exercises", "figures", "--year", str(YEAR), "--as", "xa_a", stdout=out)
    lines = dict(line.split("\t") for line in out.getvalue().splitlines())
    assert lines["Số cuộc diễn tập (không tính cuộc đã hủy)"] == "1"
    assert lines["Số người tham dự"] == "95"
    target = tmp_path / "so-lieu.xlsx"
    call_command("exercises", "figures", "--year", str(YEAR), "--committee",
                 str(committee("province").pk), "--xlsx", str(target), "--as", "thuongtruc",
                 stdout=io.StringIO())  # fmt: skip
    assert openpyxl.load_workbook(target).sheetnames[0] == "Số liệu"
    with pytest.raises(CommandError):
        call_command("exercises", "figures", "--committee", "99999", "--as", "xa_a",
                     stdout=io.StringIO())  # fmt: skip


def test_the_home_panel_counts_what_the_pages_show(
    year: Year, persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    user = persona("thuongtruc")
    items = {str(i["label"]): i for i in summary_for(user)["items"]}
    f = exercise_figures(user, YEAR)
    assert items["cuộc diễn tập năm nay"]["value"] == f.exercises == 3
    assert items["hành động khắc phục quá hạn"]["value"] == actions_in_state(
        user, "overdue").count()  # fmt: skip
    percent = items["mục tiêu trọng điểm đã được diễn tập trong 12 tháng qua"]
    assert percent["value"] == f.sites_exercised_percent and percent["measure"] == "percent"
    for item in items.values():
        if item.get("counts") == "exercise_figures":
            shown_there = client_for("thuongtruc").get(item["url"]).context["figures"]
            assert getattr(shown_there, item["figure"]) == item["value"]
    # DIT's officer: the action DIT must carry out, overdue, until reported done.
    dit = persona("congthuong")
    # (The demo's own actions for DIT, due in 2026, are overdue by 2028 too.)
    overdue = next(i for i in summary_for(dit)["items"] if i.get("urgency") == "overdue")
    before = overdue["value"]
    assert before == actions_in_state(dit, "overdue").count() >= 1
    report_done(year.overdue, year.open.task.assigned_on.replace(month=3, day=1), actor=dit)
    overdue = next(i for i in summary_for(dit)["items"] if i.get("urgency") == "overdue")
    assert overdue["value"] == before - 1
    assert summary_for(persona("kho_mo"))["items"] == []
