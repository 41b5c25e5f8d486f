"""The demo's evaluations (vigil/exercises/evaluation/demo.py)."""

from __future__ import annotations

import pytest

from vigil.exercises.drills.demo import AIRPORT_DRILL, SEAPORT_TABLETOP
from vigil.exercises.drills.models import Exercise, ExerciseStatus
from vigil.exercises.evaluation import demo, queries
from vigil.exercises.evaluation.models import CorrectiveAction, FindingKind
from vigil.org.scope import scope_for
from vigil.sites.models import Plan
from vigil.work.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_the_seaport_tabletop_is_evaluated_with_open_actions_and_a_plan_to_revise() -> None:
    seaport = Exercise.objects.get(name=SEAPORT_TABLETOP)
    assert seaport.status == ExerciseStatus.EVALUATED
    assert [o.rating for o in seaport.objectives.order_by("number")] == ["P", "S", "M"]
    kinds = list(seaport.findings.order_by("pk").values_list("kind", flat=True))
    assert kinds.count(FindingKind.STRENGTH) == 1
    assert kinds.count(FindingKind.IMPROVEMENT) >= 2
    agencies = {
        a.task.assignee.name for a in seaport.corrective_actions.select_related("task__assignee")
    }
    assert {"Sở Công Thương", "Công an tỉnh Quảng Ninh"} <= agencies
    plan = Plan.objects.get(code_name="KB-CB 01")
    finding = seaport.findings.get(text=demo.REVISION_FINDING)
    assert finding.plan == plan and finding.corrective_actions.exists()
    # The demo's plan in "revision required" (the border gate's); the seaport's stays
    # overdue for review, the sites demo's example.
    assert Plan.objects.filter(revision_required=True).exists()
    assert not plan.revision_required


def test_congthuong_has_an_open_corrective_action(persona) -> None:  # type: ignore[no-untyped-def]
    congthuong = persona("congthuong")
    mine = queries.actions_for(congthuong, view="mine", state=queries.OPEN)
    assert [a.task.description for a in mine] == [demo.DIT_ACTION]
    task = mine[0].task
    assert task.evidence_required and task.assignee_id in scope_for(congthuong).agency_ids
    assert SEAPORT_TABLETOP in task.title
    assert Task.objects.mine(congthuong).filter(pk=task.pk).exists()


def test_the_airport_drill_is_closed_with_its_summary() -> None:
    airport = Exercise.objects.get(name=AIRPORT_DRILL)
    assert airport.status == ExerciseStatus.CLOSED
    assert airport.summary == demo.AIRPORT_SUMMARY
    (action,) = CorrectiveAction.objects.filter(exercise=airport).select_related("task__assignee")
    assert action.task.assignee.name == "Công an đặc khu Vân Đồn"
