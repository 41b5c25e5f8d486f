"""Consolidation equals hand-computed figures, a child committee's roll-up is a
frozen snapshot, and the .xlsx and Decree 30 .docx carry the same figures."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests.work.obligations.conftest import World, by_unit, report
from vigil.core.audit import SystemActor
from vigil.org.models import Agency
from vigil.work.obligations import services, submissions
from vigil.work.obligations.consolidation import as_json, consolidate
from vigil.work.obligations.models import ReportObligation, ReportPeriod

pytestmark = pytest.mark.django_db
FEB = dt.date(2026, 2, 1)


@pytest.fixture
def scene(world: World, make_obligation: Callable[..., ReportObligation]) -> dict[str, Any]:
    """Commune A consolidates its two units and reports upward; DIT and the border guard
    report directly; commune B's report is submitted but not accepted."""
    thuongtruc, xa_a = world.user("thuongtruc"), world.user("xa_a")
    province = make_obligation()
    commune = make_obligation(
        committee=world.a, title="Báo cáo của đặc khu", agencies=[world.police_a, world.ubnd_a],
        committees=[], upstream=province, due_day=15, actor=xa_a,
    )  # fmt: skip
    below = services.open_period(commune, day=FEB, actor=xa_a).period
    units = by_unit(below)
    seed = SystemActor("test")
    report(units[world.police_a], seed, {"incidents": 1, "readiness": "90", "plans_updated": True,
           "smallest": 4, "largest": "7.5", "proposals": "Tăng cường tuần tra"}, "Ổn định.")  # fmt: skip
    report(units[world.ubnd_a], seed, {"incidents": 2, "readiness": "85.5", "plans_updated": False,
           "smallest": 2, "largest": "3"}, "Bình thường.")  # fmt: skip
    for sub in units.values():
        submissions.accept_submission(sub, actor=xa_a)
    period = services.open_period(province, day=FEB, actor=thuongtruc).period
    subs = by_unit(period)
    submissions.fill_from_consolidation(subs[world.a], actor=xa_a)
    submissions.submit(subs[world.a], actor=xa_a)
    report(subs[world.dit], world.user("congthuong"), {"incidents": 0, "readiness": "95",
           "plans_updated": True, "smallest": 5, "largest": "10.25",
           "proposals": "Kiểm tra kho"}, "Không có vụ việc.")  # fmt: skip
    report(subs[world.border], world.user("bienphong"), {"incidents": 4, "readiness": "99.1",
           "plans_updated": "yes", "smallest": 1, "largest": "2"}, "Ổn định biên giới.")  # fmt: skip
    report(subs[world.b], world.user("xa_b"), {"incidents": 100, "readiness": "1",
           "plans_updated": "no"})  # fmt: skip
    for unit in (world.a, world.dit, world.border):
        submissions.accept_submission(subs[unit], actor=thuongtruc)
    return {"period": period, "below": below, "commune": commune, "subs": subs}


def _totals(period: ReportPeriod) -> dict[str, Any]:
    return {t.indicator.code: t.value for t in consolidate(period).totals}


HAND = {
    "incidents": 7,  # 3 (commune A: 1 + 2) + 0 + 4; commune B's 100 is not accepted
    "readiness": Decimal("93.95"),  # (87.75 + 95 + 99.1) / 3 = 93.95
    "plans_updated": 2,  # DIT and the border guard; commune A: not every unit below said yes
    "smallest": 1,  # min(2, 5, 1)
    "largest": Decimal("10.25"),  # max(7.5, 10.25, 2)
}


