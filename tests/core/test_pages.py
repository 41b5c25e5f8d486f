"""The page plumbing every app shares (vigil.core.pages), called as a view calls it,
with the directory's contact points and their services as the real thing behind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import formset_factory
from django.http import HttpRequest
from django.test import RequestFactory
from django.urls import reverse

from vigil.core import attachments, pages
from vigil.core.forms import AttachmentForm
from vigil.core.models import Attachment, AuditEvent
from vigil.core.pages import (
    attachment_context,
    audit_classified_view,
    refuse_oversized_upload,
    submit,
    upload_attachment,
)
from vigil.org import services
from vigil.org.forms import ContactPointForm
from vigil.org.models import ContactPoint

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def request_as(user: Any, method: str = "post", data: dict[str, Any] | None = None) -> HttpRequest:
    factory = RequestFactory()
    request = factory.post("/page/", data or {}) if method == "post" else factory.get("/page/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def said(request: HttpRequest) -> list[tuple[int, str]]:
    return [(m.level, str(m)) for m in get_messages(request)]


@pytest.fixture
def contact(case_object: Callable[[int], Any]) -> ContactPoint:
    found: ContactPoint = case_object(1)  # commune A's duty desk; xa_a keeps it
    return found


def contact_form(contact: ContactPoint, *, clearance: int, **changes: Any) -> ContactPointForm:
    data = {
        "label": contact.label, "phone": contact.phone, "email": contact.email,
        "address": contact.address, "note": contact.note,
        "classification": str(contact.classification),
    } | changes  # fmt: skip
    return ContactPointForm(data, instance=contact, clearance=clearance)


def update(contact: ContactPoint, user: Any) -> Callable[[dict[str, Any]], ContactPoint]:
    return lambda data: services.update_contact_point(contact, actor=user, **data)


def to_contact(contact: ContactPoint) -> str:
    return reverse("org:contact_detail", args=[contact.pk])


# --- submit


def test_submit_saves_says_so_and_redirects_to_the_result(
    contact: ContactPoint, persona: Callable[[str], Any]
) -> None:
    user = persona("xa_a")
    request = request_as(user)
    form = contact_form(contact, clearance=0, phone="0203 111 222")
    response = submit(
        request, form, update(contact, user), success="Saved.",
        then=lambda saved: to_contact(saved),
    )  # fmt: skip
    assert response is not None and response.status_code == 302
    assert response["Location"] == to_contact(contact)
    assert said(request) == [(constants.SUCCESS, "Saved.")]
    contact.refresh_from_db()
    assert contact.phone == "0203 111 222"


def test_submit_puts_a_services_field_refusal_on_its_field(
    contact: ContactPoint, persona: Callable[[str], Any]
) -> None:
    user = persona("xa_a")  # unclassified: may not classify a contact "Mật"
    form = contact_form(contact, clearance=3, classification="1")  # the form allows it
    response = submit(request_as(user), form, update(contact, user), success="Saved.")
    assert response is None
    assert list(form.errors) == ["classification"]
    contact.refresh_from_db()
    assert contact.classification == 0


def test_submit_puts_a_refusal_of_the_whole_form_above_it(
    contact: ContactPoint, persona: Callable[[str], Any]
) -> None:
    user = persona("xa_a")
    form = contact_form(contact, clearance=0)
    response = submit(
        request_as(user), form,
        lambda data: services.update_contact_point(contact, actor=user, agency=None),
        success="Saved.",
    )  # fmt: skip
    assert response is None
    assert form.non_field_errors() and not any(form.errors.get(f) for f in form.fields)


def test_submit_shows_a_listed_refusal_on_the_form_and_lets_others_through(
    contact: ContactPoint, persona: Callable[[str], Any]
) -> None:
    outsider = persona("kiemtoan")  # sees the contact, may not change it
    form = contact_form(contact, clearance=1, phone="1")
    shown = submit(
        request_as(outsider), form, update(contact, outsider), success="Saved.",
        refusals=(PermissionDenied,),
    )  # fmt: skip
    assert shown is None
    assert form.non_field_errors()
    with pytest.raises(PermissionDenied):
        submit(
            request_as(outsider), contact_form(contact, clearance=1, phone="1"),
            update(contact, outsider), success="Saved.",
        )  # fmt: skip
    contact.refresh_from_db()
    assert contact.phone != "1"


def test_submit_calls_nothing_on_a_get_or_an_invalid_form(
    contact: ContactPoint, persona: Callable[[str], Any]
) -> None:
    user = persona("xa_a")
    called: list[Any] = []
    assert submit(request_as(user, "get"), contact_form(contact, clearance=0),
                  called.append, success="Saved.") is None  # fmt: skip
    blank = contact_form(contact, clearance=0, label="")
    assert submit(request_as(user), blank, called.append, success="Saved.") is None
    assert "label" in blank.errors
    points = formset_factory(ContactPointForm, min_num=1, validate_min=True)(
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-label": ""},
        form_kwargs={"clearance": 0},
    )
    good = contact_form(contact, clearance=0)
    assert submit(request_as(user), good, called.append, success="Saved.", also=[points]) is None
    assert points.errors and called == []


# --- attachments


def test_the_upload_view_attaches_and_goes_back(
    contact: ContactPoint, persona: Callable[[str], Any]
) -> None:
    request = request_as(
        persona("xa_a"), data={"file": SimpleUploadedFile("bb.pdf", PDF), "classification": "0"}
    )
    response = upload_attachment(request, contact, back=to_contact(contact))
    assert response.status_code == 302 and response["Location"] == to_contact(contact)
    assert Attachment.objects.get().name == "bb.pdf"
    assert [level for level, _text in said(request)] == [constants.SUCCESS]


def test_the_upload_view_says_why_a_file_is_refused_and_keeps_nothing(
    contact: ContactPoint, persona: Callable[[str], Any]
) -> None:
    fake = {"file": SimpleUploadedFile("hoa-don.pdf", b"<html>no</html>"), "classification": "0"}
    request = request_as(persona("xa_a"), data=fake)
    response = upload_attachment(request, contact, back=to_contact(contact))
    assert response.status_code == 302
    assert Attachment.objects.count() == 0
    ((level, text),) = said(request)
    assert level == constants.ERROR and "không phải" in text


def test_the_upload_view_refuses_a_file_over_the_limit_in_the_apis_words(
    contact: ContactPoint, persona: Callable[[str], Any], settings: Any
) -> None:
    settings.VIGIL_MAX_UPLOAD_MB = 1
    big = {"file": SimpleUploadedFile("big.txt", b"a" * (1024 * 1024 + 10)), "classification": "0"}
    request = request_as(persona("xa_a"), data=big)
    upload_attachment(request, contact, back=to_contact(contact))
    assert said(request) == [(constants.ERROR, pages.refusal_text(_too_large()))]
    assert "lớn hơn 1 MB" in said(request)[0][1]
    assert Attachment.objects.count() == 0


def _too_large() -> Any:
    request = HttpRequest()
    request.vigil_upload_too_large = True  # type: ignore[attr-defined]
    return attachments.upload_too_large(request)


def test_the_upload_view_is_forbidden_to_who_may_not_attach(
    contact: ContactPoint, persona: Callable[[str], Any]
) -> None:
    request = request_as(persona("kiemtoan"), data={"classification": "0"})
    with pytest.raises(PermissionDenied):
        upload_attachment(request, contact, back=to_contact(contact))


def test_the_attachment_block_lists_the_files_and_offers_upload_to_keepers_only(
    contact: ContactPoint, persona: Callable[[str], Any]
) -> None:
    file = {"file": SimpleUploadedFile("a.txt", b"x"), "classification": "0"}
    keeper = request_as(persona("xa_a"), data=file)
    upload_attachment(keeper, contact, back="/")
    context = attachment_context(keeper, contact, upload_url="/up/")
    assert [a.name for a in context["attachment_list"]] == ["a.txt"]
    assert context["can_attach"] and context["attach_url"] == "/up/"
    assert context["max_upload_mb"] >= 1
    reader = attachment_context(request_as(persona("kiemtoan"), "get"), contact, upload_url="/up/")
    assert not reader["can_attach"]


def test_a_file_form_over_the_limit_gets_the_refusal_on_its_file_field(
    persona: Callable[[str], Any], settings: Any
) -> None:
    settings.VIGIL_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("cv.pdf", b"a" * (1024 * 1024 + 10))
    request = request_as(persona("thuongtruc"), data={"file": big, "classification": "0"})
    form = AttachmentForm(request.POST, request.FILES, clearance=0)
    assert refuse_oversized_upload(request, form, "file")
    assert "file" in form.errors
    small = request_as(persona("thuongtruc"), data={"classification": "0"})
    assert not refuse_oversized_upload(small, AttachmentForm(small.POST, clearance=0), "file")


# --- classified reads


def test_a_page_showing_a_classified_object_is_audited_and_stamped(
    case_object: Callable[[int], Any], persona: Callable[[str], Any]
) -> None:
    secret, plain = case_object(2), case_object(1)  # Mật; unclassified
    before = AuditEvent.objects.count()
    request = request_as(persona("lanhdao"), "get")
    assert audit_classified_view(request, [plain]) == ""
    assert AuditEvent.objects.count() == before
    assert audit_classified_view(request, [plain, secret], about=secret) == "MẬT"
    event = AuditEvent.objects.latest("pk")
    assert event.action == "object.viewed" and event.object_id == str(secret.pk)
    assert AuditEvent.objects.count() == before + 1
