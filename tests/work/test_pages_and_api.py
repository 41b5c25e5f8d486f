"""The pages and the API of tasks and documents, as the personas use them."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.work.helpers import agency, directive, head, holder, province
from vigil.org.models import Post
from vigil.work.models import IssuedDocument, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(persona: Callable[[str], Any]) -> Task:
    return directive(agency("dit"), agency("border"), actor=persona("thuongtruc")).tasks.get(
        assignee=agency("dit")
    )


def test_the_loop_through_the_pages(task: Task, client_for: Callable[[str], Client]) -> None:
    officer, office = client_for("congthuong"), client_for("thuongtruc")
    page = officer.get(reverse("work:task_list") + "?view=mine")
    assert task.title in page.content.decode()
    url = reverse("work:task_detail", args=[task.pk])
    assert "Acknowledge" in officer.get(url).content.decode() or "Tiếp nhận" in (
        officer.get(url).content.decode()
    )
    officer.post(reverse("work:task_acknowledge", args=[task.pk]), {"version": 1})
    officer.post(reverse("work:task_done", args=[task.pk]), {"version": 2, "note": "Xong"})
    assert Task.objects.get(pk=task.pk).state == "done"
    office.post(reverse("work:task_accept", args=[task.pk]), {"version": 3})
    assert Task.objects.get(pk=task.pk).state == "accepted"


def test_a_page_saved_from_a_stale_copy_says_so_and_saves_nothing(
    task: Task, client_for: Callable[[str], Client]
) -> None:
    officer = client_for("congthuong")
    officer.post(reverse("work:task_acknowledge", args=[task.pk]), {"version": 1})
    response = officer.post(
        reverse("work:task_progress", args=[task.pk]), {"version": 1, "note": "cũ"}, follow=True
    )
    assert "Người khác đã lưu" in response.content.decode()
    assert not Task.objects.get(pk=task.pk).events.filter(type="progress").exists()


def test_an_agency_sees_only_its_own_tasks_and_the_issuer_all(
    task: Task, api_for: Callable[..., Client]
) -> None:
    border_task = Task.objects.get(batch=task.batch, assignee=agency("border"))
    dit_ids = {
        r["id"] for r in api_for("congthuong").get("/api/v1/tasks/?page_size=500").json()["results"]
    }
    assert task.pk in dit_ids and border_task.pk not in dit_ids
    assert all(t.assignee_id == agency("dit").pk for t in Task.objects.filter(pk__in=dit_ids))
    office_ids = {
        r["id"] for r in api_for("thuongtruc").get("/api/v1/tasks/?page_size=500").json()["results"]
    }
    assert {task.pk, border_task.pk} <= office_ids


def test_xa_a_cannot_reach_xa_b_tasks_by_id(
    api_for: Callable[..., Client], client_for: Callable[[str], Client]
) -> None:
    b_tasks = Task.objects.filter(owning_committee__name__endswith="phường Móng Cái 1")
    assert b_tasks.count() >= 2
    api, client = api_for("xa_a", "write"), client_for("xa_a")
    for t in b_tasks:
        assert api.get(f"/api/v1/tasks/{t.pk}/").status_code == 404
        assert (
            api.post(f"/api/v1/tasks/{t.pk}/acknowledge/", {"version": t.version}).status_code
            == 404
        )
        assert client.get(reverse("work:task_detail", args=[t.pk])).status_code == 404
    listed = {r["id"] for r in api.get("/api/v1/tasks/?page_size=500").json()["results"]}
    assert listed.isdisjoint(set(b_tasks.values_list("pk", flat=True)))


def test_the_api_loop_and_its_conflict(task: Task, api_for: Callable[..., Client]) -> None:
    dit, office = api_for("congthuong", "write"), api_for("thuongtruc", "write")
    base = f"/api/v1/tasks/{task.pk}"
    assert dit.post(f"{base}/acknowledge/", {}).status_code == 400  # the version is required
    body = dit.post(f"{base}/acknowledge/", {"version": 1}).json()
    assert body["state"] == "acknowledged" and body["version"] == 2
    conflict = dit.post(f"{base}/progress/", {"version": 1, "note": "x"})
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "conflict"
    refused = dit.post(f"{base}/accept/", {"version": 2})
    assert refused.status_code == 403
    wrong = office.post(f"{base}/accept/", {"version": 2})
    assert wrong.status_code == 400
    assert dit.post(f"{base}/done/", {"version": 2, "note": "Xong"}).json()["state"] == "done"
    returned = office.post(f"{base}/return/", {"version": 3, "reason": "Thiếu số liệu"})
    assert returned.json()["state"] == "in_progress"
    assert dit.post(f"{base}/done/", {"version": 4}).json()["state"] == "done"
    accepted = office.post(f"{base}/accept/", {"version": 5}).json()
    assert accepted["state"] == "accepted"
    assert [e["type"] for e in accepted["events"]] == [
        "assigned", "acknowledged", "done", "returned", "done", "accepted",
    ]  # fmt: skip


def test_issuing_through_the_api_fans_out(api_for: Callable[..., Client]) -> None:
    p = province()
    body = {
        "committee": p.pk, "doc_type": "KH", "subject": "Kế hoạch kiểm tra",
        "issue_date": "2026-11-20", "signing_post": head(p).pk,
        "signer": holder(p, Post.Kind.STANDING_DEPUTY).pk, "signing_form": "KT.",
        "points": [{"text": "Kiểm tra kho.", "lead": [agency("dit").pk, agency("border").pk],
                    "deadline_working_days": 5}],
    }  # fmt: skip
    response = api_for("thuongtruc", "write").post(
        "/api/v1/documents/", body, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    document = IssuedDocument.objects.get(pk=response.json()["id"])
    assert document.tasks.count() == 2
    assert response.json()["symbol"].endswith("/KH-BCĐ")
    refused = api_for("thuongtruc", "write").post(
        "/api/v1/documents/", {**body, "signing_form": ""}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "signer" in refused.json()["error"]["fields"]


def test_the_docx_downloads(client_for: Callable[[str], Client]) -> None:
    document = IssuedDocument.objects.filter(doc_type="CT").first()
    assert document is not None
    response = client_for("thuongtruc").get(reverse("work:document_docx", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_the_scorecard_changes_when_a_task_is_accepted(
    task: Task, persona: Callable[[str], Any], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    from vigil.work.tasks import services as task_services

    def dit_row() -> dict[str, Any]:
        rows = api_for("thuongtruc").get("/api/v1/scorecard/").json()
        return next(r for r in rows if r["agency"] == agency("dit").pk)

    before = dit_row()
    task_services.acknowledge_task(task, actor=persona("congthuong"))
    task_services.report_done(task, actor=persona("congthuong"))
    reported = dit_row()
    assert (reported["done"], reported["awaiting"]) == (before["done"], before["awaiting"] + 1)
    task_services.accept_task(task, actor=persona("thuongtruc"))
    after = dit_row()
    assert (after["done"], after["awaiting"]) == (before["done"] + 1, before["awaiting"])
    assert after["on_time"] == before["on_time"] + 1
    own = api_for("congthuong").get("/api/v1/scorecard/").json()
    assert {r["agency"] for r in own} == {agency("dit").pk}
    workbook = client_for("thuongtruc").get(reverse("work:scorecard_xlsx"))
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet is not None
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Sở Công Thương" in names


def test_a_persona_does_not_see_what_is_above_their_clearance(
    client_for: Callable[[str], Client], api_for: Callable[..., Client]
) -> None:
    secret = Task.objects.get(classification=2)
    for name in ("thuongtruc", "kiemtoan", "congthuong"):
        assert api_for(name).get(f"/api/v1/tasks/{secret.pk}/").status_code == 404
    assert api_for("lanhdao").get(f"/api/v1/tasks/{secret.pk}/").status_code == 200


def test_assigning_through_the_api_refuses_an_agency_outside_the_tree(
    api_for: Callable[..., Client],
) -> None:
    from tests.work.helpers import commune

    api = api_for("xa_a", "write")
    body = {"committee": commune("a").pk, "title": "Kiểm tra bến tàu",
            "lead": [agency("police_a").pk], "deadline_working_days": 3}  # fmt: skip
    created = api.post("/api/v1/tasks/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert [t["agency"] for t in created.json()] == [agency("police_a").pk]
    count = Task.objects.count()
    outside = api.post(
        "/api/v1/tasks/", {**body, "lead": [agency("dit").pk]}, content_type="application/json"
    )
    assert outside.status_code == 400
    assert "agencies" in outside.json()["error"]["fields"]
    assert Task.objects.count() == count
    # Commune B's committee is not xa_a's to task: not found.
    other = api.post(
        "/api/v1/tasks/", {**body, "committee": commune("b").pk}, content_type="application/json"
    )
    assert other.status_code in (403, 404)


def test_a_committee_filter_that_is_not_a_number_is_ignored_not_a_500(
    client_for: Callable[[str], Client], api_for: Callable[..., Client]
) -> None:
    """Review: ``"²".isdigit()`` is true and ``int("²")`` raises, so the scorecard
    page, its workbook and its API answered 500."""
    for bad in ("²", "①", "1²"):
        assert client_for("thuongtruc").get(
            reverse("work:scorecard"), {"committee": bad}).status_code == 200  # fmt: skip
        assert client_for("thuongtruc").get(
            reverse("work:scorecard_xlsx"), {"committee": bad}).status_code == 200  # fmt: skip
        assert api_for("thuongtruc").get(
            "/api/v1/scorecard/", {"committee": bad}).status_code == 200  # fmt: skip


def test_showing_a_classified_meeting_is_audited_on_pages_and_in_the_api(
    client_for: Callable[[str], Client], api_for: Callable[..., Client]
) -> None:
    """Review: the meeting and plan lists and the work API's lists and details showed
    classified objects without the view event every such page or response records."""
    from vigil.core.models import AuditEvent
    from vigil.work.models import Meeting

    secret = Meeting.objects.get(title="Họp đột xuất về bảo vệ mục tiêu biên giới")
    assert secret.classification > 0
    api = api_for("bienphong")
    page = client_for("bienphong")
    for client, url in (
        (page, reverse("work:meeting_list")),
        (api, "/api/v1/meetings/"),
        (api, f"/api/v1/meetings/{secret.pk}/"),
    ):
        before = AuditEvent.objects.filter(action="object.viewed").count()
        assert client.get(url).status_code == 200
        assert AuditEvent.objects.filter(action="object.viewed").count() == before + 1
