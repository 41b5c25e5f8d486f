"""Findings: strengths and areas for improvement, and the plan revision a finding asks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.exercises.evaluation.helpers import SYSTEM, commune_a, conducted
from tests.sites.helpers import new_plan
from vigil.exercises.drills import services as drills
from vigil.exercises.evaluation import services
from vigil.exercises.evaluation.models import Finding, FindingKind
from vigil.sites import services as sites
from vigil.sites.models import Plan

pytestmark = pytest.mark.django_db


def test_a_strength_and_an_area_for_improvement_are_recorded() -> None:
    exercise = conducted()
    objective = exercise.objectives.get(number=2)
    strength = services.record_finding(exercise, kind=FindingKind.STRENGTH, text=" Tốt ",
                                       actor=SYSTEM)  # fmt: skip
    area = services.record_finding(exercise, kind=FindingKind.IMPROVEMENT, text="Chậm",
                                   objective=objective, actor=SYSTEM)  # fmt: skip
    assert strength.text == "Tốt" and strength.capability == ""
    assert area.capability == objective.capability  # from its objective by default
    assert list(exercise.findings.order_by("pk")) == [strength, area]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "weakness", "text": "x"}, "kind"),
        ({"kind": "strength", "text": "  "}, "text"),
        ({"kind": "strength", "text": "x", "capability": "magic"}, "capability"),
        ({"kind": "improvement", "text": "x", "requires_revision": True}, "plan"),
    ],
)
def test_bad_findings_are_refused_and_nothing_is_written(
    values: dict[str, Any], field: str
) -> None:
    exercise = conducted()
    with pytest.raises(ValidationError) as refused:
        services.record_finding(exercise, actor=SYSTEM, **values)
    assert field in refused.value.message_dict
    assert not exercise.findings.exists()


def test_the_objective_and_the_plan_must_be_the_exercise_s() -> None:
    exercise, other = conducted(), conducted(name="Khác")
    with pytest.raises(ValidationError, match="mục tiêu của cuộc diễn tập này"):
        services.record_finding(exercise, kind="strength", text="x",
                                objective=other.objectives.first(), actor=SYSTEM)  # fmt: skip
    with pytest.raises(ValidationError, match="phương án cuộc diễn tập này"):
        services.record_finding(exercise, kind="improvement", text="x",
                                plan=Plan.objects.get(code_name="KB-CB 01"), actor=SYSTEM)  # fmt: skip
    assert not exercise.findings.exists()


def test_a_strength_cannot_require_a_revision() -> None:
    plan = new_plan("KB-TH 11")
    exercise = conducted(plans=[plan])
    with pytest.raises(ValidationError, match="Chỉ điểm cần khắc phục"):
        services.record_finding(exercise, kind="strength", text="x", plan=plan,
                                requires_revision=True, actor=SYSTEM)  # fmt: skip
    plan.refresh_from_db()
    assert not plan.revision_required and not exercise.findings.exists()


def test_findings_wait_for_the_exercise_and_stop_when_it_is_closed() -> None:
    from tests.exercises.evaluation.helpers import province
    from vigil.core import clock
    from vigil.exercises.drills.models import Capability
    from vigil.exercises.drills.services import ObjectiveSpec

    planned = drills.plan_exercise(
        province(), actor=SYSTEM, type="seminar", name="Hội thảo", starts_on=clock.today(),
        ends_on=clock.today(), objectives=[ObjectiveSpec("Mục tiêu", Capability.COMMAND)],
    )  # fmt: skip
    with pytest.raises(ValidationError, match="sau khi cuộc diễn tập được tiến hành"):
        services.record_finding(planned, kind="strength", text="x", actor=SYSTEM)
    exercise = conducted(objectives=1)
    services.rate_objective(exercise.objectives.get(), rating="P", actor=SYSTEM)
    drills.finish_evaluation(exercise, actor=SYSTEM, summary="Đạt yêu cầu.")
    services.record_finding(exercise, kind="strength", text="Vẫn ghi được khi đã đánh giá",
                            actor=SYSTEM)  # fmt: skip
    drills.close_exercise(exercise, actor=SYSTEM)
    with pytest.raises(ValidationError):
        services.record_finding(exercise, kind="strength", text="x", actor=SYSTEM)
    assert exercise.findings.count() == 1


def test_only_a_keeper_records_findings(persona: Callable[[str], Any]) -> None:
    exercise = conducted(committee=commune_a())
    for username in ("xa_b", "congthuong", "kiemtoan"):
        with pytest.raises(PermissionDenied):
            services.record_finding(exercise, kind="strength", text="x", actor=persona(username))
    services.record_finding(exercise, kind="strength", text="x", actor=persona("xa_a"))
    services.record_finding(exercise, kind="strength", text="y", actor=persona("lanhdao"))
    assert exercise.findings.count() == 2


def test_a_finding_requires_the_revision_and_the_next_approved_version_clears_it(
    persona: Callable[[str], Any],
) -> None:
    plan = new_plan("KB-TH 12")
    exercise = conducted(plans=[plan])
    finding = services.record_finding(
        exercise, kind="improvement", text="Thiếu phối hợp với Cảng vụ.", plan=plan,
        requires_revision=True, actor=persona("thuongtruc"),
    )  # fmt: skip
    plan.refresh_from_db()
    assert plan.revision_required and str(finding.pk) in plan.revision_reason
    # Every reader of the plan reads the reason, and not all of them see the exercise.
    assert "Thiếu phối hợp với Cảng vụ." not in plan.revision_reason
    assert exercise.name not in plan.revision_reason
    assert finding.requires_revision
    # The standing office drafts and submits the next version; a leader approves it.
    version = sites.add_version(plan, sections={"situation": "Bổ sung phối hợp."},
                                actor=persona("thuongtruc"))  # fmt: skip
    sites.submit_version(version, actor=persona("thuongtruc"))
    sites.approve_version(version, decision_number="21/QĐ-BCĐ", actor=persona("lanhdao"))
    plan.refresh_from_db()
    assert not plan.revision_required and plan.revision_reason == ""
    assert Finding.objects.get(pk=finding.pk).requires_revision  # the finding keeps its word


def test_the_page_and_the_api_record_findings(
    client_for: Callable[[str], Client], api_for: Callable[..., Client]
) -> None:
    plan = new_plan("KB-TH 13")
    exercise = conducted(plans=[plan])
    client = client_for("thuongtruc")
    url = f"/exercises/{exercise.pk}/findings/new/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"kind": "strength", "text": "x", "plan": plan.pk,
                                "requires_revision": "on"})  # fmt: skip
    assert refused.status_code == 200
    assert "Chỉ điểm cần khắc phục" in refused.content.decode()
    assert not exercise.findings.exists()
    done = client.post(url, {"kind": "improvement", "text": "Cần bổ sung", "plan": plan.pk,
                             "requires_revision": "on"})  # fmt: skip
    assert done.status_code == 302
    plan.refresh_from_db()
    assert plan.revision_required
    api = api_for("thuongtruc", scope="write")
    first = exercise.objectives.get(number=1)
    body = {
        "exercise": exercise.pk,
        "kind": "strength",
        "text": "Phối hợp tốt",
        "objective": first.pk,
    }
    created = api.post("/api/v1/findings/", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    finding = created.json()
    assert (finding["objective"], finding["capability"]) == (first.pk, first.capability)
    other = conducted(name="Khác").objectives.first()
    assert other is not None  # an objective of another exercise is not found in this one
    body["objective"] = other.pk
    assert api.post("/api/v1/findings/", json.dumps(body),
                    content_type="application/json").status_code == 404  # fmt: skip
    listed = api.get(f"/api/v1/findings/?exercise={exercise.pk}&kind=strength").json()
    assert [row["id"] for row in listed["results"]] == [finding["id"]]
    assert api.get(f"/api/v1/findings/{finding['id']}/").json()["text"] == "Phối hợp tốt"
    assert client_for("congthuong").get(url).status_code == 404
