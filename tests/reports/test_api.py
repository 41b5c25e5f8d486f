"""The summary reports' API: list and draft, a report with its sections, a section's edit
(a stale version 409), recomputing, issuing (a leader; twice refused), discarding a draft,
the .docx; errors in the one format, 404 for what is not yours."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from vigil.core.models import AuditEvent
from vigil.org.models import Committee
from vigil.reports.models import ReportAction
from vigil.reports.sections.outline import outline_for
from vigil.reports.summaries.models import ReportKind, SummaryReport

pytestmark = pytest.mark.django_db
JSON = "application/json"


def listed(api: Client, query: str = "") -> set[int]:
    rows = api.get(f"/api/v1/reports/?page_size=500{query}").json()["results"]
    return {row["id"] for row in rows}


def test_the_list_follows_the_scope_rule_and_filters(
    api_for: Callable[..., Client], demo_report: SummaryReport
) -> None:
    assert demo_report.pk in listed(api_for("thuongtruc"))
    assert demo_report.pk in listed(api_for("thuongtruc"), "&kind=quarterly&state=issued")
    assert demo_report.pk not in listed(api_for("thuongtruc"), "&state=draft")
    for username in ("congthuong", "xa_a", "quantri", "kho_mo"):
        assert demo_report.pk not in listed(api_for(username)), username
        response = api_for(username).get(f"/api/v1/reports/{demo_report.pk}/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        section = api_for(username).get(f"/api/v1/reports/{demo_report.pk}/sections/situation/")
        assert section.status_code == 404


def test_draft_edit_issue_and_download_through_the_api(
    api_for: Callable[..., Client], province: Committee
) -> None:
    office = api_for("thuongtruc", scope="write")
    created = office.post("/api/v1/reports/", {"committee": province.pk, "kind": "annual",
                                              "year": 2026}, content_type=JSON)  # fmt: skip
    assert created.status_code == 201, created.content
    report = created.json()
    assert [s["key"] for s in report["sections"]] == [s.key for s in outline_for(annual=True)]
    assert report["state"] == "draft" and report["number"] == ""
    url = f"/api/v1/reports/{report['id']}/"
    section = office.get(url + "sections/exercises/").json()
    assert section["text"] == section["drafted_text"] and "figures" in section["content"]

    edited = office.patch(url + "sections/exercises/", {"text": "Câu sửa qua API.",
                          "version": section["version"]}, content_type=JSON)  # fmt: skip
    assert edited.status_code == 200 and edited.json()["text"] == "Câu sửa qua API."
    stale = office.patch(url + "sections/exercises/", {"text": "Bản cũ",
                         "version": section["version"]}, content_type=JSON)  # fmt: skip
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    empty = office.patch(url + "sections/exercises/", {"text": "  ",
                         "version": edited.json()["version"]}, content_type=JSON)  # fmt: skip
    assert empty.status_code == 400 and "text" in empty.json()["error"]["fields"]

    redrafted = office.post(url + "redraft/", {}, content_type=JSON)
    assert redrafted.status_code == 200
    texts = {s["key"]: s["text"] for s in redrafted.json()["sections"]}
    assert texts["exercises"] == "Câu sửa qua API."

    refused = office.post(url + "issue/", {}, content_type=JSON)
    assert refused.status_code == 403  # the standing office drafts, a leader issues
    leader = api_for("lanhdao", scope="write")
    issued = leader.post(url + "issue/", {"recipients": ["UBND tỉnh"], "issued_on": "2026-11-25"},
                         content_type=JSON)  # fmt: skip
    assert issued.status_code == 200, issued.content
    number = issued.json()["number"]
    assert number and issued.json()["state"] == "issued"
    assert issued.json()["recipients"] == ["UBND tỉnh"]
    twice = leader.post(url + "issue/", {}, content_type=JSON)
    assert twice.status_code == 400 and number in twice.json()["error"]["message"]
    frozen = office.patch(url + "sections/exercises/", {"text": "Sau ban hành",
                          "version": edited.json()["version"]}, content_type=JSON)  # fmt: skip
    assert frozen.status_code == 400
    assert office.delete(url).status_code == 400
    saved = SummaryReport.objects.get(pk=report["id"])
    assert saved.number == number and saved.sections.get(key="exercises").text == "Câu sửa qua API."
    events = AuditEvent.objects.filter(object_id=str(saved.pk))
    assert events.filter(action=ReportAction.REPORT_ISSUED).count() == 1
    assert events.filter(action=ReportAction.SECTION_EDITED).count() == 1

    docx = api_for("kiemtoan").get(url + "docx/")
    assert docx.status_code == 200 and docx["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml")  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        assert "Câu sửa qua API." in archive.read("word/document.xml").decode()
    assert bytes(docx.content) == bytes(saved.issued_docx or b"")


def test_refusals_write_nothing(
    api_for: Callable[..., Client], province: Committee, demo_report: SummaryReport
) -> None:
    reader = api_for("congthuong", scope="write")
    refused = reader.post("/api/v1/reports/", {"committee": province.pk, "kind": "annual",
                                               "year": 2026}, content_type=JSON)  # fmt: skip
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    office = api_for("thuongtruc", scope="write")
    bad = office.post("/api/v1/reports/", {"committee": province.pk, "kind": "monthly",
                                           "year": 2026, "part": 0}, content_type=JSON)  # fmt: skip
    assert bad.status_code == 400 and "part" in bad.json()["error"]["fields"]
    above = office.post("/api/v1/reports/", {"committee": province.pk, "kind": "annual",
                                             "year": 2026, "classification": 2},
                        content_type=JSON)  # fmt: skip
    assert above.status_code == 400 and "classification" in above.json()["error"]["fields"]
    assert not SummaryReport.objects.filter(kind__in=[ReportKind.ANNUAL, ReportKind.MONTHLY])
    auditor = api_for("kiemtoan", scope="write")
    url = f"/api/v1/reports/{demo_report.pk}/"
    assert auditor.post(url + "redraft/", {}, content_type=JSON).status_code == 403
    assert auditor.delete(url).status_code == 403
    assert office.post(url + "redraft/", {}, content_type=JSON).status_code == 400


def test_a_draft_is_discarded_and_classified_higher_on_request(
    api_for: Callable[..., Client], province: Committee, persona: Callable[[str], Any]
) -> None:
    office = api_for("thuongtruc", scope="write")
    created = office.post("/api/v1/reports/", {"committee": province.pk, "kind": "six_month",
                                              "year": 2026, "part": 1, "classification": 1},
                          content_type=JSON).json()  # fmt: skip
    assert created["classification"] == 1 and "6 tháng đầu năm 2026" in created["title"]
    assert api_for("quantri").get(f"/api/v1/reports/{created['id']}/").status_code == 404
    assert office.delete(f"/api/v1/reports/{created['id']}/").status_code == 204
    assert not SummaryReport.objects.filter(pk=created["id"]).exists()
