"""Escalation: steps fall due on working time (weekends and Tết skipped), each is
taken once, goes to the duty officer, the head, then the standing office, and
leaves an event on the object's timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.inbox.helpers import SYSTEM, contact_of, make_unit
from vigil.core.audit import SystemActor
from vigil.core.workdays import seed_holidays
from vigil.inbox.delivery import deliver_pending
from vigil.inbox.escalation import (
    close_case,
    escalate_due,
    escalation_events_for,
    open_case,
    policy_for,
    set_policy,
)
from vigil.inbox.models import CaseKind, EscalationEvent, InboxEntry, StepTarget
from vigil.org import services

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture
def tet_2027(db: None) -> None:
    seed_holidays([2027], actor=SystemActor("test"))


def _setup(tag: str) -> tuple[object, object]:
    unit = make_unit(tag, officers=2)
    duty = unit.officers[1]
    services.add_duty_shift(
        unit.agency, officer=duty, phone="0203 3 000 000",
        starts_at=vn(2027, 1, 1), ends_at=vn(2027, 12, 31), actor=SYSTEM,
    )  # fmt: skip
    return unit, contact_of(unit)


def test_the_default_task_policy_counts_working_time() -> None:
    policy = policy_for(make_unit("pol", officers=0).committee, CaseKind.TASK)
    assert policy.working_time
    assert [s.target for s in policy.steps] == [
        StepTarget.DUTY_OFFICER, StepTarget.AGENCY_HEAD, StepTarget.STANDING_OFFICE,
    ]  # fmt: skip


def test_task_steps_skip_the_weekend(tet_2027: None) -> None:
    _unit, obj = _setup("wkd")
    # Friday 29/01/2027 10:00: a day of working time later is Monday 10:00, not Saturday.
    with time_machine.travel(vn(2027, 1, 29, 10), tick=False):
        case = open_case(obj, kind=CaseKind.TASK, subject="Báo cáo quý")  # type: ignore[arg-type]
    assert case.next_due_at == vn(2027, 2, 1, 10)

    assert escalate_due(vn(2027, 1, 30, 12)) == 0  # Saturday: the clock is stopped
    assert escalate_due(vn(2027, 2, 1, 9, 59)) == 0
    assert escalate_due(vn(2027, 2, 1, 10)) == 1
    assert escalate_due(vn(2027, 2, 1, 10)) == 0  # run twice: taken once
    case.refresh_from_db()
    assert (case.next_step, case.next_due_at) == (2, vn(2027, 2, 2, 10))


def test_task_steps_across_tet_go_to_duty_officer_head_then_standing_office(
    tet_2027: None,
) -> None:
    unit, obj = _setup("tet")
    # Wednesday 03/02/2027 10:00; Thursday 04/02 to Wednesday 10/02 is Tết.
    with time_machine.travel(vn(2027, 2, 3, 10), tick=False):
        case = open_case(obj, kind=CaseKind.TASK, subject="Rà soát phương án")  # type: ignore[arg-type]
    assert case.next_due_at == vn(2027, 2, 11, 10)  # first working day after Tết

    assert escalate_due(vn(2027, 2, 8, 12)) == 0  # in the middle of Tết: nothing
    assert escalate_due(vn(2027, 2, 11, 10)) == 1
    assert escalate_due(vn(2027, 2, 12, 10)) == 1
    # Third step: 72 h of working time: 14 (Wed) + 24 (Thu 11) + 24 (Fri 12) + 10 (Mon 15).
    assert escalate_due(vn(2027, 2, 15, 9)) == 0
    assert escalate_due(vn(2027, 2, 15, 10)) == 1
    assert escalate_due(vn(2027, 3, 1)) == 0  # no fourth step

    steps = list(escalation_events_for(obj).filter(type=EscalationEvent.Type.STEP))  # type: ignore[arg-type]
    assert [(e.step, e.target, e.at) for e in steps] == [
        (1, StepTarget.DUTY_OFFICER, vn(2027, 2, 11, 10)),
        (2, StepTarget.AGENCY_HEAD, vn(2027, 2, 12, 10)),
        (3, StepTarget.STANDING_OFFICE, vn(2027, 2, 15, 10)),
    ]
    deliver_pending(vn(2027, 2, 15, 10))
    reached = [
        set(InboxEntry.objects.filter(notification=e.notification).values_list("user", flat=True))
        for e in steps
    ]
    thuongtruc = set(
        InboxEntry.objects.filter(user__username="thuongtruc").values_list("user", flat=True)
    )
    assert reached[0] == {unit.officers[1].pk}  # type: ignore[attr-defined]
    assert reached[1] == {unit.head.pk}  # type: ignore[attr-defined]
    assert reached[2] == thuongtruc


def test_an_alert_counts_every_hour_and_stops_when_closed(tet_2027: None) -> None:
    _unit, obj = _setup("alert")
    # During Tết an alert still escalates after 30 minutes.
    with time_machine.travel(vn(2027, 2, 6, 8), tick=False):
        open_case(obj, kind=CaseKind.ALERT, subject="Cảnh báo")  # type: ignore[arg-type]
    assert escalate_due(vn(2027, 2, 6, 8, 30)) == 1
    with time_machine.travel(vn(2027, 2, 6, 9), tick=False):
        closed = close_case(obj, kind=CaseKind.ALERT, note="Đã xác nhận")  # type: ignore[arg-type]
    assert closed is not None and closed.resolved_at == vn(2027, 2, 6, 9)
    assert escalate_due(vn(2027, 2, 7)) == 0
    assert [e.type for e in escalation_events_for(obj)] == ["opened", "step", "resolved"]  # type: ignore[arg-type]


def test_a_committee_policy_overrides_the_default(persona: Callable[[str], Any]) -> None:
    unit, obj = _setup("own")
    set_policy(
        unit.committee,  # type: ignore[attr-defined]
        CaseKind.LICENCE,
        steps=[(dt.timedelta(hours=1), StepTarget.STANDING_OFFICE)],
        working_time=False,
        actor=persona("quantri"),
    )
    with time_machine.travel(vn(2027, 3, 6, 8), tick=False):
        case = open_case(obj, kind=CaseKind.LICENCE, subject="Giấy phép")  # type: ignore[arg-type]
    assert case.next_due_at == vn(2027, 3, 6, 9)
    assert escalate_due(vn(2027, 3, 6, 9)) == 1
    assert escalate_due(vn(2027, 4, 6, 9)) == 0


def test_without_a_duty_officer_the_agency_is_told() -> None:
    unit = make_unit("nodt", officers=2)
    obj = contact_of(unit)
    with time_machine.travel(vn(2027, 3, 1, 8), tick=False):
        open_case(obj, kind=CaseKind.ALERT, subject="Cảnh báo")
    escalate_due(vn(2027, 3, 1, 9))
    (event,) = escalation_events_for(obj).filter(type="step")
    deliver_pending(vn(2027, 3, 1, 9))
    assert InboxEntry.objects.filter(notification=event.notification).count() == 3
    assert event.note


def test_a_duty_officer_below_the_objects_level_does_not_swallow_the_step() -> None:
    """The officer on duty is cleared Thường, the object is Mật: the step goes to the
    agency, where delivery reaches those cleared for it."""
    unit = make_unit("lowdt", officers=2)
    services.add_duty_shift(
        unit.agency, officer=unit.officers[0], phone="0203 3 000 001",
        starts_at=vn(2027, 1, 1), ends_at=vn(2027, 12, 31), actor=SYSTEM,
    )  # fmt: skip
    cleared = unit.officers[1]
    cleared.clearance = 1
    cleared.save(update_fields=["clearance"])
    obj = contact_of(unit, classification=1)
    with time_machine.travel(vn(2027, 3, 1, 8), tick=False):
        open_case(obj, kind=CaseKind.ALERT, subject="Cảnh báo mật")
    escalate_due(vn(2027, 3, 1, 9))
    (event,) = escalation_events_for(obj).filter(type="step")
    assert event.recipient_label == unit.agency.name and event.note
    deliver_pending(vn(2027, 3, 1, 9))
    readers = InboxEntry.objects.filter(notification=event.notification)
    assert list(readers.values_list("user", flat=True)) == [cleared.pk]


def test_only_an_administrator_sets_a_policy_and_bad_steps_change_nothing(
    persona: Callable[[str], Any],
) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import translation

    from vigil.inbox.models import EscalationPolicy
    from vigil.org.models import Committee

    province = Committee.objects.get(name__endswith="tỉnh Quảng Ninh")
    steps = [(dt.timedelta(hours=2), StepTarget.AGENCY_HEAD)]
    with pytest.raises(PermissionDenied):
        set_policy(province, CaseKind.TASK, steps=steps, working_time=True,
                   actor=persona("thuongtruc"))  # fmt: skip
    backwards = [(dt.timedelta(hours=2), StepTarget.AGENCY_HEAD),
                 (dt.timedelta(hours=1), StepTarget.STANDING_OFFICE)]  # fmt: skip
    with translation.override("vi"), pytest.raises(ValidationError) as info:
        set_policy(province, CaseKind.TASK, steps=backwards, working_time=True,
                   actor=persona("quantri"))  # fmt: skip
    assert "phải muộn hơn" in str(info.value)
    assert not EscalationPolicy.objects.filter(committee=province, kind=CaseKind.TASK).exists()


def test_the_policy_page_shows_the_default_and_lets_an_administrator_set_one(
    client_for: Callable[[str], Any],
) -> None:
    from django.urls import reverse

    from vigil.inbox.models import EscalationPolicy
    from vigil.org.models import Committee

    page = client_for("xa_a").get(reverse("inbox:policies")).content.decode()
    assert "Cán bộ trực của cơ quan" in page and '<form method="post" novalidate>' not in page

    province = Committee.objects.get(name__endswith="tỉnh Quảng Ninh")
    data = {"committee": province.pk, "kind": "plan_review", "working_time": "on",
            "after_1": "3", "unit_1": "days", "target_1": "duty_officer",
            "after_2": "7", "unit_2": "days", "target_2": "standing_office"}  # fmt: skip
    assert client_for("thuongtruc").post(reverse("inbox:policies"), data).status_code == 403
    bad = data | {"after_2": "2"}
    response = client_for("quantri").post(reverse("inbox:policies"), bad)
    assert response.status_code == 400
    assert "Mỗi bước phải muộn hơn bước trước đó" in response.content.decode()
    assert not EscalationPolicy.objects.filter(committee=province, kind="plan_review").exists()

    assert client_for("quantri").post(reverse("inbox:policies"), data).status_code == 302
    policy = policy_for(province, CaseKind.PLAN_REVIEW)
    assert [(s.after, s.target) for s in policy.steps] == [
        (dt.timedelta(days=3), "duty_officer"), (dt.timedelta(days=7), "standing_office"),
    ]  # fmt: skip
