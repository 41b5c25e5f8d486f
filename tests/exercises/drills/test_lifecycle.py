"""An exercise's life through the services: planned → conducted (each plan tested is
marked exercised) → evaluated (refused while an objective is unrated) → closed (refused
with what is missing); a planned one cancelled. Each step leaves its audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext

from vigil.core import clock
from vigil.core.models import AuditEvent
from vigil.exercises.drills import services
from vigil.exercises.drills.models import Exercise, ExerciseStatus
from vigil.exercises.models import ExerciseAction
from vigil.sites.models import Plan

pytestmark = pytest.mark.django_db
S = ExerciseStatus


def _actions(exercise: Exercise) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="exercises.exercise", object_id=str(exercise.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def _rate_all(exercise: Exercise) -> None:
    """The evaluation concept rates objectives; here the rows are set directly."""
    exercise.objectives.update(rating="S", rated_at=clock.now())


def test_an_exercise_goes_from_planned_to_closed(
    plan_one: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    actor = persona("thuongtruc")
    exercise = plan_one()
    assert exercise.status == S.PLANNED and exercise.version == 1
    assert exercise.objectives.count() == 2 and exercise.participants.get().people == 5
    plan = Plan.objects.get(code_name="KB-CB 01")
    day = clock.today() - dt.timedelta(days=2)
    assert plan.last_exercised_on != day

    services.conduct(exercise, actor=actor, on=day)
    exercise.refresh_from_db()
    plan.refresh_from_db()
    assert (exercise.status, exercise.conducted_on, exercise.version) == (S.CONDUCTED, day, 2)
    assert plan.last_exercised_on == day

    with pytest.raises(ValidationError, match="1, 2"):
        services.finish_evaluation(exercise, actor=actor, summary="Tốt")
    exercise.refresh_from_db()
    assert exercise.status == S.CONDUCTED
    _rate_all(exercise)
    services.finish_evaluation(exercise, actor=actor, summary="")
    exercise.refresh_from_db()
    assert exercise.status == S.EVALUATED and exercise.evaluated_at is not None

    empty = gettext("the after-action summary is empty")
    with pytest.raises(ValidationError) as refused:
        services.close_exercise(exercise, actor=actor)
    assert refused.value.messages == [
        gettext("The exercise cannot be closed yet: %(missing)s.") % {"missing": empty}]  # fmt: skip
    assert services.missing_for_close(exercise) == [empty]
    services.change_exercise(exercise, actor=actor, version=3, summary="Đạt yêu cầu.")
    exercise.refresh_from_db()
    assert services.missing_for_close(exercise) == []
    services.close_exercise(exercise, actor=actor)
    exercise.refresh_from_db()
    assert exercise.status == S.CLOSED and exercise.closed_at is not None
    with pytest.raises(ValidationError) as refused:
        services.close_exercise(exercise, actor=actor)
    assert refused.value.messages == [gettext("This exercise is already closed or cancelled.")]
    assert _actions(exercise) == [
        ExerciseAction.EXERCISE_PLANNED, ExerciseAction.EXERCISE_CONDUCTED,
        ExerciseAction.EXERCISE_EVALUATED, ExerciseAction.EXERCISE_CHANGED,
        ExerciseAction.EXERCISE_CLOSED,
    ]  # fmt: skip
    planned = AuditEvent.objects.get(action=ExerciseAction.EXERCISE_PLANNED,
                                     object_id=str(exercise.pk))  # fmt: skip
    assert planned.after is not None
    assert planned.after["plans"] == [plan.pk] and len(planned.after["objectives"]) == 2


def test_conducting_marks_the_plan_exercised_in_the_sites_audit(
    plan_one: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    exercise = plan_one()
    services.conduct(exercise, actor=persona("thuongtruc"), on=exercise.starts_on)
    plan = Plan.objects.get(code_name="KB-CB 01")
    event = AuditEvent.objects.filter(action="plan.exercised", object_id=str(plan.pk)).latest("seq")
    assert event.after == {"last_exercised_on": exercise.starts_on.isoformat()}


def test_an_exercise_is_not_conducted_before_it_starts_nor_in_the_future(
    plan_one: Callable[..., Exercise], persona: Callable[[str], Any]
) -> None:
    actor = persona("thuongtruc")
    exercise = plan_one()
    for day in (exercise.starts_on - dt.timedelta(days=1), clock.today() + dt.timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.conduct(exercise, actor=actor, on=day)
    exercise.refresh_from_db()
    assert exercise.status == S.PLANNED and exercise.conducted_on is None


def test_a_planned_exercise_is_cancelled_with_a_reason(
    exercises: dict[str, Exercise], persona: Callable[[str], Any]
) -> None:
    province = exercises["province"]
    actor = persona("thuongtruc")
    with pytest.raises(ValidationError):
        services.cancel_exercise(province, actor=actor, reason="  ")
    services.cancel_exercise(province, actor=actor, reason="Trùng lịch diễn tập của Bộ.")
    province.refresh_from_db()
    assert province.status == S.CANCELLED and province.cancel_reason.startswith("Trùng")
    assert _actions(province)[-1] == ExerciseAction.EXERCISE_CANCELLED
    with pytest.raises(ValidationError):
        services.conduct(province, actor=actor)
    # A conducted one cannot be cancelled.
    with pytest.raises(ValidationError):
        services.cancel_exercise(exercises["seaport"], actor=actor, reason="x")


def test_only_a_keeper_changes_an_exercise(
    exercises: dict[str, Exercise], persona: Callable[[str], Any]
) -> None:
    seaport = exercises["seaport"]
    for username in ("congthuong", "kiemtoan", "xa_a"):
        with pytest.raises(PermissionDenied):
            services.cancel_exercise(exercises["province"], actor=persona(username), reason="x")
        with pytest.raises(PermissionDenied):
            services.finish_evaluation(seaport, actor=persona(username))
    # A reader is refused before a stale version is mentioned.
    with pytest.raises(PermissionDenied):
        services.change_exercise(seaport, actor=persona("congthuong"), version=99, name="x")


def test_a_stale_version_is_refused(
    exercises: dict[str, Exercise], persona: Callable[[str], Any]
) -> None:
    province = exercises["province"]
    actor = persona("thuongtruc")
    services.change_exercise(province, actor=actor, version=province.version, place="Cảng Cái Lân")
    with pytest.raises(services.StaleExercise):
        services.change_exercise(province, actor=actor, version=1, place="Nơi khác")
    province.refresh_from_db()
    assert province.place == "Cảng Cái Lân" and province.version == 2


def test_objectives_are_added_until_the_evaluation_is_finished(
    exercises: dict[str, Exercise], persona: Callable[[str], Any]
) -> None:
    actor = persona("thuongtruc")
    province = exercises["province"]  # planned
    before = province.objectives.count()
    objective = services.add_objective(province, text="Phối hợp với Cảng vụ.",
                                       capability="communications", actor=actor)  # fmt: skip
    assert objective.number == province.objectives.count() == before + 1
    event = AuditEvent.objects.filter(action=ExerciseAction.OBJECTIVE_ADDED).latest("seq")
    assert event.object_id == str(objective.pk)
    with pytest.raises(ValidationError):
        services.add_objective(province, text="x", capability="telepathy", actor=actor)
    assert province.objectives.count() == before + 1
    seaport = exercises["seaport"]  # evaluated in the demo: its objectives are set
    with translation.override("vi"), pytest.raises(ValidationError, match="đánh giá"):
        services.add_objective(seaport, text="Muộn.", capability="command", actor=actor)


def test_what_an_exercise_tests_changes_only_while_it_is_planned(
    exercises: dict[str, Exercise], persona: Callable[[str], Any]
) -> None:
    seaport = exercises["seaport"]
    before = seaport.version
    with pytest.raises(ValidationError):
        services.change_exercise(seaport, actor=persona("thuongtruc"),
                                 starts_on=seaport.starts_on - dt.timedelta(days=1))  # fmt: skip
    seaport.refresh_from_db()
    assert seaport.version == before  # nothing written


def test_an_edit_keeps_the_plans_and_sites_the_editor_cannot_see(
    exercises: dict[str, Exercise], persona: Callable[[str], Any]
) -> None:
    """The province's full-scale exercise tests the seaport and the airport; the airport,
    its plan and the exercise's single site made Tối mật (above the standing office's
    Mật clearance): an edit of what the office sees leaves them in place."""
    from vigil.core.classification import Classification
    from vigil.sites.models import KeySite, Plan

    province = exercises["province"]
    seaport_plan, airport_plan = (Plan.objects.get(code_name="KB-CB 01"),
                                  Plan.objects.get(code_name="KB-SB 01"))  # fmt: skip
    seaport, airport = seaport_plan.sites.get(), airport_plan.sites.get()
    province.plans.set([seaport_plan, airport_plan])
    assert province.site == seaport and set(province.sites.all()) == {seaport, airport}
    secret = Classification.SECRET
    Plan.objects.filter(pk=airport_plan.pk).update(classification=secret)
    KeySite.objects.filter(pk__in=[airport.pk, seaport.pk]).update(classification=secret)
    actor = persona("thuongtruc")
    assert actor.clearance < secret
    services.change_exercise(province, actor=actor, version=province.version,
                             plans=[seaport_plan], sites=[], site=None)  # fmt: skip
    province.refresh_from_db()
    assert set(province.plans.all()) == {seaport_plan, airport_plan}
    assert set(province.sites.all()) == {seaport, airport}
    assert province.site == seaport
    # What the editor sees is replaced: without the seaport plan, only the unseen one stays.
    services.change_exercise(province, actor=actor, version=province.version, plans=[])
    assert list(province.plans.all()) == [airport_plan]


def test_an_area_for_improvement_whose_only_action_was_cancelled_is_not_covered(
    exercises: dict[str, Exercise],
) -> None:
    from vigil.exercises.evaluation.demo import DIT_FINDING
    from vigil.exercises.evaluation.models import CorrectiveAction
    from vigil.work.tasks.models import Task

    seaport = exercises["seaport"]  # evaluated: each area for improvement has an action
    bare = gettext("an area for improvement has no corrective action")
    assert bare not in services.missing_for_close(seaport)
    action = CorrectiveAction.objects.get(finding__text=DIT_FINDING)
    Task.objects.filter(pk=action.task_id).update(state=Task.State.CANCELLED)
    assert bare in services.missing_for_close(seaport)
