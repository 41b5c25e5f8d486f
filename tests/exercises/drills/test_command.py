"""``vigil exercises list|show|plan|conduct|evaluate|close|cancel --as USER``: the
pages' queries and services from the command line, with the user's scope."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vigil.core import clock
from vigil.core.dates import shown
from vigil.core.models import AuditEvent
from vigil.exercises.drills.models import Exercise, ExerciseStatus
from vigil.org.models import Agency, Committee
from vigil.sites.models import Plan

pytestmark = pytest.mark.django_db


def _run(*args: Any) -> str:
    out = io.StringIO()
    call_command("exercises", *map(str, args), stdout=out)
    return out.getvalue()


def test_list_and_show_follow_the_users_scope(exercises: dict[str, Exercise]) -> None:
    listed = _run("list", "--as", "xa_b")
    assert exercises["airport"].name not in listed and exercises["market"].name not in listed
    assert exercises["airport"].name in _run("list", "--as", "xa_a")
    before = AuditEvent.objects.filter(action="object.viewed").count()
    shown_page = _run("show", exercises["market"].pk, "--as", "thuongtruc")
    assert exercises["market"].name in shown_page and "KB-MC 01" in shown_page
    assert AuditEvent.objects.filter(action="object.viewed").count() == before + 1
    with pytest.raises(CommandError):
        _run("show", exercises["market"].pk, "--as", "xa_b")
    assert _run("list", "--as", "thuongtruc", "--status", "planned").count("\n") == 3


def test_plan_conduct_evaluate_close_and_cancel(persona: Callable[[str], Any]) -> None:
    a = Committee.objects.get(name__endswith="đặc khu Vân Đồn")
    police_a = Agency.objects.get(name="Công an đặc khu Vân Đồn")
    plan = Plan.objects.get(code_name="KB-SB 01")
    today = shown(clock.today())
    _run("plan", "--as", "xa_a", "--committee", a.pk, "--type", "drill",
         "--name", "Diễn tập từ dòng lệnh", "--starts", today, "--plan", plan.pk,
         "--participant", f"{police_a.pk}:12:2", "--objective", "cordon:Phong tỏa khu vực")  # fmt: skip
    exercise = Exercise.objects.get(name="Diễn tập từ dòng lệnh")
    assert exercise.participants.get().people == 12
    _run("conduct", exercise.pk, "--as", "xa_a")
    plan.refresh_from_db()
    assert plan.last_exercised_on == clock.today()
    with pytest.raises(CommandError):
        _run("evaluate", exercise.pk, "--as", "xa_a")  # the objective is not rated
    exercise.objectives.update(rating="P", rated_at=clock.now())
    _run("evaluate", exercise.pk, "--as", "xa_a", "--summary", "Đạt")
    _run("close", exercise.pk, "--as", "xa_a")
    exercise.refresh_from_db()
    assert exercise.status == ExerciseStatus.CLOSED
    with pytest.raises(CommandError):
        _run("plan", "--as", "xa_a", "--committee", a.pk, "--type", "drill", "--name", "x",
             "--starts", today, "--participant", f"{police_a.pk}:-1:0")  # fmt: skip
    with pytest.raises(CommandError):
        _run("cancel", exercise.pk, "--as", "congthuong", "--reason", "x")  # not seen


def test_a_reader_is_refused(exercises: dict[str, Exercise]) -> None:
    with pytest.raises(CommandError):
        _run("cancel", exercises["province"].pk, "--as", "kiemtoan", "--reason", "Hoãn")
    exercises["province"].refresh_from_db()
    assert exercises["province"].status == ExerciseStatus.PLANNED
