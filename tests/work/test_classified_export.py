"""Classified material does not travel through the unclassified edXML exchange:
the export of a classified document, or of one with a classified attachment, is
refused on the page, the API and the command line, says why, and is audited.
The .docx keeps its stamp."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.work.helpers import agency, directive
from vigil.accounts.models import User
from vigil.core import attachments
from vigil.core.models import AuditEvent
from vigil.work.models import IssuedDocument, WorkAction

pytestmark = pytest.mark.django_db
REFUSED = WorkAction.DOCUMENT_EXPORT_REFUSED


def _events(document: IssuedDocument, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(document.pk)))


@pytest.fixture
def with_mat_annex(persona: Callable[[str], Any]) -> IssuedDocument:
    """A Thường directive to the Department of Industry and Trade with a Mật annex."""
    office = persona("thuongtruc")
    document = directive(agency("dit"), actor=office)
    attachments.attach(document, SimpleUploadedFile("thuong.txt", b"Cong khai\n"), actor=office)
    attachments.attach(document, SimpleUploadedFile("phu-luc-mat.txt", b"Noi dung mat\n"),
                       actor=office, classification=1)  # fmt: skip
    return document


@pytest.fixture
def mat_document(persona: Callable[[str], Any]) -> IssuedDocument:
    return directive(agency("border"), actor=persona("thuongtruc"), classification=1)


def test_a_classified_annex_stops_the_export_on_the_page_and_says_which(
    with_mat_annex: IssuedDocument, client_for: Callable[[str], Client], persona: Any
) -> None:
    client = client_for("thuongtruc")
    response = client.get(reverse("work:document_edxml", args=[with_mat_annex.pk]))
    assert response.status_code == 302
    assert response["Location"] == with_mat_annex.get_absolute_url()
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "phu-luc-mat.txt" in message and "MẬT" in message and "edXML" in message
    [event] = _events(with_mat_annex, REFUSED)
    assert event.actor_id == persona("thuongtruc").pk
    assert event.after is not None and event.after["reason"] == message
    assert _events(with_mat_annex, WorkAction.DOCUMENT_EXPORTED) == []


def test_an_annex_above_the_users_clearance_stops_it_without_being_named(
    with_mat_annex: IssuedDocument, client_for: Callable[[str], Client]
) -> None:
    """congthuong (Thường) may read the document, not its Mật annex: the package
    would silently lack it, so it is refused too, and the name stays hidden."""
    response = client_for("congthuong").get(
        reverse("work:document_edxml", args=[with_mat_annex.pk]), follow=True
    )
    page = response.content.decode()
    assert "phu-luc-mat.txt" not in page
    assert "tệp đính kèm" in page and "edXML" in page
    assert len(_events(with_mat_annex, REFUSED)) == 1


def test_a_classified_document_is_refused_by_the_api_with_the_one_error_format(
    mat_document: IssuedDocument, api_for: Callable[..., Client], persona: Any
) -> None:
    api = api_for("bienphong")
    response = api.get(f"/api/v1/documents/{mat_document.pk}/edxml/")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "classified"
    assert "MẬT" in error["message"] and ".docx" in error["message"]
    assert len(_events(mat_document, REFUSED)) == 1
    User.objects.filter(pk=persona("bienphong").pk).update(language="en")
    english = api.get(f"/api/v1/documents/{mat_document.pk}/edxml/")
    assert "classified" in english.json()["error"]["message"]
    # Out of scope is not found, as everywhere: xa_b learns nothing, no event is written.
    assert api_for("xa_b").get(f"/api/v1/documents/{mat_document.pk}/edxml/").status_code == 404
    assert len(_events(mat_document, REFUSED)) == 2


def test_an_unclassified_document_still_goes_out_through_the_api(
    persona: Callable[[str], Any], api_for: Callable[..., Client]
) -> None:
    document = directive(agency("dit"), actor=persona("thuongtruc"))
    response = api_for("congthuong").get(f"/api/v1/documents/{document.pk}/edxml/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert b"<edXML" in response.content or b"edXML" in response.content
    assert len(_events(document, WorkAction.DOCUMENT_EXPORTED)) == 1


def test_the_command_line_refuses_and_writes_no_file(
    mat_document: IssuedDocument, tmp_path: Path
) -> None:
    target = tmp_path / "out.edxml"
    with pytest.raises(CommandError, match="MẬT") as caught:
        call_command("work", "export", str(mat_document.pk), "--as", "thuongtruc",
                     "--format", "edxml", "-o", str(target),
                     stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert caught.value.returncode == 1
    assert not target.exists()
    assert len(_events(mat_document, REFUSED)) == 1


def test_the_docx_of_a_classified_document_keeps_its_stamp(
    mat_document: IssuedDocument, client_for: Callable[[str], Client], tmp_path: Path
) -> None:
    response = client_for("thuongtruc").get(reverse("work:document_docx", args=[mat_document.pk]))
    assert response.status_code == 200
    body = zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode()
    assert "MẬT" in body
    target = tmp_path / "out.docx"
    call_command("work", "export", str(mat_document.pk), "--as", "thuongtruc",
                 "--format", "docx", "-o", str(target), stdout=io.StringIO())  # fmt: skip
    assert "MẬT" in zipfile.ZipFile(target).read("word/document.xml").decode()
    assert _events(mat_document, REFUSED) == []
