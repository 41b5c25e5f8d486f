"""Every page, API response and export that shows a classified object writes one
audit event (docs/architecture.md, "The write path"): checked generically over the
detail URLs of the scope test, for every scope case whose object is classified, and
for the scorecard, whose figures are derived from classified tasks."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.test_scope_every_url import CASES, DETAIL_URLS, EXPORT_URLS, _objects
from vigil.core import attachments
from vigil.core.audit import CoreAction, SystemActor
from vigil.core.models import AuditEvent, AuditHead
from vigil.work import scorecard as scorecards
from vigil.work.models import Task

pytestmark = pytest.mark.django_db
VIEWED = CoreAction.OBJECT_VIEWED
READER = "lanhdao"  # sees every case (column 1 of docs/scope-cases.md), cleared Tối mật


def _views_since(seq: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=seq, action=VIEWED))


def _head() -> int:
    return AuditHead.objects.get(id=1).seq


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_read_of_a_classified_object_writes_one_event(
    case: int, client_for: Callable[[str], Client], case_object: Callable[[int], Any]
) -> None:
    objects = _objects(case, case_object)
    contact = objects.get("contact")
    if contact is not None and contact.classification:
        # The case's file, classified as its contact point: its metadata is read too.
        objects["attachment"] = attachments.attach(
            contact, SimpleUploadedFile("mat.txt", b"Noi dung\n"),
            actor=SystemActor("test"), classification=contact.classification,
        )  # fmt: skip
    classified = {k: o for k, o in objects.items() if getattr(o, "classification", 0) > 0}
    if not classified:
        pytest.skip("nothing classified in this case")
    client = client_for(READER)
    checked = 0
    for url_name, kind in DETAIL_URLS.items():
        if kind not in classified:
            continue
        seq = _head()
        response = client.get(reverse(url_name, kwargs={"pk": classified[kind].pk}))
        assert response.status_code == 200, url_name
        events = _views_since(seq)
        assert len(events) == 1, (url_name, len(events))
        assert events[0].classification >= classified[kind].classification, url_name
        checked += 1
    for url_name, kind in EXPORT_URLS.items():
        if kind in classified:  # refused, and the refusal is what is audited
            seq = _head()
            client.get(reverse(url_name, kwargs={"pk": classified[kind].pk}))
            assert AuditEvent.objects.filter(seq__gt=seq).exists(), url_name
    assert checked


def test_a_classified_scorecard_is_audited_on_the_page_api_xlsx_and_command_line(
    client_for: Callable[[str], Client], api_for: Callable[..., Client]
) -> None:
    level = scorecards.classification(scorecards.scorecard(_user(READER)))
    assert level > 0, "the demo's scorecard counts classified tasks"
    api = api_for(READER)
    client = client_for(READER)
    for read in (
        lambda: client.get(reverse("work:scorecard")),
        lambda: client.get(reverse("work:scorecard_xlsx")),
        lambda: api.get("/api/v1/scorecard/"),
        lambda: call_command("work", "scorecard", "--as", READER, stdout=io.StringIO()),
    ):
        seq = _head()
        read()
        [event] = _views_since(seq)
        assert event.classification == level
        assert event.actor_id == _user(READER).pk


def test_an_unclassified_scorecard_writes_nothing(client_for: Callable[[str], Client]) -> None:
    """Polled or plain pages stay quiet: congthuong's scorecard counts no classified task."""
    user = _user("congthuong")
    assert not Task.objects.visible_to(user).filter(classification__gt=0).exists()
    seq = _head()
    assert client_for("congthuong").get(reverse("work:scorecard")).status_code == 200
    assert _views_since(seq) == []


def _user(username: str) -> Any:
    from vigil.accounts.models import User

    return User.objects.get(username=username)
