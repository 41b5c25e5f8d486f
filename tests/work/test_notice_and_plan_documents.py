"""Issue 20: a meeting has its time, place and chair, and its conclusions notice
issues as a document like any other; so does a work plan (number, .docx, edXML)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.work.helpers import SEED, agency, head, holder, province
from tests.work.test_document_types import paragraphs
from vigil.core.audit import CoreAction
from vigil.core.documents import edxml
from vigil.core.documents.check import check_docx
from vigil.core.models import AuditEvent, AuditHead
from vigil.org.models import Post
from vigil.work.documents import exchange
from vigil.work.models import IssuedDocument, Meeting, WorkPlan

pytestmark = pytest.mark.django_db


def _issue_from(client: Client, record: Meeting | WorkPlan, **fields: Any) -> Any:
    query = "?{}={}".format("meeting" if isinstance(record, Meeting) else "plan", record.pk)
    p = province()
    url = reverse("work:document_create", args=[p.pk]) + query
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    points = page.context["points"]
    data: dict[str, Any] = {
        name: form[name].value() for name in ("doc_type", "subject", "body", "classification")
    }
    data.update({
        "issue_date": "2026-11-25", "drafting_unit": "VPTT", "signing_post": head(p).pk,
        "signer": holder(p, Post.Kind.HEAD).pk, "signing_form": "TM.", "urgency": "",
        "points-TOTAL_FORMS": len(points.forms), "points-INITIAL_FORMS": 0, **fields,
    })  # fmt: skip
    texts = [p.text for p in (record.points.all() if isinstance(record, Meeting)
                              else record.items.all())]  # fmt: skip
    for number, text in enumerate(texts):
        assert text in page.content.decode()  # the form starts with the record's points
        data[f"points-{number}-text"] = text
    return page, client.post(url, data)


def test_a_meetings_conclusions_notice_is_issued_once_from_its_page(
    client_for: Callable[[str], Client],
) -> None:
    meeting = Meeting.objects.get(title="Họp Ban Chỉ đạo thường kỳ quý IV")
    office = client_for("thuongtruc")
    detail = office.get(meeting.get_absolute_url()).content.decode()
    assert "08:30" in detail and "Hội trường Công an tỉnh Quảng Ninh" in detail
    assert "Nguyễn Văn Hùng" in detail  # the chair
    page, response = _issue_from(office, meeting)
    body = page.context["form"]["body"].value()
    assert "lúc 8 giờ 30, tại Hội trường Công an tỉnh Quảng Ninh" in body
    assert "Trưởng ban Nguyễn Văn Hùng chủ trì họp Ban Chỉ đạo thường kỳ quý IV" in body
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting.refresh_from_db()
    notice = meeting.notice
    assert notice is not None and notice.symbol.endswith("/TB-BCĐ")
    data = office.get(reverse("work:document_docx", args=[notice.pk])).content
    assert check_docx(data) == []
    lines = paragraphs(data)
    assert "THÔNG BÁO" in lines
    assert "1. Sở Công Thương rà soát kho vật liệu nổ trước Tết." in lines
    # Its points were already handed out at the meeting: no second task.
    assert not notice.tasks.exists()
    package = edxml.parse_package(exchange.export_edxml(notice, actor=SEED))
    assert package.type_detail == "7"
    _page, again = _issue_from(office, meeting)
    assert again.status_code == 200
    assert IssuedDocument.objects.filter(subject=notice.subject).count() == 1


def test_a_work_plan_issues_as_a_numbered_plan_with_its_items(
    client_for: Callable[[str], Client],
) -> None:
    plan = WorkPlan.objects.get(owning_committee=province(), year=2026)  # the demo year
    office = client_for("thuongtruc")
    assert "?plan=" in office.get(plan.get_absolute_url()).content.decode()
    _page, response = _issue_from(office, plan)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan.refresh_from_db()
    assert plan.document is not None and plan.document.symbol.endswith("/KH-BCĐ")
    lines = paragraphs(office.get(reverse("work:document_docx", args=[plan.document.pk])).content)
    assert "KẾ HOẠCH" in lines and "I. NHIỆM VỤ" in lines
    assert "1. Tổ chức hội nghị sơ kết 6 tháng." in lines


def test_a_record_of_another_committee_is_not_found(client_for: Callable[[str], Client]) -> None:
    meeting = Meeting.objects.get(title="Họp Ban Chỉ đạo thường kỳ quý IV")
    other = Meeting.objects.exclude(owning_committee=meeting.owning_committee).first()
    url = reverse("work:document_create", args=[province().pk])
    if other is not None:
        assert client_for("thuongtruc").get(f"{url}?meeting={other.pk}").status_code == 404
    assert client_for("thuongtruc").get(f"{url}?plan=999999").status_code == 404
    assert agency("dit") is not None


def test_a_document_cannot_be_less_classified_than_its_record(
    client_for: Callable[[str], Client],
) -> None:
    meeting = Meeting.objects.get(title="Họp Ban Chỉ đạo thường kỳ quý IV")
    Meeting.objects.filter(pk=meeting.pk).update(classification=1)
    office = client_for("thuongtruc")
    seq = AuditHead.objects.get(id=1).seq
    before = IssuedDocument.objects.count()
    page, response = _issue_from(office, meeting, classification=0)
    # The pre-filled form showed the Mật record's conclusions: a read, audited.
    viewed = AuditEvent.objects.filter(seq__gt=seq, action=CoreAction.OBJECT_VIEWED)
    assert [e.object_id for e in viewed] == [str(meeting.pk)]
    assert response.status_code == 200
    assert response.context["form"].errors["classification"] == [
        "Văn bản không thể có độ mật thấp hơn hồ sơ mà nó được ban hành từ đó."
    ]
    meeting.refresh_from_db()
    assert meeting.notice is None and IssuedDocument.objects.count() == before
    assert page.context["form"]["classification"].value() in (1, "1")


def test_the_issued_symbol_shows_only_to_who_may_see_the_document(
    client_for: Callable[[str], Client],
) -> None:
    plan = WorkPlan.objects.get(owning_committee=province(), year=2026)  # the demo year
    meeting = Meeting.objects.get(title="Họp Ban Chỉ đạo thường kỳ quý IV")
    office = client_for("thuongtruc")
    for record in (plan, meeting):
        _page, response = _issue_from(office, record, classification=1)
        assert response.status_code == 302, response.content.decode()[:2000]
    plan.refresh_from_db()
    meeting.refresh_from_db()
    assert plan.document is not None and meeting.notice is not None
    pages = [plan.get_absolute_url(), meeting.get_absolute_url()]
    for url, document in zip(pages, (plan.document, meeting.notice), strict=True):
        assert document.symbol in office.get(url).content.decode()
    # The same reader, cleared no more than Thường, still sees the Thường records.
    get_user_model().objects.filter(username="thuongtruc").update(clearance=0)
    for url, document in zip(pages, (plan.document, meeting.notice), strict=True):
        html = office.get(url).content.decode()
        assert document.symbol not in html
        assert document.get_absolute_url() not in html
