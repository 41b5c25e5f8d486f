"""The flash report's pages, API and edXML: scope (404), permission (403), the
classified refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.situation.flash.conftest import docx_text, province
from vigil.core.documents import edxml
from vigil.core.documents.check import check_docx
from vigil.core.models import AuditEvent
from vigil.org.models import Agency
from vigil.situation.flash import documents, services
from vigil.situation.incidents.models import FlashReport, UrgencyMark
from vigil.situation.models import SituationAction

pytestmark = pytest.mark.django_db


def _issued(incident: Any, actor: Any) -> FlashReport:
    return services.issue_flash_report(
        incident, actor=actor, urgency_mark=UrgencyMark.HOA_TOC, signer_title="Trưởng ban",
        signer_name="Nguyễn Văn A", signing_form="TM.",
    )  # fmt: skip


def test_the_form_is_prefilled_and_issues(
    make_incident: Callable[..., Any], client_for: Callable[[str], Client]
) -> None:
    incident = make_incident()
    client = client_for("xa_a")
    url = reverse("situation:flash_report_new", kwargs={"pk": incident.pk})
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["urgency_mark"] == UrgencyMark.HOA_TOC
    assert "Ủy ban nhân dân tỉnh Quảng Ninh" in form.initial["recipients"]
    assert form.initial["signer_title"]
    response = client.post(url, {
        "urgency_mark": UrgencyMark.THUONG_KHAN, "signing_form": "KT.",
        "signer_title": "Phó Trưởng ban", "signer_name": "Lê Văn C",
        "recipients": form.initial["recipients"],
    })  # fmt: skip
    report = FlashReport.objects.get(incident=incident)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "situation:flash_report_detail", kwargs={"pk": report.pk}
    )
    assert report.urgency_mark == UrgencyMark.THUONG_KHAN
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert report.symbol in detail.content.decode()
    docx = client.get(reverse("situation:flash_report_docx", kwargs={"pk": report.pk}))
    assert docx.status_code == 200
    assert check_docx(docx.content) == []
    assert "THƯỢNG KHẨN" in docx_text(docx.content)


def test_a_refusal_lands_on_the_form(
    make_incident: Callable[..., Any], client_for: Callable[[str], Client]
) -> None:
    incident = make_incident(state="reported")
    url = reverse("situation:flash_report_new", kwargs={"pk": incident.pk})
    response = client_for("xa_a").post(url, {
        "urgency_mark": UrgencyMark.HOA_TOC, "signer_title": "Trưởng ban", "signer_name": "Y", "recipients": "Bộ Công an",
    })  # fmt: skip
    assert response.status_code == 200
    assert "xác minh" in response.content.decode()
    assert not FlashReport.objects.filter(incident=incident).exists()


def test_scope_and_permission_on_pages(
    make_incident: Callable[..., Any],
    client_for: Callable[[str], Client],
    persona: Callable[[str], Any],
) -> None:
    incident = make_incident()
    report = _issued(incident, persona("xa_a"))
    new = reverse("situation:flash_report_new", kwargs={"pk": incident.pk})
    pages = [reverse(f"situation:flash_report_{n}", kwargs={"pk": report.pk})
             for n in ("detail", "docx", "edxml")]  # fmt: skip
    # Commune B sees nothing of commune A's incident.
    for url in [new, *pages]:
        assert client_for("xa_b").get(url).status_code == 404
    # The Department of Industry and Trade sees an incident it is involved in, may not report.
    incident.involved_agencies.add(Agency.objects.get(name="Sở Công Thương"))
    assert client_for("congthuong").get(new).status_code == 403
    assert client_for("congthuong").get(pages[0]).status_code == 200


def test_edxml_package(
    make_incident: Callable[..., Any],
    client_for: Callable[[str], Client],
    persona: Callable[[str], Any],
) -> None:
    report = _issued(make_incident(), persona("xa_a"))
    response = client_for("xa_a").get(
        reverse("situation:flash_report_edxml", kwargs={"pk": report.pk})
    )
    assert response.status_code == 200
    package = edxml.parse_package(response.content)
    assert package.subject == report.content["subject"]
    assert f"{package.number}/{package.notation}" == report.symbol
    assert package.type_name == "Báo cáo"
    assert [r.name for r in package.recipients][-1] == "Ủy ban nhân dân tỉnh Quảng Ninh"
    assert edxml.urgency_of(edxml.priority_of("HỎA TỐC")) == "HỎA TỐC"
    assert len(package.attachments) == 1 and package.attachments[0].name.endswith(".docx")
    assert check_docx(package.attachments[0].data) == []
    assert AuditEvent.objects.filter(action=SituationAction.FLASH_REPORT_EXPORTED).count() == 1


def test_a_classified_incident_is_never_packed(
    make_incident: Callable[..., Any], client_for: Callable[[str], Client],
    api_for: Callable[..., Client], persona: Callable[[str], Any],
) -> None:  # fmt: skip
    report = _issued(make_incident(committee=province(), classification=1), persona("thuongtruc"))
    with pytest.raises(documents.ClassifiedExportRefused, match="edXML"):
        services.export_edxml(report, actor=persona("thuongtruc"))
    client = client_for("thuongtruc")
    page = client.get(
        reverse("situation:flash_report_edxml", kwargs={"pk": report.pk}), follow=True
    )
    assert "không được gửi qua hệ thống trao đổi edXML" in page.content.decode()
    assert page.redirect_chain[-1][0] == reverse(
        "situation:flash_report_detail", kwargs={"pk": report.pk}
    )
    api = api_for("thuongtruc").get(f"/api/v1/flash-reports/{report.pk}/edxml/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "classified"
    assert not AuditEvent.objects.filter(action=SituationAction.FLASH_REPORT_EXPORTED).exists()
    # The .docx (with its stamp) is the way it travels.
    docx = client.get(reverse("situation:flash_report_docx", kwargs={"pk": report.pk}))
    assert docx.status_code == 200 and "MẬT" in docx_text(docx.content)
    # Below the clearance, it is not there at all.
    assert client_for("xa_a").get(reverse("situation:flash_report_detail",
                                           kwargs={"pk": report.pk})).status_code == 404  # fmt: skip


def test_api_issue_and_read(
    make_incident: Callable[..., Any], api_for: Callable[..., Client]
) -> None:
    incident = make_incident()
    api = api_for("xa_a", scope="write")
    response = api.post(
        f"/api/v1/incidents/{incident.pk}/flash-report/",
        {
            "urgency_mark": "thuong_khan",
            "signer_title": "Trưởng ban",
            "signing_form": "TM.",
            "signer_name": "Nguyễn Văn Hùng",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["urgency_mark"] == "thuong_khan"
    assert body["content"]["urgency"] == "THƯỢNG KHẨN"
    pk = body["id"]
    assert api.get(f"/api/v1/flash-reports/{pk}/").json()["symbol"] == body["symbol"]
    docx = api.get(f"/api/v1/flash-reports/{pk}/docx/")
    assert docx.status_code == 200 and check_docx(docx.content) == []
    assert api.get(f"/api/v1/flash-reports/{pk}/edxml/").status_code == 200
    # Scope: commune B sees neither the incident nor the report.
    other = api_for("xa_b", scope="write")
    assert other.get(f"/api/v1/flash-reports/{pk}/").status_code == 404
    assert other.get(f"/api/v1/flash-reports/{pk}/docx/").status_code == 404
    assert other.get(f"/api/v1/flash-reports/{pk}/edxml/").status_code == 404
    refused = other.post(f"/api/v1/incidents/{incident.pk}/flash-report/",
                         {"signer_title": "X", "signer_name": "Y"}, content_type="application/json")  # fmt: skip
    assert refused.status_code == 404


def test_api_refusals(
    make_incident: Callable[..., Any], api_for: Callable[..., Client], persona: Callable[[str], Any]
) -> None:
    incident = make_incident()
    incident.involved_agencies.add(Agency.objects.get(name="Sở Công Thương"))
    url = f"/api/v1/incidents/{incident.pk}/flash-report/"
    refused = api_for("congthuong", scope="write").post(
        url, {"signer_title": "X", "signer_name": "Y"}, content_type="application/json"
    )
    assert refused.status_code == 403
    bad = api_for("xa_a", scope="write").post(
        url,
        {"signer_title": "X", "signer_name": "Y", "urgency_mark": "khan"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    reported = make_incident(state="reported")
    early = api_for("xa_a", scope="write").post(
        f"/api/v1/incidents/{reported.pk}/flash-report/", {"signer_title": "X", "signer_name": "Y"},
        content_type="application/json",
    )  # fmt: skip
    assert early.status_code == 400
    assert "xác minh" in early.json()["error"]["message"]
    assert not FlashReport.objects.filter(incident__in=[incident, reported]).exists()