def test_the_consolidation_equals_the_hand_computed_figures(
    world: World, scene: dict[str, Any]
) -> None:
    totals = _totals(scene["period"])
    assert {k: totals[k] for k in HAND} == HAND
    assert totals["proposals"] == (
        "Sở Công Thương: Kiểm tra kho\nBan Chỉ đạo Phòng, chống khủng bố đặc khu Vân Đồn: "
        "Công an đặc khu Vân Đồn: Tăng cường tuần tra"
    )
    c = consolidate(scene["period"])
    assert (c.accepted, len(c.units)) == (3, 4)
    ((section, rows),) = c.narrative
    assert section.code == "situation"
    assert dict(rows)["Sở Công Thương"] == "Không có vụ việc."
    assert dict(rows)[world.a.name] == (
        "Công an đặc khu Vân Đồn: Ổn định.\nỦy ban nhân dân đặc khu Vân Đồn: Bình thường."
    )
    b_row = next(u for u in c.units if u.name == world.b.name)
    assert (b_row.state, b_row.accepted) == ("submitted", False)


def test_the_child_roll_up_is_a_frozen_snapshot(world: World, scene: dict[str, Any]) -> None:
    a_sub = scene["subs"][world.a]
    a_sub.refresh_from_db()
    assert a_sub.values == {"incidents": 3, "readiness": "87.75", "plans_updated": False,
                            "smallest": 2, "largest": "7.5",
                            "proposals": "Công an đặc khu Vân Đồn: Tăng cường tuần tra"}  # fmt: skip
    assert a_sub.rollup["totals"]["incidents"] == 3
    assert [u["name"] for u in a_sub.rollup["units"]] == [
        "Công an đặc khu Vân Đồn", "Ủy ban nhân dân đặc khu Vân Đồn",
    ]  # fmt: skip
    # Later, below: a third unit of commune A reports and is accepted.
    airport = Agency.objects.get(name="Cảng hàng không quốc tế Vân Đồn")
    scene["commune"].addressed_agencies.add(airport)
    xa_a = world.user("xa_a")
    assert services.open_period(scene["commune"], day=FEB, actor=xa_a).created == 1
    late = by_unit(scene["below"])[airport]
    report(late, SystemActor("test"), {"incidents": 10, "readiness": "50",
           "plans_updated": True, "smallest": 0, "largest": "99"})  # fmt: skip
    submissions.accept_submission(late, actor=xa_a)
    assert _totals(scene["below"])["incidents"] == 13  # commune A's own view moved on
    totals = _totals(scene["period"])
    assert {k: totals[k] for k in HAND} == HAND  # what was reported upward did not
    a_sub.refresh_from_db()
    assert a_sub.rollup["totals"]["incidents"] == 3


