"""A plan version prints as a Decree 30 .docx of type PA that `vigil docx check` passes,
its sections as headings; the page and the API serve it through the scope rule."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.test import Client
from docx import Document

from tests.sites.helpers import SYSTEM, new_plan, submitted
from vigil.core.documents.check import check_docx
from vigil.sites import demo, printing
from vigil.sites.models import Plan

pytestmark = pytest.mark.django_db


def _texts(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_an_approved_version_passes_the_decree_30_check() -> None:
    plan = Plan.objects.get(code_name="KB-CB 01")
    assert plan.in_force is not None
    data = printing.docx_bytes(plan.in_force, SYSTEM)
    assert check_docx(data) == []
    texts = _texts(data)
    assert "PHƯƠNG ÁN" in texts
    assert "I. TÌNH HÌNH VÀ TÌNH HUỐNG GIẢ ĐỊNH" in texts
    assert "VIII. KHẮC PHỤC HẬU QUẢ" in texts
    assert demo.SECTIONS["cordon"] in texts
    assert any("87/QĐ-BCĐ" in t for t in texts)


def test_a_draft_prints_as_a_draft_and_passes_the_check() -> None:
    version = submitted(new_plan())
    data = printing.docx_bytes(version, SYSTEM)
    assert check_docx(data) == []
    assert "DỰ THẢO" in " ".join(_texts(data))


def test_a_classified_plan_carries_its_stamp() -> None:
    secret = Plan.objects.get(code_name=demo.CASE_6_PLAN)
    assert secret.in_force is not None
    data = printing.docx_bytes(secret.in_force, SYSTEM)
    assert check_docx(data) == []
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs] + [
        p.text for t in doc.tables for c in t._cells for p in c.paragraphs
    ]
    assert "TỐI MẬT" in texts


def test_the_page_and_the_api_serve_it_in_scope(
    client_for: Callable[[str], Client], api_for: Callable[..., Client]
) -> None:
    secret = Plan.objects.get(code_name=demo.CASE_6_PLAN)
    version = secret.in_force
    assert version is not None
    page = client_for("lanhdao").get(f"/plan-versions/{version.pk}/docx/")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("application/vnd.openxmlformats")
    assert check_docx(page.content) == []
    assert api_for("lanhdao").get(f"/api/v1/plan-versions/{version.pk}/docx/").status_code == 200
    # Above thuongtruc's clearance: not found, on the page and in the API.
    assert client_for("thuongtruc").get(f"/plan-versions/{version.pk}/docx/").status_code == 404
    api = api_for("thuongtruc").get(f"/api/v1/plan-versions/{version.pk}/docx/")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


def test_the_plan_page_links_each_version(client_for: Callable[[str], Client]) -> None:
    plan = Plan.objects.get(code_name="KB-CB 01")
    body = client_for("thuongtruc").get(f"/plans/{plan.pk}/").content.decode()
    for version in plan.versions.all():
        assert f"/plan-versions/{version.pk}/docx/" in body
