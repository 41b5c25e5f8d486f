"""Issue 20, edXML: what the receiving system needs goes out (numeric type codes,
priority from urgency, the organisation in charge, the signer's competence, the
committee's own code, every recipient as a To organ, one file extension), and
an import keeps what came in and refuses the same document twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.work.helpers import SEED, agency, head, holder, province
from vigil.core import attachments
from vigil.core.documents import edxml
from vigil.core.numbering import DocType
from vigil.org import services as org_services
from vigil.org.models import Post
from vigil.work.documents import exchange
from vigil.work.documents import services as document_services
from vigil.work.models import IncomingDocument, IssuedDocument, SigningForm, Urgency

pytestmark = pytest.mark.django_db


def letter(**changes: Any) -> IssuedDocument:
    p = province()
    values: dict[str, Any] = {
        "doc_type": DocType.CONG_VAN, "subject": "Báo cáo tồn kho", "drafting_unit": "VPTT",
        "addressees": [agency("dit")], "recipients": [agency("border")],
        "urgency": Urgency.THUONG_KHAN, **changes,
    }  # fmt: skip
    return document_services.issue_document(
        p, issue_date=dt.date(2026, 11, 20), signing_post=head(p),
        signer=holder(p, Post.Kind.STANDING_DEPUTY), signing_form=SigningForm.KT, actor=SEED,
        **values,
    )  # fmt: skip


def test_the_export_carries_what_the_receiving_system_needs() -> None:
    document = letter()
    package = edxml.parse_package(exchange.export_edxml(document, actor=SEED))
    p = province()
    assert package.sender.code == p.electronic_code == "000.00.90.H46"
    assert package.sender.in_charge == "Công an tỉnh Quảng Ninh"
    assert (package.type_code, package.type_detail) == ("2", "18")
    assert package.priority == 2  # thượng khẩn
    assert package.signer_competence == "KT."
    assert package.signer_position == "Trưởng ban (Phó Trưởng ban Thường trực)"
    assert {o.code for o in package.recipients} == {
        agency("dit").electronic_code,
        agency("border").electronic_code,
    }
    assert package.document_id == f"vigil-{p.pk}-{document.pk}"


def test_urgency_maps_to_priority_both_ways() -> None:
    for urgency, priority in (("", 0), ("KHẨN", 1), ("THƯỢNG KHẨN", 2), ("HỎA TỐC", 3)):
        assert edxml.priority_of(urgency) == priority
        assert edxml.urgency_of(priority) == urgency


def test_an_import_keeps_the_header_and_refuses_the_same_document_twice() -> None:
    document = letter()
    data = exchange.export_edxml(document, actor=SEED)
    p = province()
    incoming = exchange.import_incoming_edxml(p, data, actor=SEED)
    assert incoming.document_id == f"vigil-{p.pk}-{document.pk}"
    assert (incoming.type_code, incoming.type_detail) == ("2", "18")
    assert incoming.organization_in_charge == "Công an tỉnh Quảng Ninh"
    assert incoming.place == document.place
    assert agency("dit").electronic_code in incoming.addressed_to
    assert incoming.not_addressed  # sent to DIT and the border guard, not to the committee
    with pytest.raises(ValidationError) as refused:
        exchange.import_incoming_edxml(p, data, actor=SEED)
    assert f"entry {incoming.pk}" in refused.value.messages[0]
    assert IncomingDocument.objects.filter(document_id=incoming.document_id).count() == 1


def test_a_package_addressed_to_the_committee_is_not_flagged() -> None:
    p = province()
    package = edxml.build_package(
        edxml.EdxmlDocument(
            sender=edxml.Organ("000.00.77.H99", "Sở Ngoại vụ tỉnh bạn"),
            recipients=[edxml.Organ(p.electronic_code, p.name)], number="7",
            notation="CV-SNV", place="Hà Nội", date=dt.date(2026, 11, 2),
            type_name="Công văn", subject="Phối hợp", document_id="snv-7-2026",
        )
    )  # fmt: skip
    incoming = exchange.import_incoming_edxml(p, package, actor=SEED)
    assert not incoming.not_addressed and incoming.document_id == "snv-7-2026"


def test_the_committee_code_is_checked_by_the_organ_code_pattern() -> None:
    p = province()
    with pytest.raises(ValidationError) as refused:
        org_services.update_committee(p, electronic_code="police-code", actor=SEED)
    assert "electronic_code" in refused.value.message_dict
    p.refresh_from_db()
    assert p.electronic_code == "000.00.90.H46"


def test_the_download_is_named_once_and_the_page_shows_the_header(
    client_for: Callable[[str], Client],
) -> None:
    document = letter()
    office = client_for("thuongtruc")
    response = office.get(reverse("work:document_edxml", args=[document.pk]))
    disposition = response["Content-Disposition"]
    assert ".edxml" in disposition and ".edxml.edxml" not in disposition
    incoming = exchange.import_incoming_edxml(province(), response.content, actor=SEED)
    page = office.get(incoming.get_absolute_url()).content.decode()
    assert incoming.document_id in page and "Công an tỉnh Quảng Ninh" in page
    assert document.place in page


def test_the_administrator_sets_the_committee_code_through_the_api(
    api_for: Callable[..., Client],
) -> None:
    p = province()
    admin = api_for("quantri", "write")
    url = f"/api/v1/committees/{p.pk}/"
    refused = admin.patch(url, {"electronic_code": "H46"}, content_type="application/json")
    assert refused.status_code == 400
    assert "electronic_code" in refused.json()["error"]["fields"]
    saved = admin.patch(url, {"electronic_code": "000.00.91.H46"}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["electronic_code"] == "000.00.91.H46"
    package = edxml.parse_package(exchange.export_edxml(letter(), actor=SEED))
    assert package.sender.code == "000.00.91.H46"


def test_the_entry_already_registered_is_named_only_to_who_may_see_it(
    persona: Callable[[str], Any],
) -> None:
    data = exchange.export_edxml(letter(), actor=SEED)
    p = province()
    held = exchange.import_incoming_edxml(p, data, classification=2, actor=SEED)
    office = persona("thuongtruc")  # cleared Mật: the Tối mật entry is not theirs to see
    with pytest.raises(ValidationError) as refused:
        exchange.import_incoming_edxml(p, data, actor=office)
    message = refused.value.messages[0]
    assert "already registered" in message
    assert held.symbol not in message and f"entry {held.pk}" not in message
    assert IncomingDocument.objects.filter(document_id=held.document_id).count() == 1


def test_two_clerks_registering_one_package_at_once_get_a_refusal_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = exchange.export_edxml(letter(), actor=SEED)
    p = province()
    checked = IncomingDocument.full_clean
    raced: list[IncomingDocument] = []

    def other_clerk_first(self: IncomingDocument, *args: Any, **kwargs: Any) -> None:
        # The other clerk's row commits after this one passed the check, before its save
        # (played here inside this one's transaction: the helper that nests).
        checked(self, *args, **kwargs)
        if not raced:
            raced.append(self)
            raced.append(exchange.import_incoming_edxml_within(p, data, actor=SEED))

    monkeypatch.setattr(IncomingDocument, "full_clean", other_clerk_first)
    with pytest.raises(ValidationError) as refused:
        exchange.import_incoming_edxml(p, data, actor=SEED)
    # The same answer as a sequential second attempt (here both roll back together).
    assert f"entry {raced[1].pk}" in refused.value.messages[0]


def test_the_package_carries_the_attachment_list_the_refusal_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = letter()
    attachments.attach(document, SimpleUploadedFile("cong-khai.txt", b"Cong khai\n"), actor=SEED)
    refuse = exchange._refuse_classified_export

    def then_a_classified_annex(*args: Any, **kwargs: Any) -> None:
        refuse(*args, **kwargs)
        # Attached between the check and the packing: it must not ride along.
        attachments.attach(
            document, SimpleUploadedFile("mat.txt", b"Noi dung mat\n"), actor=SEED,
            classification=1,
        )  # fmt: skip

    monkeypatch.setattr(exchange, "_refuse_classified_export", then_a_classified_annex)
    package = edxml.parse_package(exchange.export_edxml(document, actor=SEED))
    assert [a.name for a in package.attachments] == ["cong-khai.txt"]
