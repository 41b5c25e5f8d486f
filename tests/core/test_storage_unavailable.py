"""An attachments folder Vigil cannot write: the upload is refused with a message that
says so (503 in the API), and nothing is recorded — no row, no event, no audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from vigil.core import attachments, clock
from vigil.core.models import Attachment, AuditHead
from vigil.org.models import ContactPoint
from vigil.work.models import Task, TaskEvent
from vigil.work.tasks import services as task_services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MESSAGE = (
    "Không lưu được tệp: Vigil không ghi được vào nơi lưu trữ tệp. Chưa có gì được lưu. "
    "Hãy báo quản trị viên."
)


@pytest.fixture
def unwritable_media(settings: Any, tmp_path: Path) -> Path:
    """MEDIA_ROOT under a regular file: no folder can be made there, even by root
    (the tests run as root, whom a read-only folder does not stop)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder's parent should be")
    settings.MEDIA_ROOT = blocker / "media"
    return blocker


@pytest.fixture
def contact(case_object: Callable[[int], Any]) -> ContactPoint:
    found: ContactPoint = case_object(1)  # commune A's duty desk, Thường
    return found


def _recorded() -> tuple[int, int, int]:
    return Attachment.objects.count(), TaskEvent.objects.count(), AuditHead.objects.get().seq


def test_the_page_refuses_the_upload_and_says_why(
    unwritable_media: Path, contact: ContactPoint, client_for: Callable[[str], Client]
) -> None:
    before = _recorded()
    response = client_for("xa_a").post(
        reverse("org:contact_attachment_upload", args=[contact.pk]),
        {"file": SimpleUploadedFile("bien-ban.pdf", PDF), "classification": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert _recorded() == before
    assert unwritable_media.read_text().startswith("a file")  # untouched


def test_the_api_answers_503_and_records_nothing(
    unwritable_media: Path, contact: ContactPoint, api_for: Callable[..., Client]
) -> None:
    api = api_for("xa_a", "write")
    before = _recorded()
    response = api.post(
        "/api/v1/attachments/",
        {"parent_type": "org.contactpoint", "parent_id": contact.pk,
         "file": SimpleUploadedFile("bien-ban.pdf", PDF)},
    )  # fmt: skip
    assert response.status_code == 503
    assert response.json()["error"] == {
        "code": "storage_unavailable",
        "message": MESSAGE,
        "fields": {},
    }
    assert _recorded() == before


def test_a_report_with_a_file_is_refused_whole(
    unwritable_media: Path, api_for: Callable[..., Client], persona: Callable[[str], Any]
) -> None:
    """The file is part of a larger write (a progress report): none of it is kept."""
    from tests.work.helpers import agency, province

    task = task_services.assign_task(
        province(), lead=[agency("dit")], title="Báo cáo kèm tệp",
        deadline=clock.today() + dt.timedelta(days=10), actor=persona("thuongtruc"),
    )[0]  # fmt: skip
    task_services.acknowledge_task(task, actor=persona("congthuong"))
    task.refresh_from_db()
    api = api_for("congthuong", "write")
    before = _recorded()
    response = api.post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"version": task.version, "note": "Đã làm một nửa",
         "files": [SimpleUploadedFile("tien-do.pdf", PDF)]},
    )  # fmt: skip
    assert response.status_code == 503, response.content
    assert response.json()["error"]["message"] == MESSAGE
    assert _recorded() == before
    task.refresh_from_db()
    assert (task.state, task.version) == (Task.State.ACKNOWLEDGED, 2)


def test_the_same_upload_is_stored_once_the_folder_can_be_written(
    contact: ContactPoint, api_for: Callable[..., Client]
) -> None:
    response = api_for("xa_a", "write").post(
        "/api/v1/attachments/",
        {"parent_type": "org.contactpoint", "parent_id": contact.pk,
         "file": SimpleUploadedFile("bien-ban.pdf", PDF)},
    )  # fmt: skip
    assert response.status_code == 201
    stored = Attachment.objects.get(pk=response.json()["id"])
    assert attachments.stored_path(stored.stored_name).read_bytes() == PDF
