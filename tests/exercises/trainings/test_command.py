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


def test_a_committee_agency_or_commune_not_seen_is_not_found_alike(
    committee: Callable[[str], Committee], agency: Callable[[str], Agency]
) -> None:
    """Outside every committee, ``kho_mo`` sees no committee: an existing id and a
    missing one answer the same "not found" (no 403 telling the id exists)."""
    today = clock.today().strftime("%d/%m/%Y")
    answers = set()
    for pk in (committee("a").pk, 999999):
        with pytest.raises(CommandError) as refused:
            _run("plan", "--as", "kho_mo", "--committee", str(pk), "--topic", "X",
                 "--starts", today)  # fmt: skip
        answers.add(str(refused.value))
    assert answers == {"Không tìm thấy."}
    for flag in ("--agency", "--commune"):
        with pytest.raises(CommandError, match=r"^Không tìm thấy\.$"):
            _run("plan", "--as", "xa_a", "--committee", str(committee("a").pk), "--topic", "X",
                 "--starts", today, flag, "999999")  # fmt: skip
    with pytest.raises(CommandError, match=r"^Không tìm thấy\.$"):
        _run("plan", "--as", "xa_a", "--committee", str(committee("a").pk), "--topic", "X",
             "--starts", today, "--audience", "999999=3")  # fmt: skip


def test_a_commune_outside_the_committees_area_is_refused(
    committee: Callable[[str], Committee],
) -> None:
    from django.core.exceptions import ValidationError

    from vigil.accounts.models import User
    from vigil.exercises.trainings import services

    a, b = committee("a"), committee("b")
    assert a.admin_unit is not None and b.admin_unit is not None
    actor = User.objects.get(username="xa_a")
    day = clock.today()
    with pytest.raises(ValidationError, match=r"địa bàn|area"):
        services.plan_training(a, actor=actor, topic="Ngoài địa bàn", starts_on=day,
                               ends_on=day, commune=b.admin_unit)  # fmt: skip
    assert not Training.objects.filter(topic="Ngoài địa bàn").exists()
    ours = services.plan_training(a, actor=actor, topic="Trong địa bàn", starts_on=day,
                                  ends_on=day, commune=a.admin_unit)  # fmt: skip
    assert ours.commune == a.admin_unit
    province = committee("province")
    assert province.admin_unit is not None
    theirs = services.plan_training(
        province,
        actor=User.objects.get(username="thuongtruc"),
        topic="Của tỉnh",
        starts_on=day,
        ends_on=day,
        commune=b.admin_unit,
    )  # the province's area holds commune B
    assert theirs.commune == b.admin_unit
