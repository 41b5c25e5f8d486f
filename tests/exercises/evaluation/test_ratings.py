"""Rating an objective P, S, M or U: who, when, and bad input refused with nothing written."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.exercises.evaluation.helpers import SYSTEM, conducted
from vigil.core.models import AuditEvent
from vigil.exercises.drills import services as drills
from vigil.exercises.evaluation import services
from vigil.exercises.models import ExerciseAction

pytestmark = pytest.mark.django_db
REFUSED = "Xếp loại phải là P, S, M hoặc U."


def _rated_events() -> int:
    return AuditEvent.objects.filter(action=ExerciseAction.OBJECTIVE_RATED).count()


def test_a_keeper_rates_an_objective_and_it_is_audited(persona: Callable[[str], Any]) -> None:
    objective = conducted().objectives.get(number=1)
    before = _rated_events()
    services.rate_objective(objective, rating="s", observations=" Chậm 5 phút. ",
                            actor=persona("thuongtruc"))  # fmt: skip
    objective.refresh_from_db()
    assert (objective.rating, objective.observations) == ("S", "Chậm 5 phút.")
    assert objective.rated_at is not None and objective.rated_by == persona("thuongtruc")
    assert _rated_events() == before + 1


@pytest.mark.parametrize("rating", ["X", "", "PS", "A"])
def test_a_rating_outside_psmu_is_refused_and_nothing_is_written(rating: str) -> None:
    objective = conducted().objectives.get(number=1)
    before = _rated_events()
    with pytest.raises(ValidationError) as refused:
        services.rate_objective(objective, rating=rating, observations="x", actor=SYSTEM)
    assert refused.value.message_dict == {"rating": [REFUSED]}
    objective.refresh_from_db()
    assert (objective.rating, objective.observations, objective.rated_at) == ("", "", None)
    assert _rated_events() == before


def test_ratings_are_given_only_while_the_exercise_is_conducted() -> None:
    exercise = conducted(objectives=1)
    objective = exercise.objectives.get()
    services.rate_objective(objective, rating="P", actor=SYSTEM)
    drills.finish_evaluation(exercise, actor=SYSTEM)
    with pytest.raises(ValidationError, match="Chỉ đánh giá mục tiêu"):
        services.rate_objective(objective, rating="U", actor=SYSTEM)
    objective.refresh_from_db()
    assert objective.rating == "P"


def test_only_a_keeper_of_the_exercise_rates(persona: Callable[[str], Any]) -> None:
    objective = conducted().objectives.get(number=1)
    for username in ("congthuong", "xa_a", "kiemtoan"):
        with pytest.raises(PermissionDenied):
            services.rate_objective(objective, rating="P", actor=persona(username))
    objective.refresh_from_db()
    assert objective.rating == ""


def test_the_page_refuses_a_bad_rating_in_vietnamese_and_rates_a_good_one(
    client_for: Callable[[str], Client],
) -> None:
    objective = conducted().objectives.get(number=1)
    client = client_for("thuongtruc")
    url = f"/exercises/objectives/{objective.pk}/rate/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"rating": "Z", "observations": "x"})
    assert refused.status_code == 200 and REFUSED in refused.content.decode()
    objective.refresh_from_db()
    assert objective.rating == ""
    done = client.post(url, {"rating": "M", "observations": "Thiếu phương tiện."})
    assert done.status_code == 302
    objective.refresh_from_db()
    assert (objective.rating, objective.observations) == ("M", "Thiếu phương tiện.")
    assert client_for("congthuong").get(url).status_code == 404  # not a participant: unseen


def test_the_api_refuses_a_bad_rating_and_rates_a_good_one(api_for: Callable[..., Client]) -> None:
    objective = conducted().objectives.get(number=2)
    api = api_for("thuongtruc", scope="write")
    url = f"/api/v1/objectives/{objective.pk}/rate/"
    refused = api.post(url, json.dumps({"rating": "Q"}), content_type="application/json")
    assert refused.status_code == 400
    assert REFUSED in json.dumps(refused.json(), ensure_ascii=False)
    rated = api.post(url, json.dumps({"rating": "U", "observations": "Không thực hiện được."}),
                     content_type="application/json")  # fmt: skip
    assert rated.status_code == 200, rated.content
    assert rated.json()["rating"] == "U"
    reader = api_for("congthuong", scope="write")
    assert reader.post(url, json.dumps({"rating": "P"}),
                       content_type="application/json").status_code == 404  # fmt: skip
