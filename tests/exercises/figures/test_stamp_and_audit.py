"""The figures page and the API are stamped with the most classified exercise or
training counted and record one view event then (none for unclassified figures)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from vigil.core.models import AuditEvent
from vigil.exercises.drills.demo import MARKET_DRILL
from vigil.exercises.drills.models import Exercise
from vigil.exercises.figures.queries import exercise_figures

pytestmark = pytest.mark.django_db


def _views() -> Any:
    return AuditEvent.objects.filter(action="object.viewed", object_type="page",
                                     object_id__startswith="/")  # fmt: skip


def test_classified_figures_are_stamped_and_audited_once(
    persona: Callable[[str], Any], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    year = Exercise.objects.get(name=MARKET_DRILL).starts_on.year  # the Mật drill counts
    assert exercise_figures(persona("thuongtruc"), year).classification == 1
    before = _views().count()
    page = client_for("thuongtruc").get(f"/exercises/figures/?year={year}")
    assert page.status_code == 200 and "banner-classified" in page.content.decode()
    assert page.context["page_stamp"] == "MẬT"
    assert _views().count() == before + 1
    event = _views().order_by("-seq").first()
    assert event is not None and event.classification == 1
    assert event.after is not None and event.after["year"] == year
    api = api_for("thuongtruc").get(f"/api/v1/exercise-figures/?year={year}")
    assert api.status_code == 200 and api.json()["classification"] == 1
    assert _views().count() == before + 2


def test_unclassified_figures_record_nothing(
    persona: Callable[[str], Any], client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
) -> None:  # fmt: skip
    year = Exercise.objects.get(name=MARKET_DRILL).starts_on.year
    assert exercise_figures(persona("xa_a"), year).classification == 0
    before = _views().count()
    page = client_for("xa_a").get(f"/exercises/figures/?year={year}")
    assert page.status_code == 200 and "banner-classified" not in page.content.decode()
    api_for("xa_a").get(f"/api/v1/exercise-figures/?year={year}")
    assert _views().count() == before
