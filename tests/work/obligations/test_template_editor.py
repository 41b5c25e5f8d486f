"""The template editor of the report pages: one row per indicator and per narrative
section, rows added, removed and moved with or without JavaScript, errors shown on
their row in Vietnamese with nothing written, and what was opened left alone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.work.obligations.conftest import World, by_unit, editor_rows
from vigil.core.models import AuditEvent
from vigil.work.obligations import services, submissions
from vigil.work.obligations.models import ReportObligation, ReportSubmission

pytestmark = pytest.mark.django_db
Clients = Callable[[str], Client]
NEW = "/work/reports/new/"
THREE = [
    ("incidents", "Số vụ việc", "integer", "sum", "vụ"),
    ("readiness", "Tỷ lệ sẵn sàng", "decimal", "average", "%", False),
    ("plans_updated", "Đã cập nhật phương án", "yes_no", "count_yes"),
]


def _obligation(world: World, indicators: list[Any], **changes: Any) -> dict[str, Any]:
    return {
        "committee": world.province.pk, "title": "Báo cáo tháng thử", "period_kind": "monthly",
        "starts_on": "01/01/2026", "due_rule": "day_of_next_month", "due_day": "20",
        "agencies": [world.dit.pk], "committees": [world.a.pk], "classification": "0",
        **editor_rows(indicators, [("situation", "Tình hình chung", True)]), **changes,
    }  # fmt: skip


def _value(page: str, name: str) -> str | None:
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page)
    return found.group(1) if found else None


def _codes(page: str, prefix: str = "indicators") -> list[str]:
    """The codes of the rows, in order ("" for an empty row)."""
    inputs = re.findall(rf'<input[^>]*name="{prefix}-\d+-code"[^>]*>', page)
    return [m.group(1) if (m := re.search(r'value="([^"]*)"', i)) else "" for i in inputs]


def test_the_new_obligation_page_offers_one_empty_indicator_row(client_for: Clients) -> None:
    page = client_for("thuongtruc").get(NEW).content.decode()
    assert 'name="indicators-TOTAL_FORMS" value="1"' in page
    assert 'name="indicators-0-code"' in page and 'name="indicators-1-code"' not in page
    kinds = re.search(r'<select name="indicators-0-kind".*?</select>', page, re.S)
    assert kinds is not None
    for label in ("Số nguyên", "Số thập phân", "Nội dung", "Có / không"):
        assert label in kinds.group(0)
    assert 'name="sections-TOTAL_FORMS" value="0"' in page
    assert 'value="add-indicator"' in page and 'value="add-section"' in page


def test_three_typed_rows_make_three_typed_indicators(world: World, client_for: Clients) -> None:
    response = client_for("thuongtruc").post(NEW, _obligation(world, THREE))
    assert response.status_code == 302
    obligation = ReportObligation.objects.get(title="Báo cáo tháng thử")
    assert obligation.current_template is not None
    rows = list(
        obligation.current_template.indicators.values_list(
            "order", "code", "kind", "aggregation", "unit", "required"
        )
    )
    assert rows == [
        (1, "incidents", "integer", "sum", "vụ", True),
        (2, "readiness", "decimal", "average", "%", False),
        (3, "plans_updated", "yes_no", "count_yes", "", True),
    ]
    sections = list(obligation.current_template.sections.values_list("code", "title", "required"))
    assert sections == [("situation", "Tình hình chung", True)]


def test_adding_a_row_without_javascript_brings_the_page_back_and_saves_nothing(
    world: World, client_for: Clients
) -> None:
    events = AuditEvent.objects.count()
    data = _obligation(world, THREE[:2], editor="add-indicator", title="")
    response = client_for("thuongtruc").post(NEW, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page  # the whole page: the no-JavaScript path
    assert _codes(page) == ["incidents", "readiness", ""]
    assert 'name="indicators-TOTAL_FORMS" value="3"' in page
    # What was typed elsewhere stays, and a half-filled form shows no errors yet.
    assert _value(page, "starts_on") == "01/01/2026"
    assert 'class="errorlist' not in page
    assert not ReportObligation.objects.filter(title="Báo cáo tháng thử").exists()
    assert AuditEvent.objects.count() == events


def test_under_htmx_only_the_editor_comes_back(world: World, client_for: Clients) -> None:
    data = _obligation(world, THREE, editor="add-section")
    response = client_for("thuongtruc").post(NEW, data, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and page.lstrip().startswith('<div id="template-editor"')
    assert _codes(page, "sections") == ["situation", ""]
    assert _codes(page) == [c[0] for c in THREE]


def test_rows_move_up_and_down_and_are_removed(world: World, client_for: Clients) -> None:
    client = client_for("thuongtruc")
    page = client.post(NEW, _obligation(world, THREE, editor="up-indicator-2")).content.decode()
    assert _codes(page) == ["incidents", "plans_updated", "readiness"]
    # The row moved with everything typed in it (its type and aggregation too).
    assert re.search(r'name="indicators-1-kind".*?value="yes_no" selected', page, re.S)
    page = client.post(NEW, _obligation(world, THREE, editor="down-indicator-0")).content.decode()
    assert _codes(page) == ["readiness", "incidents", "plans_updated"]
    page = client.post(NEW, _obligation(world, THREE, editor="remove-indicator-1")).content.decode()
    assert _codes(page) == ["incidents", "plans_updated"]
    # Out-of-range or unknown actions change nothing (and are no 500).
    for action in ("up-indicator-0", "down-indicator-2", "remove-indicator-9", "explode"):
        page = client.post(NEW, _obligation(world, THREE, editor=action)).content.decode()
        assert _codes(page) == [c[0] for c in THREE]
    assert not ReportObligation.objects.filter(title="Báo cáo tháng thử").exists()


def test_errors_are_shown_on_their_row_in_vietnamese_and_nothing_is_written(
    world: World, client_for: Clients
) -> None:
    events, count = AuditEvent.objects.count(), ReportObligation.objects.count()
    rows = [
        ("incidents", "Số vụ việc", "integer", "sum"),
        ("Số vụ", "Có mã sai", "integer", "sum"),  # not a code
        ("notes", "Ghi chú", "text", "sum"),  # a text is not summed
        ("incidents", "Trùng mã", "integer", "max"),  # the code of row 1 again
        ("empty_name", "", "integer", "sum"),
    ]
    response = client_for("thuongtruc").post(NEW, _obligation(world, rows))
    assert response.status_code == 200
    page = response.content.decode()
    body = page[page.index('id="indicator-rows"') : page.index('id="section-rows"')]
    trs = re.findall(r"<tr[^>]*data-row=\"(\d)\".*?</tr>", body, re.S)
    assert trs == ["0", "1", "2", "3", "4"]
    row = dict(enumerate(re.findall(r"<tr[^>]*data-row.*?</tr>", body, re.S)))
    assert 'class="errorlist' not in row[0]
    assert "Mã chỉ gồm chữ thường không dấu, chữ số, dấu - và _" in row[1]
    assert "Chỉ tiêu kiểu “Nội dung” được tổng hợp theo: Liệt kê theo đơn vị" in row[2]
    assert "Mã “incidents” đã được dùng ở một dòng khác." in row[3]
    assert "Nhập tên chỉ tiêu." in row[4]
    assert ReportObligation.objects.count() == count
    assert AuditEvent.objects.count() == events


def test_an_empty_row_is_skipped_and_an_empty_editor_refused(
    world: World, client_for: Clients
) -> None:
    client = client_for("thuongtruc")
    data = _obligation(world, [*THREE, ("", "", "integer", "sum")])
    assert client.post(NEW, data).status_code == 302
    obligation = ReportObligation.objects.get(title="Báo cáo tháng thử")
    assert obligation.current_template is not None
    assert obligation.current_template.indicators.count() == 3
    data = {**_obligation(world, [("", "", "integer", "sum")], title="Trống"),
            **editor_rows([("", "", "integer", "sum")])}  # fmt: skip
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert "Cần ít nhất một chỉ tiêu hoặc một mục nội dung." in response.content.decode()
    assert not ReportObligation.objects.filter(title="Trống").exists()


def test_a_forged_row_count_is_bounded(world: World, client_for: Clients) -> None:
    client = client_for("thuongtruc")
    data = _obligation(world, THREE, **{"indicators-TOTAL_FORMS": "100000"})
    response = client.post(NEW, {**data, "editor": "add-indicator"})
    assert response.status_code == 200
    assert len(_codes(response.content.decode())) <= services.MAX_INDICATORS + 1
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert not ReportObligation.objects.filter(title="Báo cáo tháng thử").exists()


# --- changing the template of an obligation whose period has reports


@pytest.fixture
def reported(world: World, make_obligation: Callable[..., ReportObligation]) -> ReportSubmission:
    """February 2026 opened with version 1; the Department of Industry and Trade has
    saved its figures."""
    obligation = make_obligation(starts_on=dt.date(2026, 1, 1))
    period = services.open_period(
        obligation, day=dt.date(2026, 2, 1), actor=world.user("thuongtruc")
    ).period
    sub = by_unit(period)[world.dit]
    return submissions.save_draft(
        sub, values={"incidents": 4, "readiness": "87.5", "plans_updated": True},
        narrative={"situation": "Ổn định."}, revision=0, actor=world.user("congthuong"),
    )  # fmt: skip


def test_the_template_page_shows_the_rows_and_what_a_new_version_leaves_alone(
    reported: ReportSubmission, client_for: Clients
) -> None:
    url = f"/work/reports/{reported.obligation.pk}/template/"
    page = client_for("thuongtruc").get(url).content.decode()
    assert _codes(page) == [
        "incidents", "readiness", "plans_updated", "smallest", "largest", "proposals"
    ]  # fmt: skip
    assert _codes(page, "sections") == ["situation"]
    assert "Số kỳ đã mở: 1; số báo cáo đã nhập trong các kỳ đó: 1." in page
    assert "tạo phiên bản 2 của mẫu báo cáo" in page


def test_a_new_version_does_not_change_what_a_unit_wrote(
    reported: ReportSubmission, client_for: Clients
) -> None:
    obligation = reported.obligation
    url = f"/work/reports/{obligation.pk}/template/"
    client = client_for("thuongtruc")
    # The issuer drops "incidents" and makes "readiness" a text.
    rows = [
        ("readiness", "Mức sẵn sàng", "text", "concatenate"),
        ("new_one", "Mới", "integer", "sum"),
    ]
    assert client.post(url, editor_rows(rows)).status_code == 302
    obligation.refresh_from_db()
    assert obligation.current_template is not None
    assert obligation.current_template.number == 2
    reported.refresh_from_db()
    assert reported.period.template.number == 1
    assert reported.values == {"incidents": 4, "readiness": "87.5", "plans_updated": True}
    # The unit's form is still version 1's: its fields and what it typed.
    page = client_for("congthuong").get(f"/work/reports/submissions/{reported.pk}/")
    html = page.content.decode()
    assert _value(html, "v_incidents") == "4"
    assert 'name="v_new_one"' not in html
    assert re.search(r'<input type="number" name="v_incidents"', html)


def test_a_refused_new_version_writes_nothing(
    reported: ReportSubmission, client_for: Clients
) -> None:
    obligation = reported.obligation
    events = AuditEvent.objects.count()
    url = f"/work/reports/{obligation.pk}/template/"
    response = client_for("thuongtruc").post(
        url, editor_rows([("a", "A", "yes_no", "sum"), ("a", "B", "integer", "sum")])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chỉ tiêu kiểu “Có / không” được tổng hợp theo" in page
    assert "Mã “a” đã được dùng ở một dòng khác." in page
    obligation.refresh_from_db()
    assert obligation.current_template is not None
    assert obligation.current_template.number == 1
    assert AuditEvent.objects.count() == events


def test_moving_rows_on_the_template_page_under_htmx(
    reported: ReportSubmission, client_for: Clients
) -> None:
    url = f"/work/reports/{reported.obligation.pk}/template/"
    data = {**editor_rows(THREE), "editor": "down-indicator-0"}
    response = client_for("thuongtruc").post(url, data, headers={"HX-Request": "true"})
    assert _codes(response.content.decode()) == ["readiness", "incidents", "plans_updated"]
    whole = client_for("thuongtruc").post(url, data).content.decode()  # without JavaScript
    assert "<html" in whole and _codes(whole) == ["readiness", "incidents", "plans_updated"]
    assert reported.obligation.templates.count() == 1
    assert client_for("congthuong").post(url, data).status_code == 403
