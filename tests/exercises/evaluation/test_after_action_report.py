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
