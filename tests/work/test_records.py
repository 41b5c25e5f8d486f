"""Work plans, meetings and incoming documents: points become tasks; edXML in and out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.work.helpers import SEED, agency, commune, days_from_today, directive, province
from vigil.core import attachments
from vigil.core.documents import edxml
from vigil.work.documents import exchange
from vigil.work.documents import services as document_services
from vigil.work.models import IncomingDocument, Meeting, Task
from vigil.work.records import services as record_services
from vigil.work.services import PointSpec

pytestmark = pytest.mark.django_db


def test_meeting_conclusions_become_tasks(persona: Callable[[str], Any]) -> None:
    meeting = record_services.record_meeting(
        province(), kind=Meeting.Kind.EXTRAORDINARY, title="Họp đột xuất",
        held_on=dt.date(2026, 11, 20), invited=[agency("dit"), agency("border")],
        attending=[agency("dit")],
        points=[PointSpec(text="Rà soát kho.", lead=[agency("dit"), agency("border")],
                          deadline_working_days=3)],
        actor=persona("thuongtruc"),
    )  # fmt: skip
    tasks = Task.objects.filter(conclusion__meeting=meeting)
    assert tasks.count() == 2
    # Fri 20 + 3 working days: Mon 23, Wed 25 (24/11 is a day off, Vietnamese Culture Day), Thu 26.
    assert {t.deadline for t in tasks} == {dt.date(2026, 11, 26)}
    with pytest.raises(ValidationError, match="Unknown kind"):
        record_services.record_meeting(province(), kind="party", title="x", held_on=dt.date(2026, 1, 1),
                               actor=SEED)  # fmt: skip


def test_a_work_plan_per_committee_and_year_and_its_items_become_tasks() -> None:
    year = days_from_today(0).year + 1
    plan = record_services.create_work_plan(
        commune("a"), year=year, title="Kế hoạch năm sau",
        items=[PointSpec(text="Tuyên truyền.", lead=[agency("police_a")],
                         deadline=dt.date(year, 6, 30))],
        actor=SEED,
    )  # fmt: skip
    assert Task.objects.filter(plan_item__plan=plan).count() == 1
    with pytest.raises(ValidationError, match="already has a work plan"):
        record_services.create_work_plan(commune("a"), year=year, title="Lần hai", actor=SEED)


def test_an_issued_document_exported_and_imported_again_keeps_what_it_said(
    persona: Callable[[str], Any],
) -> None:
    office = persona("thuongtruc")
    document = directive(agency("dit"), actor=office, issue_date=dt.date(2026, 11, 20))
    upload = SimpleUploadedFile("phu-luc.txt", "Phụ lục danh sách mục tiêu\n".encode())
    attachments.attach(document, upload, actor=office)
    package = exchange.export_edxml(document, actor=office)
    incoming = exchange.import_incoming_edxml(commune("a"), package, actor=persona("xa_a"))
    number, notation = document.symbol.split("/")
    assert (incoming.number, incoming.notation) == (number, notation)
    assert incoming.doc_date == document.issue_date
    assert incoming.subject == document.subject
    # Sent under the committee's own code, not filed under the police (a recipient).
    assert incoming.issuer is None and incoming.issuer_name == province().name
    assert incoming.issuer_code == province().electronic_code != agency("police").electronic_code
    assert not incoming.issuer_unknown
    files = list(attachments.attachments_of(incoming, persona("xa_a")))
    assert [(f.name, f.sha256) for f in files] == [
        (a.name, a.sha256) for a in attachments.attachments_of(document, office)
    ]


def _package(code: str = "000.00.77.H99", **changes: Any) -> bytes:
    values: dict[str, Any] = {
        "sender": edxml.Organ(code, "Sở Ngoại vụ tỉnh bạn"), "recipients": [],
        "number": "7", "notation": "CV-SNV", "place": "Hà Nội", "date": dt.date(2026, 11, 2),
        "type_name": "Công văn", "subject": "Phối hợp trao đổi thông tin",
    }  # fmt: skip
    values.update(changes)
    return edxml.build_package(edxml.EdxmlDocument(**values))


def test_an_unknown_issuer_is_kept_as_named_and_flagged() -> None:
    incoming = exchange.import_incoming_edxml(province(), _package(), actor=SEED)
    assert incoming.issuer is None and incoming.issuer_unknown
    assert incoming.issuer_name == "Sở Ngoại vụ tỉnh bạn"


@pytest.mark.parametrize(
    ("broken", "message"),
    [("not-xml", "well-formed"), ("no-number", "number"), ("entity", "DTD or entities")],
)
def test_a_bad_package_is_refused_with_nothing_written(broken: str, message: str) -> None:
    data = {
        "not-xml": b"<not xml",
        "no-number": _package(number=""),
        "entity": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>',
    }[broken]
    count = IncomingDocument.objects.count()
    with pytest.raises(ValidationError, match=message):
        exchange.import_incoming_edxml(province(), data, actor=SEED)
    assert IncomingDocument.objects.count() == count


def test_an_oversized_attachment_is_refused(settings: Any) -> None:
    settings.VIGIL_MAX_UPLOAD_MB = 1
    big = edxml.EdxmlAttachment("lon.txt", "text/plain", b"a" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        exchange.import_incoming_edxml(province(), _package(attachments=[big]), actor=SEED)


def test_an_incoming_document_is_assigned_and_its_points_become_tasks(
    persona: Callable[[str], Any],
) -> None:
    document = document_services.register_incoming(
        province(), issuer=agency("mps"), number="12", notation="CĐ-BCA",
        doc_date=days_from_today(-5), subject="Công điện", actor=persona("thuongtruc"),
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        document_services.assign_incoming(
            document, handler=agency("dit"), actor=persona("congthuong")
        )
    document_services.assign_incoming(document, handler=agency("dit"), actor=persona("thuongtruc"))
    assert IncomingDocument.objects.visible_to(persona("congthuong")).filter(pk=document.pk)
    tasks = document_services.tasks_from_incoming(
        document, points=[PointSpec(text="Báo cáo.", lead=[agency("dit")],
                                    deadline=days_from_today(6))],
        actor=persona("thuongtruc"),
    )  # fmt: skip
    assert [t.incoming_point.document_id for t in tasks] == [document.pk]  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="before the date of issue"):
        document_services.register_incoming(
            province(), issuer_name="X", number="1", doc_date=days_from_today(-5),
            subject="Y", deadline=days_from_today(-24), actor=SEED,
        )  # fmt: skip


def test_the_import_page_flags_an_unknown_issuer(client_for: Callable[[str], Client]) -> None:
    upload = SimpleUploadedFile("goi.xml", _package(), content_type="application/xml")
    response = client_for("thuongtruc").post(
        reverse("work:incoming_import", args=[province().pk]),
        {"package": upload, "classification": 0}, follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert IncomingDocument.objects.filter(issuer_name="Sở Ngoại vụ tỉnh bạn").exists()


def test_points_added_to_an_incoming_document_are_audited(
    persona: Callable[[str], Any],
) -> None:
    """Review: further points of an incoming document were written without an audit
    event of their own (none at all for a point handed to no agency)."""
    from vigil.core.models import AuditEvent

    document = document_services.register_incoming(
        province(), issuer=agency("mps"), number="13", notation="CĐ-BCA",
        doc_date=days_from_today(-5), subject="Công điện", actor=persona("thuongtruc"),
    )  # fmt: skip
    document_services.tasks_from_incoming(
        document, points=[PointSpec(text="Theo dõi tình hình.")], actor=persona("thuongtruc")
    )
    assert document.points.count() == 1
    event = AuditEvent.objects.filter(
        action="work.incoming.points_added", object_id=str(document.pk)
    ).get()
    assert event.after is not None and event.after["points"] == ["Theo dõi tình hình."]


def test_the_edxml_export_carries_the_unclassified_attachments(
    persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    """A classified annex stops the export altogether (tests/work/test_classified_export.py)."""
    office = persona("thuongtruc")
    document = directive(agency("dit"), actor=office)
    attachments.attach(document, SimpleUploadedFile("thuong.txt", b"Cong khai\n"), actor=office)
    response = client_for("congthuong").get(reverse("work:document_edxml", args=[document.pk]))
    assert response.status_code == 200
    names = [a.name for a in edxml.parse_package(response.content, check_types=False).attachments]
    assert names == ["thuong.txt"]


def test_an_oversized_package_gets_the_size_message_not_field_required(
    client_for: Callable[[str], Client], settings: Any
) -> None:
    """Review: the upload handler stops a package over VIGIL_MAX_UPLOAD_MB, and the import
    page then said only "This field is required"."""
    settings.VIGIL_MAX_UPLOAD_MB = 1
    big = _package() + b" " * (1024 * 1024 + 10)
    count = IncomingDocument.objects.count()
    response = client_for("thuongtruc").post(
        reverse("work:incoming_import", args=[province().pk]),
        {"package": SimpleUploadedFile("goi.xml", big, content_type="application/xml"),
         "classification": 0},
    )  # fmt: skip
    assert response.status_code == 200
    assert "lớn hơn 1 MB" in response.content.decode()
    assert IncomingDocument.objects.count() == count


def test_an_oversized_file_is_not_silently_dropped_from_a_registration(
    client_for: Callable[[str], Client], settings: Any
) -> None:
    """Review: the file is optional, so a file the upload handler stopped was dropped and
    the document registered without it, with no word said."""
    settings.VIGIL_MAX_UPLOAD_MB = 1
    count = IncomingDocument.objects.count()
    response = client_for("thuongtruc").post(
        reverse("work:incoming_create", args=[province().pk]),
        {"issuer_name": "Sở X", "number": "5", "doc_date": "2026-11-20", "subject": "Y",
         "classification": 0, "points-TOTAL_FORMS": 0, "points-INITIAL_FORMS": 0,
         "file": SimpleUploadedFile("big.pdf", b"a" * (1024 * 1024 + 10))},
    )  # fmt: skip
    assert response.status_code == 200
    assert "lớn hơn 1 MB" in response.content.decode()
    assert IncomingDocument.objects.count() == count
