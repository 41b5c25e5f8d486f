"""Bad input to the planning service is refused with a clear message on the field it
concerns, and nothing is written: an end before the start, an unknown type, a negative
count, an agency outside the committee's tree, a plan of another committee."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from vigil.core.models import AuditEvent
from vigil.exercises.drills import services
from vigil.exercises.drills.models import Exercise
from vigil.exercises.drills.services import ParticipantSpec
from vigil.org.models import Agency, Committee
from vigil.sites.models import Plan

pytestmark = pytest.mark.django_db


def _refused(make: Callable[..., Exercise], field: str, **changes: Any) -> list[str]:
    before = (Exercise.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as refused:
        make(**changes)
    assert (Exercise.objects.count(), AuditEvent.objects.count()) == before
    assert field in refused.value.message_dict, refused.value
    return refused.value.message_dict[field]


def test_an_exercise_ending_before_it_starts(plan_one: Callable[..., Exercise]) -> None:
    messages = _refused(plan_one, "ends_on", ends_on=dt.date(2026, 1, 1))
    assert messages == [gettext("An exercise cannot end before it starts.")]


def test_an_unknown_type(plan_one: Callable[..., Exercise]) -> None:
    assert _refused(plan_one, "type", type="parade") == [gettext("Choose the type of exercise.")]


def test_a_negative_count(plan_one: Callable[..., Exercise]) -> None:
    dit = Agency.objects.get(name="Sở Công Thương")
    for spec in (ParticipantSpec(dit, -1, 0), ParticipantSpec(dit, 3, -2)):
        messages = _refused(plan_one, "participants", participants=[spec])
        assert messages == [gettext("Counts cannot be negative.")]


def test_an_agency_outside_the_tree(
    plan_one: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    police_b = Agency.objects.get(name="Công an phường Móng Cái 1")
    a = Committee.objects.get(name__endswith="đặc khu Vân Đồn")

    def in_commune_a(**changes: Any) -> Exercise:
        return services.plan_exercise(
            a, actor=persona("xa_a"), type="drill", name="Diễn tập",
            starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 1), **changes,
        )  # fmt: skip

    messages = _refused(in_commune_a, "participants", participants=[ParticipantSpec(police_b, 3)])
    assert "Công an phường Móng Cái 1" in messages[0]
    messages = _refused(in_commune_a, "organising_agency", organising_agency=police_b)
    assert "Công an phường Móng Cái 1" in messages[0]


def test_a_plan_of_another_committee(persona: Callable[[str], Any]) -> None:
    a = Committee.objects.get(name__endswith="đặc khu Vân Đồn")

    def in_commune_a(**changes: Any) -> Exercise:
        return services.plan_exercise(
            a, actor=persona("thuongtruc"), type="drill", name="Diễn tập",
            starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 1), **changes,
        )  # fmt: skip

    # The province's seaport plan: thuongtruc sees it, but it is not commune A's.
    messages = _refused(in_commune_a, "plans", plans=[Plan.objects.get(code_name="KB-CB 01")])
    assert messages == [gettext("Choose plans of this committee that you may see.")]


def test_a_plan_the_planner_may_not_see(persona: Callable[[str], Any]) -> None:
    province = Committee.objects.get(level=Committee.Level.PROVINCE)
    from vigil.sites.demo import CASE_6_PLAN  # Tối mật: above the standing office's Mật

    def planned(**changes: Any) -> Exercise:
        return services.plan_exercise(
            province, actor=persona("thuongtruc"), type="drill", name="Diễn tập",
            starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 1), **changes,
        )  # fmt: skip

    _refused(planned, "plans", plans=[Plan.objects.get(code_name=CASE_6_PLAN)])
    _refused(planned, "classification", classification=2)