def test_filling_needs_a_matching_own_obligation(world: World, scene: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    b_sub = scene["subs"][world.b]
    submissions.return_submission(b_sub, reason="Kiểm tra lại", actor=world.user("thuongtruc"))
    with pytest.raises(ValidationError, match="no obligation of its own"):
        submissions.fill_from_consolidation(b_sub, actor=world.user("xa_b"))


def test_the_api_gives_the_same_figures(
    scene: dict[str, Any], api_for: Callable[..., Client]
) -> None:
    body = api_for("thuongtruc").get(f"/api/v1/consolidations/{scene['period'].pk}/").json()
    values = {t["code"]: t["value"] for t in body["totals"]}
    assert values["incidents"] == 7 and values["readiness"] == "93.95"
    assert body["accepted"] == 3 and body["units_total"] == 4
    assert as_json(consolidate(scene["period"])) == body
    listed = api_for("thuongtruc").get("/api/v1/consolidations/").json()["results"]
    assert scene["period"].pk in {row["id"] for row in listed}


def test_the_xlsx_carries_the_figures(
    scene: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    from openpyxl import load_workbook

    response = client_for("thuongtruc").get(f"/work/reports/periods/{scene['period'].pk}/xlsx/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    figures = {row[0]: row[3] for row in rows}
    assert figures["Số vụ việc"] == 7
    assert figures["Tỷ lệ sẵn sàng"] == pytest.approx(93.95)
    assert len(book.worksheets) == 4  # totals, by unit, narrative, reported from below


def test_the_docx_is_a_decree_30_report(
    scene: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    import docx

    response = client_for("thuongtruc").get(f"/work/reports/periods/{scene['period'].pk}/docx/")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    everything = "\n".join(texts + cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in everything
    assert "BAN CHỈ ĐẠO PHÒNG, CHỐNG KHỦNG BỐ TỈNH QUẢNG NINH" in everything
    assert "BÁO CÁO" in everything
    assert "Số:" in everything and "/BC-BCĐ" in everything
    assert "ngày" in everything and "tháng" in everything
    assert "KT. TRƯỞNG BAN" in everything
    assert "93,95" in cells and "7" in cells
    assert any("Sở Công Thương: Không có vụ việc." in t for t in texts)


def test_a_classified_consolidation_does_not_flow_into_a_less_classified_report(
    world: World, make_obligation: Callable[..., ReportObligation]
) -> None:
    """Review: filling a commune's report upward copied its own consolidation (figures and
    every unit's narrative) whatever its classification: a Mật roll-up went into a Thường
    report, filled by an officer cleared for Thường only."""
    from django.core.exceptions import ValidationError

    from vigil.core.classification import Classification

    seed, xa_a = SystemActor("test"), world.user("xa_a")
    province = make_obligation()
    commune = make_obligation(
        committee=world.a, title="Báo cáo mật của đặc khu", agencies=[world.police_a],
        committees=[], upstream=province, classification=Classification.CONFIDENTIAL,
        actor=seed,
    )  # fmt: skip
    below = by_unit(services.open_period(commune, day=FEB, actor=seed).period)
    report(below[world.police_a], seed, {"incidents": 9, "readiness": "90",
           "plans_updated": True}, "Nội dung mật.")  # fmt: skip
    submissions.accept_submission(below[world.police_a], actor=seed)
    upward = by_unit(services.open_period(province, day=FEB, actor=seed).period)[world.a]
    with pytest.raises(ValidationError, match="classified"):
        submissions.fill_from_consolidation(upward, actor=xa_a)
    upward.refresh_from_db()
    assert upward.values == {} and upward.rollup in (None, {})


def test_a_classified_consolidation_downloads_marked_and_an_unclassified_one_does_not(
    world: World, scene: dict[str, Any], make_obligation: Callable[..., ReportObligation],
    client_for: Callable[[str], Client],
) -> None:  # fmt: skip
    from openpyxl import load_workbook

    from vigil.core.classification import Classification

    thuongtruc = world.user("thuongtruc")
    secret = make_obligation(
        title="Báo cáo mật", classification=Classification.CONFIDENTIAL, actor=thuongtruc
    )
    period = services.open_period(secret, day=FEB, actor=thuongtruc).period
    report(by_unit(period)[world.border], world.user("bienphong"),
           {"incidents": 3, "readiness": "80", "plans_updated": True}, "Nội dung mật.")  # fmt: skip
    submissions.accept_submission(by_unit(period)[world.border], actor=thuongtruc)

    marked = client_for("thuongtruc").get(f"/work/reports/periods/{period.pk}/xlsx/")
    book = load_workbook(io.BytesIO(marked.content))
    assert len(book.worksheets) == 3
    for ws in book.worksheets:
        assert ws["A1"].value == "MẬT"
        assert ws.oddHeader.center.text == "MẬT" and ws.oddFooter.center.text == "MẬT"
    assert book.properties.keywords == "MẬT"
    figures = {row[0]: row[3] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert figures["Số vụ việc"] == 3

    plain = client_for("thuongtruc").get(f"/work/reports/periods/{scene['period'].pk}/xlsx/")
    book = load_workbook(io.BytesIO(plain.content))
    for ws in book.worksheets:
        assert ws["A1"].value != "MẬT" and ws["A1"].font.bold  # the header row, first
        assert not ws.oddHeader.center.text and not ws.oddFooter.center.text
    assert not book.properties.keywords
