"""Issuing a flash report: numbered from the register, content frozen, the .docx checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.situation.flash.conftest import commune_a, docx_text, province
from vigil.core.documents.check import check_docx
from vigil.core.models import AuditEvent, IssuedNumber
from vigil.inbox.models import Notification
from vigil.situation.flash import documents, services
from vigil.situation.incidents.models import FlashReport, IncidentState, UrgencyMark
from vigil.situation.models import SituationAction

pytestmark = pytest.mark.django_db


def _issue(incident: Any, actor: Any, **extra: Any) -> FlashReport:
    values: dict[str, Any] = {
        "urgency_mark": UrgencyMark.HOA_TOC, "signer_title": "Phó Trưởng ban Thường trực",
        "signer_name": "Trần Văn Bình", "signing_form": "KT.",
    }  # fmt: skip
    return services.issue_flash_report(incident, actor=actor, **(values | extra))


def test_issued_report_passes_the_decree_30_check(
    make_incident: Callable[..., Any], persona: Callable[[str], Any]
) -> None:
    report = _issue(make_incident(), persona("xa_a"))
    data = documents.docx_bytes(report)
    assert check_docx(data) == []
    text = docx_text(data)
    assert "HỎA TỐC" in text
    assert f"Số: {report.symbol}" in text
    assert "BÁO CÁO" in text.upper()
    assert "KT. TRƯỞNG BAN" in text and "PHÓ TRƯỞNG BAN THƯỜNG TRỰC" in text
    assert "Trần Văn Bình" in text
    # What, where, when, forces, measures, counts.
    assert "Nhà ga T1" in text and "Sơ tán hành khách" in text and "Đội xử lý bom mìn" in text
    assert "bị thương: 2" in text and "sơ tán: 350" in text
    assert "DIỄN TẬP" not in text


def test_thuong_khan_and_tm_signature(
    make_incident: Callable[..., Any], persona: Callable[[str], Any]
) -> None:
    report = _issue(
        make_incident(), persona("xa_a"), urgency_mark=UrgencyMark.THUONG_KHAN,
        signing_form="TM.", signer_title="Trưởng ban",
    )  # fmt: skip
    data = documents.docx_bytes(report)
    assert check_docx(data) == []
    text = docx_text(data)
    assert "THƯỢNG KHẨN" in text and "HỎA TỐC" not in text
    assert "TM. BAN CHỈ ĐẠO" in text


def test_default_recipients_are_the_committee_above_and_the_peoples_committee(
    make_incident: Callable[..., Any], persona: Callable[[str], Any]
) -> None:
    report = _issue(make_incident(), persona("xa_a"))
    names = [r["name"] for r in report.recipients]
    assert names == [province().name, "Ủy ban nhân dân tỉnh Quảng Ninh"]
    assert all(r["code"] for r in report.recipients)
    text = docx_text(documents.docx_bytes(report))
    assert "Kính gửi" in text and "Ủy ban nhân dân tỉnh Quảng Ninh" in text
    # The committee above hears of it at once.
    assert Notification.objects.filter(subject__contains=report.symbol).exists()


def test_typed_recipients(make_incident: Callable[..., Any], persona: Callable[[str], Any]) -> None:
    report = _issue(make_incident(), persona("xa_a"), recipients=["Bộ Công an", "  "])
    assert report.recipients == [{"name": "Bộ Công an", "code": "000.00.00.G01"}]


def test_numbers_are_consecutive_and_the_content_frozen(
    make_incident: Callable[..., Any], persona: Callable[[str], Any]
) -> None:
    incident = make_incident()
    first = _issue(incident, persona("xa_a"))
    docx_before = docx_text(documents.docx_bytes(first))
    second = _issue(incident, persona("thuongtruc"))
    assert second.number.register_id == first.number.register_id
    assert second.number.number == first.number.number + 1
    assert first.symbol.endswith("/BC-" + commune_a().short_name)
    # The incident moves on; what was sent does not.
    incident.title = "Tiêu đề đã sửa"
    incident.injured = 9
    incident.save()
    first.refresh_from_db()
    assert docx_text(documents.docx_bytes(first)) == docx_before
    assert "Tiêu đề đã sửa" not in docx_before
    assert first.content["incident"]["injured"] == 2


def test_audited(make_incident: Callable[..., Any], persona: Callable[[str], Any]) -> None:
    report = _issue(make_incident(), persona("xa_a"))
    event = AuditEvent.objects.get(
        action=SituationAction.FLASH_REPORT_ISSUED, object_id=str(report.pk)
    )
    assert event.object_id == str(report.pk)
    assert event.after is not None and event.after["symbol"] == report.symbol


def test_exercise_is_marked(
    make_incident: Callable[..., Any], persona: Callable[[str], Any]
) -> None:
    report = _issue(make_incident(is_exercise=True), persona("xa_a"))
    assert report.is_exercise
    data = documents.docx_bytes(report)
    assert check_docx(data) == []
    text = docx_text(data)
    assert text.count("DIỄN TẬP") >= 2  # the subject and the head of the body


def test_classified_report_carries_its_stamp(
    make_incident: Callable[..., Any], persona: Callable[[str], Any]
) -> None:
    report = _issue(make_incident(committee=province(), classification=1), persona("thuongtruc"))
    assert report.classification == 1
    data = documents.docx_bytes(report)
    assert check_docx(data) == []
    assert "MẬT" in docx_text(data)


@pytest.mark.parametrize("state", [IncidentState.REPORTED, IncidentState.FALSE_ALARM])
def test_not_verified_is_refused_and_nothing_written(
    make_incident: Callable[..., Any], persona: Callable[[str], Any], state: str
) -> None:
    incident = make_incident(state=state)
    numbers = IssuedNumber.objects.count()
    with pytest.raises(ValidationError, match="xác minh"):
        _issue(incident, persona("xa_a"))
    assert IssuedNumber.objects.count() == numbers
    assert not FlashReport.objects.filter(incident=incident).exists()


def test_bad_input_is_refused(
    make_incident: Callable[..., Any], persona: Callable[[str], Any]
) -> None:
    incident = make_incident()
    with pytest.raises(ValidationError):
        _issue(incident, persona("xa_a"), urgency_mark=UrgencyMark.KHAN)
    with pytest.raises(ValidationError):
        _issue(incident, persona("xa_a"), signer_title="  ")
    with pytest.raises(ValidationError):
        _issue(incident, persona("xa_a"), signer_name="")
    with pytest.raises(ValidationError):
        _issue(incident, persona("xa_a"), recipients=[])
    assert not FlashReport.objects.filter(incident=incident).exists()


def test_only_the_standing_office_and_leaders(
    make_incident: Callable[..., Any], persona: Callable[[str], Any]
) -> None:
    incident = make_incident()
    for username in ("congthuong", "bienphong", "xa_b", "kiemtoan"):
        with pytest.raises(PermissionDenied):
            _issue(incident, persona(username))
    # The committee above may: its leader and standing office.
    assert _issue(incident, persona("lanhdao")).pk
    assert _issue(incident, persona("thuongtruc")).pk


def test_what_the_incident_page_offers(
    make_incident: Callable[..., Any], persona: Callable[[str], Any]
) -> None:
    verified, reported = make_incident(), make_incident(state=IncidentState.REPORTED)
    assert services.offers_flash_report(persona("xa_a"), verified)
    assert not services.offers_flash_report(persona("xa_a"), reported)
    assert not services.offers_flash_report(persona("congthuong"), verified)
