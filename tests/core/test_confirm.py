"""Confirm before the irreversible: deleting a holiday or an attachment, removing a duty
shift and revoking a token open a page that says what will happen and asks, with a red
button and a way back; opening it changes nothing, the page's form does the work, and
who may not do it gets 403 (or 404 for what is not theirs) before being asked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from vigil.accounts.services import create_token
from vigil.core import attachments
from vigil.core.audit import SystemActor
from vigil.core.models import Attachment, AuditHead, Holiday
from vigil.core.workdays import seed_holidays
from vigil.org.models import DutyShift

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")


def ask(client: Client, url: str, *shown: str) -> str:
    """Open the confirmation page: it names the object, changes nothing, and posts to itself."""
    seq = AuditHead.objects.get().seq
    response = client.get(url)
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content.decode())
    form = doc.xpath("//form[@class='confirm-actions']")[0]
    assert form.get("method") == "post" and form.get("action") == url.split("?")[0]
    assert form.xpath(".//button[@class='danger']")
    assert doc.xpath("//a[@class='button secondary']/@href")  # the way back
    for text in shown:
        assert text in doc.text_content()
    assert AuditHead.objects.get().seq == seq  # nothing happened
    next_value = form.xpath(".//input[@name='next']/@value")
    return next_value[0] if next_value else ""


def linked_from(client: Client, page: str, url: str) -> None:
    """The list links to the confirmation page instead of posting at once."""
    doc = lxml.html.fromstring(client.get(page).content.decode())
    assert doc.xpath(f"//a[@class='danger-link'][starts-with(@href, '{url}')]"), page


def test_deleting_a_holiday_asks_first(client_for: Callable[[str], Client]) -> None:
    seed_holidays([2027], actor=SYSTEM)
    holiday = Holiday.objects.filter(date__year=2027).first()
    assert holiday is not None
    url = reverse("inbox:holiday_delete", args=[holiday.pk])
    assert client_for("thuongtruc").get(url).status_code == 403
    client = client_for("quantri")
    linked_from(client, reverse("inbox:holidays") + "?year=2027", url)
    ask(client, url, holiday.name, holiday.date.strftime("%d/%m/%Y"))
    assert Holiday.objects.filter(pk=holiday.pk).exists()
    assert client.post(url).status_code == 302
    assert not Holiday.objects.filter(pk=holiday.pk).exists()


def test_deleting_an_attachment_asks_first_and_comes_back(
    case_object: Callable[[int], Any], client_for: Callable[[str], Client]
) -> None:
    contact = case_object(1)  # commune A's duty desk
    attachment = attachments.attach(contact, SimpleUploadedFile("bien-ban.txt", b"x"), actor=SYSTEM)
    url = reverse("core:attachment_delete", args=[attachment.pk])
    back = reverse("org:contact_detail", args=[contact.pk])
    assert client_for("kiemtoan").get(url).status_code == 403
    assert client_for("xa_b").get(url).status_code == 404
    client = client_for("xa_a")
    linked_from(client, back, url)
    assert ask(client, f"{url}?next={back}", "bien-ban.txt") == back
    assert ask(client, f"{url}?next=https://example.org/", "bien-ban.txt") == "/"
    response = client.post(url, {"next": back})
    assert (response.status_code, response["Location"]) == (302, back)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()


def test_removing_a_duty_shift_asks_first(
    client_for: Callable[[str], Client], persona: Callable[[str], Any]
) -> None:
    from vigil.org.scope import can_edit_contact_points

    editor, shift = next(
        (name, s)
        for s in DutyShift.objects.select_related("agency__committee", "officer")
        for name in ("xa_a", "thuongtruc")
        if can_edit_contact_points(persona(name), s.agency)
    )
    url = reverse("org:duty_shift_remove", args=[shift.pk])
    client = client_for(editor)
    linked_from(client, reverse("org:duty_roster", args=[shift.agency_id]), url)
    ask(client, url, shift.phone)
    assert client.post(url).status_code == 302
    assert not DutyShift.objects.filter(pk=shift.pk).exists()


def test_revoking_a_token_asks_first(
    client_for: Callable[[str], Client], persona: Callable[[str], Any]
) -> None:
    mine, _raw = create_token(persona("xa_a"), name="bao-cao-tu-dong", actor=SYSTEM)
    theirs, _raw = create_token(persona("xa_b"), name="theirs", actor=SYSTEM)
    client = client_for("xa_a")
    assert client.get(reverse("accounts:token_revoke", args=[theirs.pk])).status_code == 404
    url = reverse("accounts:token_revoke", args=[mine.pk])
    linked_from(client, reverse("accounts:tokens"), url)
    ask(client, url, "bao-cao-tu-dong")
    mine.refresh_from_db()
    assert mine.revoked_at is None
    assert client.post(url).status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None


def test_a_confirmation_page_showing_a_classified_file_is_an_audited_read(
    client_for: Callable[[str], Client],
) -> None:
    from tests.work.helpers import province
    from vigil.core.audit import CoreAction
    from vigil.core.models import AuditEvent
    from vigil.work.models import WorkPlan

    plan = WorkPlan.objects.get(owning_committee=province(), year=2026)  # the demo year
    annex = attachments.attach(
        plan, SimpleUploadedFile("phu-luc-mat.txt", b"x"), actor=SYSTEM, classification=1
    )
    url = reverse("core:attachment_delete", args=[annex.pk])
    seq = AuditHead.objects.get().seq
    response = client_for("thuongtruc").get(url)
    assert response.status_code == 200 and "phu-luc-mat.txt" in response.content.decode()
    viewed = AuditEvent.objects.filter(seq__gt=seq, action=CoreAction.OBJECT_VIEWED)
    assert [(e.object_id, e.classification) for e in viewed] == [(str(annex.pk), 1)]
    assert Attachment.objects.filter(pk=annex.pk).exists()


def test_a_confirmation_page_showing_a_classified_shift_is_an_audited_read(
    client_for: Callable[[str], Client], persona: Callable[[str], Any]
) -> None:
    from vigil.core.audit import CoreAction
    from vigil.core.models import AuditEvent
    from vigil.org.scope import can_edit_contact_points

    shift = next(
        s
        for s in DutyShift.objects.select_related("agency__committee")
        if can_edit_contact_points(persona("thuongtruc"), s.agency)
    )
    DutyShift.objects.filter(pk=shift.pk).update(classification=1)
    seq = AuditHead.objects.get().seq
    response = client_for("thuongtruc").get(reverse("org:duty_shift_remove", args=[shift.pk]))
    assert response.status_code == 200
    viewed = AuditEvent.objects.filter(seq__gt=seq, action=CoreAction.OBJECT_VIEWED)
    assert [(e.object_id, e.classification) for e in viewed] == [(str(shift.pk), 1)]
