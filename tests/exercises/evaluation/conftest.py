from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from vigil.exercises.drills.models import Exercise


@pytest.fixture(autouse=True)
def _vietnamese_messages() -> Iterator[None]:
    """Refusals are read in the user's language: Vietnamese."""
    with translation.override("vi"):
        yield


@pytest.fixture(autouse=True)
def _exercise_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The exercise's page is the drills part's: until it is merged beside this one,
    an exercise's URL is a stand-in (a no-op once ``exercises:exercise_detail`` exists)."""
    try:
        reverse("exercises:exercise_detail", args=[1])
    except NoReverseMatch:
        monkeypatch.setattr(Exercise, "get_absolute_url", lambda self: f"/exercises/{self.pk}/")
