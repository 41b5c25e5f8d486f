"""The report pages, through HTTP: setting an obligation, the typed report form,
reviewing, the consolidation page, the unit's reports due and the home figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.work.obligations.conftest import World, by_unit, editor_rows
from vigil.work.obligations import services
from vigil.work.obligations.models import ReportObligation, ReportSubmission

pytestmark = pytest.mark.django_db
Clients = Callable[[str], Client]
ROWS = [
    ("incidents", "Số vụ việc", "integer", "sum", "vụ", True),
    ("rate", "Tỷ lệ sẵn sàng", "decimal", "average", "%", False),
    ("ok", "Đã cập nhật phương án", "yes_no", "count_yes", "", True),
]


def _form(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "committee": world.province.pk, "title": "Báo cáo quý thử", "period_kind": "quarterly",
        "starts_on": "01/01/2026", "due_rule": "day_of_next_month", "due_day": "31",
        "agencies": [world.dit.pk], "committees": [world.a.pk], "classification": "0",
        **editor_rows(ROWS, [("situation", "Tình hình", True)]), **changes,
    }  # fmt: skip


def test_the_standing_office_sets_an_obligation_on_the_page(
    world: World, client_for: Clients
) -> None:
    client = client_for("thuongtruc")
    assert client.get("/work/reports/new/").status_code == 200
    response = client.post("/work/reports/new/", _form(world))
    assert response.status_code == 302, response.context["form"].errors
    obligation = ReportObligation.objects.get(title="Báo cáo quý thử")
    assert obligation.current_template is not None
    kinds = list(obligation.current_template.indicators.values_list("code", "kind", "required"))
    assert kinds == [("incidents", "integer", True), ("rate", "decimal", False),
                     ("ok", "yes_no", True)]  # fmt: skip
    page = client.get(response["Location"]).content.decode()
    assert "Số vụ việc" in page and "Sở Công Thương" in page


def test_a_bad_template_line_is_shown_and_nothing_written(
    world: World, client_for: Clients
) -> None:
    client = client_for("thuongtruc")
    count = ReportObligation.objects.count()
    response = client.post(
        "/work/reports/new/", _form(world, **editor_rows([("x", "Tên", "integer", "count_yes")]))
    )
    assert response.status_code == 200
    assert "Chỉ tiêu kiểu “Số nguyên” được tổng hợp theo" in response.content.decode()
    response = client.post("/work/reports/new/", _form(world, agencies=[world.mine.pk]))
    assert response.status_code == 200
    assert ReportObligation.objects.count() == count


def test_only_standing_offices_reach_the_form(client_for: Clients) -> None:
    assert client_for("congthuong").get("/work/reports/new/").status_code == 404
    assert client_for("xa_a").get("/work/reports/new/").status_code == 200


@pytest.fixture
def period(world: World, make_obligation: Callable[..., ReportObligation]) -> Any:
    obligation = make_obligation(starts_on=dt.date(2026, 1, 1))
    return services.open_period(
        obligation, day=dt.date(2026, 2, 1), actor=world.user("thuongtruc")
    ).period


def test_the_template_page_makes_a_new_version(
    world: World, period: Any, client_for: Clients
) -> None:
    obligation = period.obligation
    url = f"/work/reports/{obligation.pk}/template/"
    assert client_for("congthuong").get(url).status_code == 403
    client = client_for("thuongtruc")
    page = client.get(url).content.decode()
    assert 'name="indicators-0-code" value="incidents"' in page
    assert client.post(url, editor_rows(ROWS)).status_code == 302
    obligation.refresh_from_db()
    assert obligation.current_template.number == 2
    period.refresh_from_db()
    assert period.template.number == 1


def test_open_period_now(world: World, period: Any, client_for: Clients) -> None:
    url = f"/work/reports/{period.obligation.pk}/open/"
    assert client_for("congthuong").post(url).status_code == 403
    response = client_for("thuongtruc").post(url)
    assert response.status_code == 302
    assert period.obligation.periods.count() == 2  # today's period beside February's


def test_the_typed_form_saves_submits_and_is_reviewed(
    world: World, period: Any, client_for: Clients
) -> None:
    sub = by_unit(period)[world.dit]
    url = f"/work/reports/submissions/{sub.pk}/"
    unit, issuer = client_for("congthuong"), client_for("thuongtruc")
    page = unit.get(url).content.decode()
    assert 'type="number"' in page and 'name="v_plans_updated"' in page
    bad = unit.post(url, {"revision": "0", "v_incidents": "hai", "action": "save"})
    assert bad.status_code == 200
    # Submitting without the required answers: refused, and the draft is not half-saved.
    refused = unit.post(url, {"revision": "0", "v_incidents": "2", "action": "submit"})
    assert refused.status_code == 200
    sub.refresh_from_db()
    assert (sub.values, sub.state, sub.revision) == ({}, "draft", 0)
    done = unit.post(url, {"revision": "0", "v_incidents": "2", "v_readiness": "93,5",
                           "v_plans_updated": "yes", "n_situation": "Ổn định.",
                           "action": "submit"})  # fmt: skip
    assert done.status_code == 302
    sub.refresh_from_db()
    assert (sub.state, sub.values["readiness"], sub.values["plans_updated"]) == (
        "submitted", "93.5", True,
    )  # fmt: skip
    # The issuer is offered the accept action (its form posts to …/accept/).
    assert f'action="{url}accept/"' in issuer.get(url).content.decode()
    assert unit.post(f"{url}accept/").status_code == 403
    assert issuer.post(f"{url}return/", {"reason": "Bổ sung số liệu"}).status_code == 302
    sub.refresh_from_db()
    assert (sub.state, sub.return_reason) == ("returned", "Bổ sung số liệu")
    assert unit.post(f"{url}submit/").status_code == 302
    assert issuer.post(f"{url}accept/").status_code == 302
    sub.refresh_from_db()
    assert sub.state == "accepted"
    assert unit.post(url, {"revision": str(sub.revision), "action": "save"}).status_code == 403
    consolidation = issuer.get(f"/work/reports/periods/{period.pk}/").content.decode()
    assert "93,5" in consolidation and "Sở Công Thương" in consolidation


def test_reports_due_and_the_home_figures(world: World, period: Any, client_for: Clients) -> None:
    client = client_for("xa_b")
    page = client.get("/work/reports/due/").content.decode()
    mine = ReportSubmission.objects.filter(committee=world.b, state__in=["draft", "returned"])
    assert mine.count() >= 1
    assert f"/work/reports/submissions/{by_unit(period)[world.b].pk}/" in page
    assert f"/work/reports/submissions/{by_unit(period)[world.a].pk}/" not in page
    from django.utils import translation

    from vigil.work.obligations.summary import summary_for

    with translation.override("en"):
        items = summary_for(world.user("xa_b"))["items"]
        figures = {str(i["label"]): i["value"] for i in items}
    assert figures["Reports due"] == mine.count()
    # February 2026 was due on 20 March 2026: overdue today.
    assert figures["Reports overdue"] >= 1
    home = client.get("/").content.decode()
    assert "Báo cáo phải gửi" in home


def test_the_calendar_source_lists_due_dates(world: World, period: Any) -> None:
    from vigil.core.calendar import items_for

    items = items_for(world.user("congthuong"), dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    mine = [i for i in items if i.kind == "report"]
    assert [i.start for i in mine] == [dt.date(2026, 3, 20)]
    assert mine[0].url == f"/work/reports/submissions/{by_unit(period)[world.dit].pk}/"
    issuer = items_for(world.user("thuongtruc"), dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert any(i.uid == f"report-period-{period.pk}@vigil" for i in issuer)
    assert not items_for(world.user("kho_mo"), dt.date(2026, 3, 1), dt.date(2026, 3, 31))
