"""Files sent with a progress or done report, through the page: several at once, and a
refused one leaves the task as it was with the typed note still in the form."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.work.helpers import SEED, agency, directive
from vigil.accounts.models import User
from vigil.core import attachments
from vigil.work.models import Task
from vigil.work.tasks import services as task_services

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOTE = "Đã kiểm tra 5 kho; biên bản kèm theo."


@pytest.fixture
def task() -> Task:
    found = Task.objects.get(document=directive(agency("dit")), assignee=agency("dit"))
    task_services.acknowledge_task(found, actor=SEED)
    found.refresh_from_db()
    return found


def _names(task: Task) -> set[str]:
    user = User.objects.get(username="congthuong")
    return {a.name for a in attachments.attachments_of(task, user)}


def test_two_files_go_with_one_progress_report(
    task: Task, client_for: Callable[[str], Client]
) -> None:
    response = client_for("congthuong").post(
        f"/work/tasks/{task.pk}/progress/",
        {
            "version": task.version,
            "note": NOTE,
            "report_files": [
                SimpleUploadedFile("bien-ban-1.pdf", PDF, "application/pdf"),
                SimpleUploadedFile("bien-ban-2.txt", "Kho 2: đạt.".encode(), "text/plain"),
            ],
        },
    )
    assert response.status_code == 302
    assert _names(task) == {"bien-ban-1.pdf", "bien-ban-2.txt"}
    assert Task.objects.get(pk=task.pk).state == Task.State.IN_PROGRESS


def test_a_refused_file_changes_nothing_and_keeps_the_note(
    task: Task, client_for: Callable[[str], Client]
) -> None:
    response = client_for("congthuong").post(
        f"/work/tasks/{task.pk}/done/",
        {
            "version": task.version,
            "note": NOTE,
            "report_files": [
                SimpleUploadedFile("bien-ban.pdf", PDF, "application/pdf"),
                SimpleUploadedFile("gia-mao.pdf", b"not a pdf", "application/pdf"),
            ],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert NOTE in page and 'class="error"' in page
    assert _names(task) == set()
    assert Task.objects.get(pk=task.pk).state == Task.State.ACKNOWLEDGED
