"""The task state machine: allowed and refused transitions, the timeline, acting
approvers, and no lost update when two officers save the same task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.work.helpers import SEED, agency, directive, province
from vigil.core.models import AuditEvent
from vigil.org import services as org_services
from vigil.org.models import Post
from vigil.work.models import Task, TaskEvent
from vigil.work.tasks import services as task_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(persona: Callable[[str], Any]) -> Task:
    return directive(agency("dit"), actor=persona("thuongtruc")).tasks.get()


def _reload(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


def test_the_whole_loop_assigned_to_accepted(task: Task, persona: Callable[[str], Any]) -> None:
    officer, office = persona("congthuong"), persona("thuongtruc")
    task_services.acknowledge_task(task, actor=officer)
    assert task.state == "acknowledged"
    upload = SimpleUploadedFile("bao-cao.txt", "Đã kiểm tra 3 mỏ\n".encode())
    task_services.report_progress(task, note="Đã kiểm tra 3/5 mỏ.", files=[upload], actor=officer)
    assert task.state == "in_progress"
    task_services.report_done(task, note="Xong.", actor=officer)
    assert _reload(task).state == "done"
    assert _reload(task).done_on is not None
    task_services.accept_task(task, actor=office)
    final = _reload(task)
    assert final.state == "accepted" and final.accepted_at is not None
    assert final.version == 5
    types = list(final.events.values_list("type", flat=True))
    assert types == ["assigned", "acknowledged", "progress", "done", "accepted"]
    progress = final.events.get(type="progress")
    assert len(progress.attachment_ids) == 1
    actions = set(
        AuditEvent.objects.filter(object_type="work.task", object_id=str(task.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"work.task.acknowledged", "work.task.progress", "work.task.done",
            "work.task.accepted"} <= actions  # fmt: skip


@pytest.mark.parametrize(
    ("setup", "verb", "message"),
    [
        ([], "progress", "Acknowledge the task before reporting progress"),
        ([], "done", "Acknowledge the task before reporting it done"),
        ([], "accept", "Only a task reported done can be accepted"),
        (["acknowledge"], "acknowledge", "Only a newly assigned task can be acknowledged"),
        (["acknowledge"], "return", "Only a task reported done can be returned"),
        (["acknowledge", "done", "accept"], "cancel", "cannot be cancelled"),
        (["acknowledge", "done", "accept"], "progress", "being worked on"),
    ],
)
def test_refused_transitions_say_why_and_change_nothing(
    task: Task, setup: list[str], verb: str, message: str
) -> None:
    for step in setup:
        _do(task, step)
    before = _reload(task)
    with pytest.raises(ValidationError, match=message):
        _do(task, verb)
    after = _reload(task)
    assert (after.state, after.version) == (before.state, before.version)
    assert after.events.count() == before.events.count()


def _do(task: Task, verb: str) -> None:
    fresh = _reload(task)
    if verb == "acknowledge":
        task_services.acknowledge_task(fresh, actor=SEED)
    elif verb == "progress":
        task_services.report_progress(fresh, note="x", actor=SEED)
    elif verb == "done":
        task_services.report_done(fresh, actor=SEED)
    elif verb == "accept":
        task_services.accept_task(fresh, actor=SEED)
    elif verb == "return":
        task_services.return_task(fresh, reason="Thiếu số liệu", actor=SEED)
    elif verb == "cancel":
        task_services.cancel_task(fresh, reason="Không còn cần", actor=SEED)


def test_a_returned_task_goes_back_to_in_progress_with_its_reason(task: Task) -> None:
    for step in ("acknowledge", "done"):
        _do(task, step)
    task_services.return_task(_reload(task), reason="Thiếu số liệu mỏ Cẩm Phả", actor=SEED)
    returned = _reload(task)
    assert returned.state == "in_progress"
    assert returned.return_reason == "Thiếu số liệu mỏ Cẩm Phả"
    assert returned.done_on is None
    assert returned.events.last().type == "returned"  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="Say why"):
        task_services.return_task(returned, reason=" ", actor=SEED)


def test_only_the_assignee_reports_and_only_the_issuer_accepts(
    task: Task, persona: Callable[[str], Any]
) -> None:
    with pytest.raises(PermissionDenied):
        task_services.acknowledge_task(task, actor=persona("bienphong"))
    with pytest.raises(PermissionDenied):
        task_services.acknowledge_task(task, actor=persona("xa_a"))
    task_services.acknowledge_task(task, actor=persona("congthuong"))
    task_services.report_done(task, actor=persona("congthuong"))
    with pytest.raises(PermissionDenied):
        task_services.accept_task(task, actor=persona("congthuong"))
    with pytest.raises(PermissionDenied):
        task_services.accept_task(task, actor=persona("kiemtoan"))
    task_services.accept_task(task, actor=persona("lanhdao"))
    assert _reload(task).state == "accepted"


def test_a_deputy_accepts_on_the_heads_behalf_recorded_as_such(
    task: Task, persona: Callable[[str], Any]
) -> None:
    deputy_user = persona("bienphong")  # no committee role: only a deputy post gives it
    for step in ("acknowledge", "done"):
        _do(task, step)
    with pytest.raises(PermissionDenied):
        task_services.accept_task(_reload(task), actor=deputy_user, for_the_head=True)
    post = org_services.create_post(
        province(), kind=Post.Kind.DEPUTY, title="Phó Trưởng ban", actor=SEED
    )
    org_services.appoint_holder(
        post, holder_name="Phạm Đức Thắng", position="Phó Chỉ huy trưởng BĐBP tỉnh",
        valid_from=dt.date(2025, 7, 1), user=deputy_user, actor=SEED,
    )  # fmt: skip
    task_services.accept_task(_reload(task), actor=deputy_user, for_the_head=True)
    event = _reload(task).events.get(type="accepted")
    assert event.on_behalf_of == "KT. Trưởng ban — Phó Trưởng ban Phạm Đức Thắng"
    assert event.actor_id == deputy_user.pk
    audit = AuditEvent.objects.filter(action="work.task.accepted", object_id=str(task.pk)).get()
    assert audit.after is not None
    assert audit.after["on_behalf_of"] == event.on_behalf_of


def test_two_officers_saving_the_same_task_lose_no_update(
    task: Task, persona: Callable[[str], Any]
) -> None:
    office = persona("thuongtruc")
    first, second = _reload(task), _reload(task)  # both officers opened version 1
    task_services.update_task(first, deadline=task.deadline + dt.timedelta(days=3), priority=2,
                         description="Ưu tiên cao", actor=office)  # fmt: skip
    with translation.override("vi"), pytest.raises(task_services.StaleTask) as refused:
        task_services.update_task(second, deadline=task.deadline, priority=0,
                             description="Thấp", actor=office)  # fmt: skip
    assert "Người khác đã lưu" in refused.value.messages[0]
    saved = _reload(task)
    assert (saved.priority, saved.description, saved.version) == (2, "Ưu tiên cao", 2)
    assert saved.events.filter(type="updated").count() == 1


def test_a_transition_on_a_stale_copy_is_refused(task: Task) -> None:
    stale = _reload(task)
    task_services.acknowledge_task(_reload(task), actor=SEED)
    task_services.report_progress(_reload(task), note="a", actor=SEED)
    with pytest.raises(task_services.StaleTask):
        task_services.report_progress(stale, note="b", actor=SEED, version=1)
    assert _reload(task).events.filter(type="progress").count() == 1


def test_closing_a_task_closes_its_escalation(task: Task) -> None:
    from vigil.inbox import escalation

    escalation.open_case(task, kind="task", subject="Quá hạn", agency=task.assignee)
    for step in ("acknowledge", "done"):
        _do(task, step)
    assert escalation.escalation_events_for(task).filter(type="resolved").count() == 1
    assert TaskEvent.objects.filter(task=task, type="done").exists()
