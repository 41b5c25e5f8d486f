"""Corrective actions: a task of the responsible agency that closes only with evidence.
Filed through the use case, the page and the API; refused clearly with nothing written;
closed by the agency on the task's page."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.exercises.evaluation.helpers import (
    DIT,
    POLICE,
    POLICE_B,
    SYSTEM,
    agency,
    commune_a,
    conducted,
)
from vigil.core import clock
from vigil.core.classification import Classification
from vigil.exercises.drills.models import Exercise
from vigil.exercises.evaluation import queries, services
from vigil.exercises.evaluation.models import CorrectiveAction, Finding
from vigil.work.tasks import services as tasks
from vigil.work.tasks.models import Task

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _area(exercise: Exercise | None = None, **kw: Any) -> Finding:
    return services.record_finding(exercise or conducted(**kw), kind="improvement",
                                   text="Liên lạc dự phòng gián đoạn.", actor=SYSTEM)  # fmt: skip


def _file(finding: Finding, name: str = DIT, days: int = 10, **kw: Any) -> CorrectiveAction:
    return services.file_corrective_action(
        finding, agency=agency(name), due_on=clock.today() + dt.timedelta(days=days),
        description="Cập nhật danh bạ đầu mối.", actor=SYSTEM, **kw,
    )  # fmt: skip


def test_a_corrective_action_is_a_task_for_its_agency_that_needs_evidence(
    persona: Callable[[str], Any], client_for: Callable[[str], Client]
) -> None:
    exercise = conducted(classification=Classification.UNCLASSIFIED, name="Diễn tập cảng thử")
    action = _file(_area(exercise), days=15)
    task = action.task
    assert task.assignee == agency(DIT) and task.evidence_required
    assert task.deadline == clock.today() + dt.timedelta(days=15)
    assert "Diễn tập cảng thử" in task.title and task.description == "Cập nhật danh bạ đầu mối."
    assert task.classification == exercise.classification
    assert task.owning_committee_id == exercise.owning_committee_id
    congthuong = persona("congthuong")
    assert Task.objects.mine(congthuong).filter(pk=task.pk).exists()
    listed = client_for("congthuong").get("/work/tasks/?view=mine").content.decode()
    assert "Diễn tập cảng thử" in listed
    assert queries.action_state(task) == queries.OPEN


def test_the_task_page_says_it_is_a_corrective_action_and_that_evidence_is_required(
    client_for: Callable[[str], Client],
) -> None:
    exercise = conducted(name="Diễn tập có minh chứng")
    task = _file(_area(exercise)).task
    tasks.acknowledge_task(task, actor=SYSTEM)
    page = client_for("congthuong").get(f"/work/tasks/{task.pk}/").content.decode()
    assert "Biện pháp khắc phục sau diễn tập" in page
    assert "Nhận xét: Liên lạc dự phòng gián đoạn." in page
    assert 'id="evidence-required"' in page
    # Sở Công Thương does not take part: the exercise is named (in the title too), not linked.
    assert f'href="{exercise.get_absolute_url()}"' not in page
    assert f'href="{exercise.get_absolute_url()}"' in client_for("thuongtruc").get(
        f"/work/tasks/{task.pk}/").content.decode()  # fmt: skip


def _acknowledged(exercise: Exercise | None = None) -> Task:
    task = _file(_area(exercise)).task
    tasks.acknowledge_task(task, actor=SYSTEM)
    task.refresh_from_db()
    return task


def test_closing_without_evidence_is_refused_then_a_reference_closes_it(
    client_for: Callable[[str], Client],
) -> None:
    task = _acknowledged()
    client = client_for("congthuong")
    url = f"/work/tasks/{task.pk}/done/"
    refused = client.post(url, {"version": task.version, "note": "  "})
    assert refused.status_code == 400
    assert "chỉ hoàn thành khi có minh chứng" in refused.content.decode()
    task.refresh_from_db()
    assert task.state == Task.State.ACKNOWLEDGED
    action = CorrectiveAction.objects.get(task=task)
    assert queries.actions_for(SYSTEM, state=queries.OPEN).filter(pk=action.pk).exists()
    done = client.post(url, {"version": task.version, "note": "Công văn số 15/SCT-QLTM."})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.state == Task.State.DONE and task.done_on == clock.today()
    assert queries.action_state(task) == queries.CLOSED
    assert queries.actions_for(SYSTEM, state=queries.CLOSED).filter(pk=action.pk).exists()
    assert not queries.actions_for(SYSTEM, state=queries.OPEN).filter(pk=action.pk).exists()


def test_an_attachment_is_evidence_enough(client_for: Callable[[str], Client]) -> None:
    task = _acknowledged()
    response = client_for("congthuong").post(
        f"/work/tasks/{task.pk}/done/",
        {"version": task.version, "note": "",
         "report_files": [SimpleUploadedFile("bien-ban.pdf", PDF, "application/pdf")]},
    )  # fmt: skip
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == Task.State.DONE
    assert queries.action_state(task) == queries.CLOSED


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"agency": None}, "agency"),
        ({"due_on": None}, "due_on"),
        ({"due_on": dt.date(2020, 1, 1)}, "due_on"),
        ({"description": " "}, "description"),
        ({"capability": "magic"}, "capability"),
    ],
)
def test_bad_corrective_actions_are_refused_and_nothing_is_written(
    change: dict[str, Any], field: str
) -> None:
    finding = _area()
    values: dict[str, Any] = {"agency": agency(DIT), "due_on": clock.today() + dt.timedelta(days=5),
              "description": "Làm ngay."} | change  # fmt: skip
    before = (Task.objects.count(), CorrectiveAction.objects.count())
    with pytest.raises(ValidationError) as refused:
        services.file_corrective_action(finding, actor=SYSTEM, **values)
    assert field in refused.value.message_dict
    assert (Task.objects.count(), CorrectiveAction.objects.count()) == before


def test_the_refusals_speak_vietnamese() -> None:
    finding = _area()
    messages = []
    for values in ({"agency": None, "due_on": clock.today()},
                   {"agency": agency(DIT), "due_on": None},
                   {"agency": agency(DIT), "due_on": clock.today() - dt.timedelta(days=1)}):  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            services.file_corrective_action(finding, description="x", actor=SYSTEM, **values)
        messages += refused.value.messages
    assert messages == [
        "Chọn cơ quan chủ trì thực hiện biện pháp khắc phục.",
        "Nhập hạn hoàn thành biện pháp khắc phục.",
        "Hạn hoàn thành không được trước ngày hôm nay.",
    ]


def test_an_agency_outside_the_committee_s_tree_and_a_strength_are_refused() -> None:
    finding = _area(committee=commune_a())
    with pytest.raises(ValidationError) as refused:
        _file(finding, POLICE_B)
    assert "agency" in refused.value.message_dict
    strength = services.record_finding(finding.exercise, kind="strength", text="Tốt",
                                       actor=SYSTEM)  # fmt: skip
    with pytest.raises(ValidationError, match="Điểm mạnh không cần biện pháp khắc phục"):
        _file(strength, "Công an đặc khu Vân Đồn")
    assert not CorrectiveAction.objects.filter(exercise=finding.exercise).exists()


def test_the_action_improves_the_finding_s_plan_and_capability_by_default() -> None:
    exercise = conducted()
    objective = exercise.objectives.get(number=1)
    finding = services.record_finding(exercise, kind="improvement", text="x",
                                      objective=objective, actor=SYSTEM)  # fmt: skip
    action = _file(finding)
    assert action.capability == objective.capability and action.plan is None


def test_the_page_files_an_action_and_refuses_one_without_agency(
    client_for: Callable[[str], Client],
) -> None:
    finding = _area()
    client = client_for("thuongtruc")
    url = f"/exercises/findings/{finding.pk}/actions/new/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"description": "Làm ngay", "due_on": "31/12/2026"})
    assert refused.status_code == 200
    assert "Chọn cơ quan chủ trì" in refused.content.decode()
    assert not finding.corrective_actions.exists()
    done = client.post(url, {"description": "Làm ngay", "due_on": "31/12/2026",
                             "agency": agency(DIT).pk})  # fmt: skip
    assert done.status_code == 302
    (action,) = finding.corrective_actions.all()
    assert action.task.deadline == dt.date(2026, 12, 31)
    assert client_for("congthuong").get(url).status_code == 404


def test_the_api_files_lists_and_filters_actions(api_for: Callable[..., Client]) -> None:
    finding = _area()
    api = api_for("thuongtruc", scope="write")
    body = {"finding": finding.pk, "description": "Huấn luyện lại", "agency": agency(POLICE).pk}
    refused = api.post("/api/v1/corrective-actions/", json.dumps(body),
                       content_type="application/json")  # fmt: skip
    assert refused.status_code == 400
    assert "Nhập hạn hoàn thành" in json.dumps(refused.json(), ensure_ascii=False)
    body["due_on"] = (clock.today() + dt.timedelta(days=3)).isoformat()
    created = api.post("/api/v1/corrective-actions/", json.dumps(body),
                       content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    row = created.json()
    assert (row["agency"], row["state"], row["finding"]) == (agency(POLICE).pk, "open", finding.pk)
    listed = api.get(f"/api/v1/corrective-actions/?finding={finding.pk}&state=open").json()
    assert [r["id"] for r in listed["results"]] == [row["id"]]
    closed = api.get(f"/api/v1/corrective-actions/?finding={finding.pk}&state=closed").json()
    assert closed["results"] == []
    assert api.get(f"/api/v1/corrective-actions/{row['id']}/").json()["description"] == (
        "Huấn luyện lại"
    )


def test_the_list_shows_open_overdue_and_closed_and_congthuong_its_own(
    client_for: Callable[[str], Client],
) -> None:
    exercise = conducted(name="Diễn tập danh sách")
    soon, later = _file(_area(exercise), DIT, days=2), _file(_area(exercise), POLICE, days=30)
    client = client_for("congthuong")
    page = client.get("/exercises/corrective-actions/")
    assert {r["action"].pk for r in page.context["rows"]} >= {soon.pk}
    assert later.pk not in {r["action"].pk for r in page.context["rows"]}
    assert all(r["task"].assignee.name == DIT for r in page.context["rows"])
    with time_machine.travel(dt.datetime.combine(clock.today() + dt.timedelta(days=5), dt.time(9)),
                             tick=False):  # fmt: skip
        office = client_for("thuongtruc")
        overdue = office.get("/exercises/corrective-actions/?state=overdue").context["rows"]
        assert soon.pk in {r["action"].pk for r in overdue}
        assert later.pk not in {r["action"].pk for r in overdue}
        assert (
            "tag overdue"
            in office.get("/exercises/corrective-actions/?state=overdue").content.decode()
        )
    tasks.acknowledge_task(soon.task, actor=SYSTEM)
    tasks.report_done(soon.task, note="Biên bản số 3.", actor=SYSTEM)
    closed = client_for("thuongtruc").get("/exercises/corrective-actions/?state=closed&view=all")
    assert soon.pk in {r["action"].pk for r in closed.context["rows"]}
    still_open = client_for("thuongtruc").get("/exercises/corrective-actions/?state=open")
    assert soon.pk not in {r["action"].pk for r in still_open.context["rows"]}
    assert later.pk in {r["action"].pk for r in still_open.context["rows"]}
