"""``vigil trainings list|show|plan|held|cancel --as USER``: the same services and
scope as the pages."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command

from vigil.core import clock
from vigil.exercises.trainings.models import Training
from vigil.org.models import Agency, Committee

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("trainings", *args, stdout=out)
    return out.getvalue()


def test_list_and_show_are_the_users_scope(trainings: dict[str, Training]) -> None:
    a = trainings["a"]
    listed = _run("list", "--as", "xa_a")
    assert a.topic in listed and trainings["province"].topic not in listed
    assert "55 lượt người" in listed
    assert a.topic not in _run("list", "--as", "xa_b")
    held = _run("list", "--as", "thuongtruc", "--status", "held")
    assert trainings["b"].topic not in held and "104 lượt người" in held
    shown = _run("show", str(a.pk), "--as", "xa_a")
    assert "Cảng hàng không quốc tế Vân Đồn: 30" in shown
    with pytest.raises(CommandError, match="Không có lớp tập huấn"):
        _run("show", str(a.pk), "--as", "xa_b")


def test_plan_held_and_cancel(
    committee: Callable[[str], Committee], agency: Callable[[str], Agency]
) -> None:
    today = clock.today().strftime("%d/%m/%Y")
    police_a = agency("police_a").pk
    out = _run("plan", "--as", "xa_a", "--committee", str(committee("a").pk), "--topic",
               "Tập huấn dòng lệnh", "--starts", today, "--audience", f"{police_a}=8")  # fmt: skip
    training = Training.objects.get(topic="Tập huấn dòng lệnh")
    assert str(training.pk) in out and training.starts_on == training.ends_on
    assert training.audience.get().participants == 8
    with pytest.raises(CommandError):  # the auditor reads, never writes
        _run("held", str(training.pk), "--as", "kiemtoan")
    _run("held", str(training.pk), "--as", "xa_a", "--audience", f"{police_a}=7")
    training.refresh_from_db()
    assert training.status == "held" and training.audience.get().participants == 7
    with pytest.raises(CommandError, match="MÃ_CƠ_QUAN=SỐ_NGƯỜI"):
        _run("plan", "--as", "xa_a", "--committee", str(committee("a").pk), "--topic", "X",
             "--starts", today, "--audience", "bảy")  # fmt: skip
    _run("plan", "--as", "xa_a", "--committee", str(committee("a").pk), "--topic",
         "Tập huấn sẽ hủy", "--starts", today)  # fmt: skip
    other = Training.objects.get(topic="Tập huấn sẽ hủy")
    _run("cancel", str(other.pk), "--as", "xa_a", "--reason", "Trùng lịch")
    other.refresh_from_db()
    assert other.status == "cancelled"
