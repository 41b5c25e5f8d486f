"""A training's life: planned, changed (with the version read), held with the final
counts, or cancelled with a reason; who may; every step audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.exercises.trainings.conftest import last_audit
from vigil.core import clock
from vigil.exercises.models import ExerciseAction
from vigil.exercises.trainings import services
from vigil.exercises.trainings.models import Training, TrainingStatus
from vigil.exercises.trainings.services import AudienceSpec, StaleTraining
from vigil.org.models import Agency, Committee

pytestmark = pytest.mark.django_db


def _plan(committee: Committee, actor: Any, **more: Any) -> Training:
    today = clock.today()
    values: dict[str, Any] = {
        "topic": "Tập huấn kỹ năng nhận diện vật nghi là bom",
        "starts_on": today, "ends_on": today + dt.timedelta(days=1),
    } | more  # fmt: skip
    return services.plan_training(committee, actor=actor, **values)


def test_a_training_is_planned_changed_and_held_with_its_final_counts(
    persona: Callable[[str], Any],
    committee: Callable[[str], Committee],
    agency: Callable[[str], Agency],
) -> None:
    xa_a = persona("xa_a")
    training = _plan(committee("a"), xa_a, place="Hội trường UBND đặc khu",
                     audience=[AudienceSpec(agency("police_a"), 20)])  # fmt: skip
    assert training.status == TrainingStatus.PLANNED
    assert training.owning_agency == agency("police_a")  # the committee's standing agency
    assert training.created_by == xa_a
    planned = last_audit(ExerciseAction.TRAINING_PLANNED, training)
    assert planned.after["audience"] == [[agency("police_a").pk, 20]]

    changed = services.change_training(
        training, actor=xa_a, version=1, trainer_unit="Công an tỉnh",
        audience=[AudienceSpec(agency("police_a"), 20), AudienceSpec(agency("airport"), 15)],
    )  # fmt: skip
    assert changed.version == 2 and changed.trainer_unit == "Công an tỉnh"
    event = last_audit(ExerciseAction.TRAINING_CHANGED, training)
    assert event.before["trainer_unit"] == "" and event.after["trainer_unit"] == "Công an tỉnh"
    assert len(event.after["audience"]) == 2

    held = services.record_held(
        training, actor=xa_a, version=2,
        audience=[AudienceSpec(agency("police_a"), 18), AudienceSpec(agency("airport"), 14)],
    )  # fmt: skip
    assert held.status == TrainingStatus.HELD
    assert sorted(held.audience.values_list("participants", flat=True)) == [14, 18]
    event = last_audit(ExerciseAction.TRAINING_HELD, training)
    assert event.before["status"] == "planned" and event.after["status"] == "held"
    with pytest.raises(ValidationError):  # held is final for the lifecycle
        services.cancel_training(held, actor=xa_a, reason="Nhầm")
    with pytest.raises(ValidationError):
        services.record_held(held, actor=xa_a)


def test_a_change_on_a_version_someone_else_replaced_is_refused(
    persona: Callable[[str], Any], committee: Callable[[str], Committee]
) -> None:
    thuongtruc = persona("thuongtruc")
    training = _plan(committee("province"), thuongtruc)
    services.change_training(training, actor=thuongtruc, version=1, place="Phòng họp số 2")
    with pytest.raises(StaleTraining):
        services.change_training(training, actor=thuongtruc, version=1, place="Phòng họp số 3")
    training.refresh_from_db()
    assert (training.place, training.version) == ("Phòng họp số 2", 2)


def test_a_cancelled_training_says_why_and_stays_as_it_was(
    persona: Callable[[str], Any], committee: Callable[[str], Committee]
) -> None:
    xa_b = persona("xa_b")
    training = _plan(committee("b"), xa_b)
    with pytest.raises(ValidationError) as refused:
        services.cancel_training(training, actor=xa_b, reason="  ")
    assert "reason" in refused.value.message_dict
    cancelled = services.cancel_training(training, actor=xa_b, reason="Trùng lịch diễn tập")
    assert cancelled.status == TrainingStatus.CANCELLED
    assert cancelled.cancel_reason == "Trùng lịch diễn tập"
    assert last_audit(ExerciseAction.TRAINING_CANCELLED, training).after["status"] == "cancelled"
    with pytest.raises(ValidationError):
        services.change_training(cancelled, actor=xa_b, topic="Khác")
    with pytest.raises(ValidationError):
        services.record_held(cancelled, actor=xa_b)


def test_a_training_is_held_from_its_first_day_only(
    persona: Callable[[str], Any],
    committee: Callable[[str], Committee],
    agency: Callable[[str], Agency],
) -> None:
    xa_a = persona("xa_a")
    later = clock.today() + dt.timedelta(days=3)
    training = _plan(committee("a"), xa_a, starts_on=later, ends_on=later,
                     audience=[AudienceSpec(agency("police_a"), 5)])  # fmt: skip
    with pytest.raises(ValidationError, match=later.strftime("%d/%m/%Y")):
        services.record_held(training, actor=xa_a)
    training.refresh_from_db()
    assert training.status == TrainingStatus.PLANNED


def test_held_needs_an_audience(
    persona: Callable[[str], Any], committee: Callable[[str], Committee]
) -> None:
    xa_a = persona("xa_a")
    training = _plan(committee("a"), xa_a)
    with pytest.raises(ValidationError) as refused:
        services.record_held(training, actor=xa_a)
    assert "audience" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.record_held(training, actor=xa_a, audience=[])


@pytest.mark.parametrize("username", ["congthuong", "kiemtoan", "quantri", "xa_b", "bienphong"])
def test_only_the_standing_office_or_a_leader_of_the_committee_plans_and_keeps(
    username: str,
    persona: Callable[[str], Any],
    committee: Callable[[str], Committee],
    trainings: dict[str, Training],
) -> None:
    before = Training.objects.count()
    with pytest.raises(PermissionDenied):
        _plan(committee("a"), persona(username))
    with pytest.raises(PermissionDenied):
        services.change_training(trainings["a"], actor=persona(username), place="X")
    assert Training.objects.count() == before


def test_the_province_keeps_the_trainings_of_the_communes_below(
    persona: Callable[[str], Any], trainings: dict[str, Training]
) -> None:
    assert services.may_keep(persona("lanhdao"), trainings["a"])
    assert services.may_keep(persona("thuongtruc"), trainings["b"])
    assert not services.may_keep(persona("xa_a"), trainings["province"])
    assert not services.may_keep(persona("xa_a"), trainings["b"])


def test_materials_are_attached_by_the_keepers_and_the_organising_agency(
    persona: Callable[[str], Any], trainings: dict[str, Training]
) -> None:
    from vigil.core import attachments

    province = trainings["province"]  # organised by the provincial police
    assert attachments.may_attach(persona("thuongtruc"), province)
    assert not attachments.may_attach(persona("congthuong"), province)  # in the audience only
    assert not attachments.may_attach(persona("kiemtoan"), province)
    assert attachments.may_attach(persona("xa_a"), trainings["a"])


def test_the_demo_trainings(trainings: dict[str, Training]) -> None:
    province, a, b = trainings["province"], trainings["a"], trainings["b"]
    assert (province.status, a.status, b.status) == ("held", "held", "planned")
    assert b.classification == 1
    dit = province.audience.get(agency__name="Sở Công Thương")
    assert dit.participants == 11  # the final count, not the 12 planned
    assert last_audit(ExerciseAction.TRAINING_HELD, province).actor_label
