"""Attachments: type read from content, limits, nothing left behind, scope of downloads."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from vigil.core import attachments
from vigil.core.attachments import content_disposition, safe_name
from vigil.core.audit import SystemActor
from vigil.core.models import Attachment, AuditEvent
from vigil.org.models import ContactPoint

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def files_on_disk() -> list[Path]:
    root = attachments.storage_dir()
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def contact(case_object: Callable[[int], Any]) -> ContactPoint:
    found: ContactPoint = case_object(1)  # commune A's duty desk, Thường
    return found


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("bao-cao.pdf", PDF, "pdf"),
        ("anh.png", PNG, "png"),
        ("anh.jpeg", JPEG, "jpeg"),
        ("van-ban.docx", docx_bytes(), "docx"),
        ("bang.xlsx", xlsx_bytes(), "xlsx"),
        ("ghi-chu.txt", "Ghi chú tiếng Việt\n".encode(), "txt"),
        ("so-lieu.csv", b"a,b\n1,2\n", "csv"),
        ("khong-duoi", PDF, "pdf"),
    ],
)
def test_accepted_types_are_recognised_by_content(
    name: str, data: bytes, kind: str, contact: ContactPoint
) -> None:
    attachment = attachments.attach(contact, upload(name, data), actor=SYSTEM)
    assert attachment.kind == kind
    assert attachment.size == len(data)
    stored = attachments.stored_path(attachment.stored_name)
    assert stored.read_bytes() == data
    assert name not in str(stored)  # the server chose the name
    assert Path(stored).is_relative_to(attachments.storage_dir())


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bao-cao.pdf", b"MZ\x90\x00 this is a program", "không nhận loại tệp"),
        ("bao-cao.pdf", PNG, "không phải"),
        ("van-ban.docx", xlsx_bytes(), "không phải"),
        ("van-ban.docx", b"PK\x03\x04 broken zip", "không nhận loại tệp"),
        ("rong.pdf", b"", "rỗng"),
        ("latin1.txt", "caf\xe9".encode("latin-1"), "không nhận loại tệp"),
    ],
)
def test_bad_files_are_refused_with_nothing_written(
    name: str, data: bytes, message: str, contact: ContactPoint
) -> None:
    before = (Attachment.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as refused:
        attachments.attach(contact, upload(name, data), actor=SYSTEM)
    assert message in " ".join(refused.value.messages)
    assert (Attachment.objects.count(), AuditEvent.objects.count()) == before
    assert files_on_disk() == []


def test_an_oversized_file_is_refused_and_leaves_no_file(
    contact: ContactPoint, settings: Any
) -> None:
    settings.VIGIL_MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError) as refused:
        attachments.attach(contact, upload("big.txt", b"a" * (1024 * 1024 + 1)), actor=SYSTEM)
    assert "1 MB" in " ".join(refused.value.messages)
    assert files_on_disk() == []
    assert attachments.attach(contact, upload("ok.txt", b"a" * 1024 * 1024), actor=SYSTEM).size


def test_an_oversized_upload_stops_being_read_and_gets_the_same_message(
    contact: ContactPoint,
    client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
    settings: Any,
) -> None:
    settings.VIGIL_MAX_UPLOAD_MB = 1
    big = b"a" * (1024 * 1024 + 10)
    page = client_for("xa_a").post(
        reverse("org:contact_attachment_upload", args=[contact.pk]),
        {"file": upload("big.txt", big), "classification": "0"},
        follow=True,
    )
    assert "lớn hơn 1 MB" in page.content.decode()
    api = api_for("xa_a", "write").post(
        "/api/v1/attachments/",
        {"parent_type": "org.contactpoint", "parent_id": contact.pk, "file": upload("b.txt", big)},
    )
    assert api.status_code == 400
    assert "1 MB" in str(api.json()), api.json()
    assert Attachment.objects.count() == 0
    assert files_on_disk() == []


def test_an_attachment_is_at_least_as_classified_as_its_parent(
    case_object: Callable[[int], Any],
) -> None:
    secret_parent = case_object(2)  # Mật
    attachment = attachments.attach(secret_parent, upload("a.txt", b"x"), actor=SYSTEM)
    assert attachment.classification == secret_parent.classification == 1
    higher = attachments.attach(
        secret_parent, upload("b.txt", b"x"), actor=SYSTEM, classification=2
    )
    assert higher.classification == 2


def test_attaching_needs_the_right_to_change_the_parent(
    contact: ContactPoint, persona: Callable[[str], Any]
) -> None:
    with pytest.raises(PermissionDenied):
        attachments.attach(contact, upload("a.txt", b"x"), actor=persona("kiemtoan"))
    assert files_on_disk() == []


def test_download_names_are_safe() -> None:
    assert safe_name("../../etc/passwd", ".txt") == "passwd.txt"
    assert safe_name("C:\\tmp\\báo cáo.pdf", ".pdf") == "báo cáo.pdf"
    assert safe_name("a\r\nb\x00.pdf", ".pdf") == "ab.pdf"
    assert safe_name("hinh.jpeg", ".jpg") == "hinh.jpg"
    assert safe_name("report.final", ".pdf") == "report.final.pdf"
    header = content_disposition('báo "cáo".pdf')
    assert header.startswith('attachment; filename="bao _cao_.pdf"')
    assert "filename*=UTF-8''b%C3%A1o%20%22c%C3%A1o%22.pdf" in header
    assert "\n" not in header and "\r" not in header


def test_the_contact_page_uploads_lists_and_downloads(
    contact: ContactPoint, client_for: Callable[[str], Client]
) -> None:
    client = client_for("xa_a")
    page = reverse("org:contact_detail", args=[contact.pk])
    response = client.post(
        reverse("org:contact_attachment_upload", args=[contact.pk]),
        {"file": upload("Biên bản kiểm tra.pdf", PDF), "classification": "0"},
    )
    assert response.status_code == 302
    body = client.get(page).content.decode()
    attachment = Attachment.objects.get()
    assert "Biên bản kiểm tra.pdf" in body
    assert reverse("core:attachment_download", args=[attachment.pk]) in body

    download = client.get(reverse("core:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n" in download["Content-Disposition"]


def test_the_contact_page_refuses_a_fake_pdf_with_a_vietnamese_message(
    contact: ContactPoint, client_for: Callable[[str], Client]
) -> None:
    client = client_for("xa_a")
    response = client.post(
        reverse("org:contact_attachment_upload", args=[contact.pk]),
        {"file": upload("hoa-don.pdf", b"<html>not a pdf</html>"), "classification": "0"},
        follow=True,
    )
    assert "không phải" in response.content.decode()
    assert Attachment.objects.count() == 0
    assert files_on_disk() == []


def test_downloads_outside_scope_are_not_found(
    case_object: Callable[[int], Any], client_for: Callable[[str], Client]
) -> None:
    b_file = attachments.attach(case_object(2), upload("b.txt", b"x"), actor=SYSTEM)
    url = reverse("core:attachment_download", args=[b_file.pk])
    assert client_for("xa_a").get(url).status_code == 404
    assert client_for("xa_b").get(url).status_code == 404  # below clearance
    assert client_for("thuongtruc").get(url).status_code == 200


def test_a_file_above_the_users_clearance_is_not_found(
    contact: ContactPoint, client_for: Callable[[str], Client]
) -> None:
    secret = attachments.attach(contact, upload("m.txt", b"x"), actor=SYSTEM, classification=1)
    url = reverse("core:attachment_download", args=[secret.pk])
    assert client_for("xa_a").get(url).status_code == 404  # sees the contact, not the file
    assert (
        "m.txt"
        not in client_for("xa_a")
        .get(reverse("org:contact_detail", args=[contact.pk]))
        .content.decode()
    )
    assert client_for("kiemtoan").get(url).status_code == 200


def test_a_classified_download_is_audited(
    case_object: Callable[[int], Any], client_for: Callable[[str], Client]
) -> None:
    secret = attachments.attach(case_object(2), upload("m.txt", b"x"), actor=SYSTEM)
    before = AuditEvent.objects.count()
    client_for("kiemtoan").get(reverse("core:attachment_download", args=[secret.pk]))
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None
    assert (event.action, event.object_type, event.object_id) == (
        "object.viewed", "core.attachment", str(secret.pk),
    )  # fmt: skip
    assert event.committee_id == case_object(2).owning_committee_id


def test_delete_removes_the_row_audited_and_prune_the_file_later(
    contact: ContactPoint, client_for: Callable[[str], Client]
) -> None:
    attachment = attachments.attach(contact, upload("a.txt", b"x"), actor=SYSTEM)
    kept = attachments.attach(contact, upload("b.txt", b"y"), actor=SYSTEM)
    path = attachments.stored_path(attachment.stored_name)
    assert (
        client_for("kiemtoan")
        .post(reverse("core:attachment_delete", args=[attachment.pk]))
        .status_code
        == 403
    )
    response = client_for("xa_a").post(
        reverse("core:attachment_delete", args=[attachment.pk]),
        {"next": reverse("org:contact_detail", args=[contact.pk])},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("org:contact_detail", args=[contact.pk])
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None and last.action == "attachment.deleted"
    # Within the grace period (a backup may be copying it) the file stays.
    assert attachments.prune_unreferenced() == []
    assert path.exists()
    out = io.StringIO()
    call_command("attachments", "prune", "--hours", "0", stdout=out)
    assert "1 unreferenced file(s) deleted" in out.getvalue()
    assert not path.exists()
    assert attachments.stored_path(kept.stored_name).exists()


def test_a_rolled_back_upload_leaves_a_file_that_prune_removes(contact: ContactPoint) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        attachments.attach(contact, upload("a.txt", b"x"), actor=SYSTEM)
        raise RuntimeError("the caller's transaction fails after the upload")
    assert Attachment.objects.count() == 0
    assert len(files_on_disk()) == 1
    assert len(attachments.prune_unreferenced(older_than=dt.timedelta(0))) == 1
    assert files_on_disk() == []


def test_the_worker_prunes_them_hourly(contact: ContactPoint) -> None:
    from vigil.core import clock, scheduler

    with pytest.raises(RuntimeError), transaction.atomic():
        attachments.attach(contact, upload("a.txt", b"x"), actor=SYSTEM)
        raise RuntimeError("rolled back")
    assert len(files_on_disk()) == 1
    later = clock.now() + dt.timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        assert "attachments.prune" in scheduler.run_due_sweeps(later, names=["attachments.prune"])
    assert files_on_disk() == []


def test_the_api_lists_uploads_downloads_and_deletes(
    contact: ContactPoint, api_for: Callable[..., Client]
) -> None:
    api = api_for("xa_a", "write")
    listing = f"/api/v1/attachments/?parent_type=org.contactpoint&parent_id={contact.pk}"
    created = api.post(
        "/api/v1/attachments/",
        {"parent_type": "org.contactpoint", "parent_id": contact.pk,
         "file": upload("so-lieu.csv", b"a,b\n1,2\n")},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    assert created.json()["kind"] == "csv"
    rows = api.get(listing).json()["results"]
    assert [r["name"] for r in rows] == ["so-lieu.csv"]
    download = api.get(f"/api/v1/attachments/{rows[0]['id']}/download/")
    assert b"".join(download.streaming_content) == b"a,b\n1,2\n"  # type: ignore[attr-defined]
    fake = api.post(
        "/api/v1/attachments/",
        {"parent_type": "org.contactpoint", "parent_id": contact.pk,
         "file": upload("gia.pdf", b"not a pdf at all")},
    )  # fmt: skip
    assert fake.status_code == 400
    assert "không phải" in fake.json()["error"]["message"] + str(fake.json()["error"]["fields"])
    assert api.delete(f"/api/v1/attachments/{rows[0]['id']}/").status_code == 204
    assert api.get(listing).json()["results"] == []


def test_the_api_hides_files_of_an_unseen_parent(
    case_object: Callable[[int], Any], api_for: Callable[..., Client]
) -> None:
    b_file = attachments.attach(case_object(2), upload("b.txt", b"x"), actor=SYSTEM)
    api = api_for("xa_a")
    assert api.get(f"/api/v1/attachments/{b_file.pk}/").status_code == 404
    assert api.get(f"/api/v1/attachments/{b_file.pk}/download/").status_code == 404
    listing = f"/api/v1/attachments/?parent_type=org.contactpoint&parent_id={case_object(2).pk}"
    assert api.get(listing).status_code == 404
    assert api.get("/api/v1/attachments/?parent_type=accounts.user&parent_id=1").status_code == 404
    assert api.get("/api/v1/attachments/").status_code == 400
