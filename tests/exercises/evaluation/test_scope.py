"""Who sees findings and corrective actions: with their exercise (commune, clearance),
and an agency its own corrective actions through their tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from tests.exercises.evaluation.helpers import DIT, POLICE, SYSTEM, agency, commune_b, conducted
from vigil.core import clock
from vigil.core.classification import Classification
from vigil.exercises.drills.demo import AIRPORT_DRILL
from vigil.exercises.evaluation import services
from vigil.exercises.evaluation.models import CorrectiveAction, Finding

pytestmark = pytest.mark.django_db


def _ids(api: Client, url: str) -> set[int]:
    return {row["id"] for row in api.get(url + "?page_size=500").json()["results"]}


def test_a_commune_s_findings_are_not_found_by_the_other_commune(
    api_for: Callable[..., Client], client_for: Callable[[str], Client]
) -> None:
    finding = Finding.objects.get(exercise__name=AIRPORT_DRILL)
    action = CorrectiveAction.objects.get(exercise__name=AIRPORT_DRILL)
    assert api_for("xa_a").get(f"/api/v1/findings/{finding.pk}/").status_code == 200
    other = api_for("xa_b")
    assert other.get(f"/api/v1/findings/{finding.pk}/").status_code == 404
    assert other.get(f"/api/v1/corrective-actions/{action.pk}/").status_code == 404
    assert finding.pk not in _ids(other, "/api/v1/findings/")
    assert action.pk not in _ids(other, "/api/v1/corrective-actions/")
    page = client_for("xa_b").get(f"/exercises/findings/{finding.pk}/actions/new/")
    assert page.status_code == 404


def test_a_classified_exercise_s_findings_are_not_found_below_its_clearance(
    api_for: Callable[..., Client], persona: Callable[[str], object]
) -> None:
    exercise = conducted(
        commune_b(), name="Diễn tập mật", classification=Classification.CONFIDENTIAL
    )
    finding = services.record_finding(exercise, kind="improvement", text="Mật", actor=SYSTEM)
    assert persona("xa_b").clearance < Classification.CONFIDENTIAL  # type: ignore[attr-defined]
    assert api_for("xa_b").get(f"/api/v1/findings/{finding.pk}/").status_code == 404
    assert finding.pk not in _ids(api_for("xa_b"), "/api/v1/findings/")
    assert api_for("lanhdao").get(f"/api/v1/findings/{finding.pk}/").status_code == 200


def test_congthuong_sees_its_own_corrective_action_but_not_another_agency_s(
    api_for: Callable[..., Client], client_for: Callable[[str], Client]
) -> None:
    exercise = conducted(name="Diễn tập không có Sở Công Thương")
    finding = services.record_finding(exercise, kind="improvement", text="x", actor=SYSTEM)
    due = clock.today() + dt.timedelta(days=9)
    own, other = (services.file_corrective_action(finding, agency=agency(name), due_on=due,
                                                  description=name, actor=SYSTEM)
                  for name in (DIT, POLICE))  # fmt: skip
    api = api_for("congthuong")
    assert api.get(f"/api/v1/corrective-actions/{own.pk}/").status_code == 200
    assert api.get(f"/api/v1/corrective-actions/{other.pk}/").status_code == 404
    listed = _ids(api, "/api/v1/corrective-actions/")
    assert own.pk in listed and other.pk not in listed
    assert api.get(f"/api/v1/findings/{finding.pk}/").status_code == 404  # not a participant
    page = client_for("congthuong").get("/exercises/corrective-actions/?view=all&state=open")
    shown = {row["action"].pk for row in page.context["rows"]}
    assert own.pk in shown and other.pk not in shown
