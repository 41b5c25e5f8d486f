"""The after-action report and improvement plan: a Decree 30 .docx that passes the check,
on the page, in the API and on the command line."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from docx import Document

from vigil.core.documents.check import check_docx
from vigil.exercises.drills.demo import AIRPORT_DRILL, MARKET_DRILL, SEAPORT_TABLETOP
from vigil.exercises.drills.models import Exercise
from vigil.exercises.evaluation import demo
from vigil.exercises.evaluation.documents import after_action_docx

pytestmark = pytest.mark.django_db


def _texts(data: bytes) -> list[str]:
    doc = Document(io.BytesIO(data))
    cells = [p.text for t in doc.tables for c in t._cells for p in c.paragraphs]
    return [p.text for p in doc.paragraphs] + cells


def test_the_seaport_report_passes_the_check_and_holds_every_part() -> None:
    data = after_action_docx(Exercise.objects.get(name=SEAPORT_TABLETOP))
    assert check_docx(data) == []
    texts = _texts(data)
    joined = "\n".join(texts)
    for heading in ("I. KHÁI QUÁT CUỘC DIỄN TẬP", "II. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU",
                    "III. ƯU ĐIỂM", "IV. TỒN TẠI, HẠN CHẾ CẦN KHẮC PHỤC",
                    "V. KẾ HOẠCH KHẮC PHỤC"):  # fmt: skip
        assert heading in texts, heading
    assert "DỰ THẢO" in joined
    assert {"P", "S", "M"} <= set(texts)  # the ratings, in the objectives' table
    assert demo.SEAPORT_STRENGTH in joined and demo.DIT_FINDING in joined
    assert demo.DIT_ACTION in texts and "Sở Công Thương" in texts  # the improvement plan
    assert "KB-CB 01" in joined and "Đang thực hiện" in texts


def test_a_closed_drill_and_a_confidential_planned_one_pass_the_check() -> None:
    airport = after_action_docx(Exercise.objects.get(name=AIRPORT_DRILL))
    assert check_docx(airport) == []
    assert demo.AIRPORT_SUMMARY in "\n".join(_texts(airport))
    market = after_action_docx(Exercise.objects.get(name=MARKET_DRILL))
    assert check_docx(market) == []
    assert "MẬT" in _texts(market)


def test_the_page_the_api_and_the_command_serve_it_in_scope(
    client_for: Callable[[str], Client], api_for: Callable[..., Client], tmp_path: Path
) -> None:
    airport = Exercise.objects.get(name=AIRPORT_DRILL)
    page = client_for("xa_a").get(f"/exercises/{airport.pk}/after-action.docx")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("application/vnd.openxmlformats")
    assert check_docx(page.content) == []
    assert client_for("xa_b").get(f"/exercises/{airport.pk}/after-action.docx").status_code == 404
    api = api_for("xa_a").get(f"/api/v1/exercises/{airport.pk}/after-action.docx")
    assert api.status_code == 200 and check_docx(api.content) == []
    hidden = api_for("xa_b").get(f"/api/v1/exercises/{airport.pk}/after-action.docx")
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found"
    out = tmp_path / "aar.docx"
    call_command("exercises", "aar", str(airport.pk), "-o", str(out), "--as", "xa_a",
                 stdout=io.StringIO())  # fmt: skip
    assert check_docx(out.read_bytes()) == []


def test_the_report_names_only_what_its_reader_sees(
    client_for: Callable[[str], Client], api_for: Callable[..., Client], tmp_path: Path
) -> None:
    """``congthuong`` takes part in the seaport tabletop but sees neither plan KB-CB 01
    nor the seaport: its report names neither (no 403 telling the plan exists); the
    standing office's names both. What a report shows is recorded in one view event."""
    from vigil.accounts.models import User
    from vigil.sites.models import KeySite, Plan

    seaport = Exercise.objects.get(name=SEAPORT_TABLETOP)
    site = seaport.site
    assert site is not None
    reader = User.objects.get(username="congthuong")
    assert not Plan.objects.visible_to(reader).filter(code_name="KB-CB 01").exists()
    assert not KeySite.objects.visible_to(reader).filter(pk=site.pk).exists()
    page = client_for("congthuong").get(f"/exercises/{seaport.pk}/after-action.docx")
    assert page.status_code == 200 and check_docx(page.content) == []
    theirs = "\n".join(_texts(page.content))
    assert "KB-CB 01" not in theirs and site.name not in theirs
    assert demo.DIT_ACTION in theirs  # their own corrective action is in the plan
    api = api_for("congthuong").get(f"/api/v1/exercises/{seaport.pk}/after-action.docx")
    assert api.status_code == 200 and "KB-CB 01" not in "\n".join(_texts(api.content))
    out = tmp_path / "aar.docx"
    call_command("exercises", "aar", str(seaport.pk), "-o", str(out), "--as", "congthuong",
                 stdout=io.StringIO())  # fmt: skip
    assert "KB-CB 01" not in "\n".join(_texts(out.read_bytes()))
    keeper = client_for("thuongtruc").get(f"/exercises/{seaport.pk}/after-action.docx")
    assert keeper.status_code == 200 and check_docx(keeper.content) == []
    ours = "\n".join(_texts(keeper.content))
    assert "KB-CB 01" in ours and site.name in ours
    assert "KB-CB 01" not in "\n".join(_texts(after_action_docx(seaport, reader)))
    assert "KB-CB 01" in "\n".join(_texts(after_action_docx(seaport)))
    assert demo.REVISION_FINDING in ours and demo.REVISION_FINDING not in theirs


def test_the_stamp_is_that_of_what_the_reader_is_shown() -> None:
    from vigil.accounts.models import User
    from vigil.exercises.evaluation.documents import contents

    seaport = Exercise.objects.get(name=SEAPORT_TABLETOP)
    reader = User.objects.get(username="congthuong")
    theirs, everything = contents(seaport, reader), contents(seaport)
    assert seaport.site not in theirs.shown and seaport.site in everything.shown
    assert theirs.classification == max(o.classification for o in theirs.shown)
    assert everything.classification >= theirs.classification


def test_one_view_event_records_the_plan_and_site_the_report_names(
    client_for: Callable[[str], Client],
) -> None:
    from vigil.core.models import AuditEvent

    market = Exercise.objects.get(name=MARKET_DRILL)  # Mật
    plan, site = market.plans.get(), market.site
    assert site is not None
    views = AuditEvent.objects.filter(action="object.viewed", object_id=str(market.pk))
    before = views.count()
    response = client_for("thuongtruc").get(f"/exercises/{market.pk}/after-action.docx")
    assert response.status_code == 200 and "MẬT" in _texts(response.content)
    assert views.count() == before + 1
    event = views.order_by("-seq").first()
    assert event is not None and event.after is not None
    shown = event.after["shown"]
    assert f"exercises.exercise:{market.pk}" in shown
    for obj in (plan, site):
        if obj.classification:
            assert f"{obj._meta.label_lower}:{obj.pk}" in shown
