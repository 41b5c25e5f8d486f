"""Trainings and exercises on the work calendar: those the user's agency organises,
attends or takes part in, and all of the committees they keep; within their scope;
never a cancelled one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from vigil.core import calendar, clock
from vigil.core.audit import SystemActor
from vigil.exercises.drills.models import Exercise
from vigil.exercises.trainings import services
from vigil.exercises.trainings.models import Training

pytestmark = pytest.mark.django_db


def _uids(user: Any, start: dt.date, end: dt.date) -> set[str]:
    return {i.uid for i in calendar.items_for(user, start, end)}


def _around(training: Training) -> tuple[dt.date, dt.date]:
    return training.starts_on - dt.timedelta(days=1), training.ends_on + dt.timedelta(days=1)


def test_trainings_are_on_the_calendar_of_those_who_act_on_them(
    trainings: dict[str, Training], persona: Callable[[str], Any]
) -> None:
    a, province, b = trainings["a"], trainings["province"], trainings["b"]
    uid = f"training-{a.pk}@vigil"
    assert uid in _uids(persona("xa_a"), *_around(a))
    assert uid in _uids(persona("thuongtruc"), *_around(a))  # keeps the communes' trainings
    assert uid not in _uids(persona("xa_b"), *_around(a))  # not in scope
    assert uid not in _uids(persona("kiemtoan"), *_around(a))  # reads it, acts on nothing
    # Sở Công Thương attended the province's training.
    assert f"training-{province.pk}@vigil" in _uids(persona("congthuong"), *_around(province))
    # Commune B's is Mật: not for its own standing office (Thường), for the province's.
    assert f"training-{b.pk}@vigil" not in _uids(persona("xa_b"), *_around(b))
    assert f"training-{b.pk}@vigil" in _uids(persona("thuongtruc"), *_around(b))
    # Outside the days asked: not there.
    assert uid not in _uids(
        persona("xa_a"), a.ends_on + dt.timedelta(days=1), a.ends_on + dt.timedelta(days=9)
    )


def test_a_cancelled_training_leaves_the_calendar(
    trainings: dict[str, Training], persona: Callable[[str], Any]
) -> None:
    b = trainings["b"]
    services.cancel_training(b, actor=SystemActor("test"), reason="Hoãn")
    assert f"training-{b.pk}@vigil" not in _uids(persona("thuongtruc"), *_around(b))


def test_the_calendar_page_names_a_training(
    trainings: dict[str, Training], client_for: Callable[[str], Client]
) -> None:
    b = trainings["b"]
    page = client_for("thuongtruc").get("/work/calendar/", {"month": b.starts_on.strftime("%Y-%m")})
    body = page.content.decode()
    assert f"Tập huấn: {b.topic}" in body and b.get_absolute_url() in body


def test_exercises_are_on_the_calendar(
    persona: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    market = Exercise.objects.get(owning_committee__name__endswith="phường Móng Cái 1")
    try:
        reverse("exercises:exercise_detail", args=[market.pk])
    except NoReverseMatch:  # the drills' pages are built beside this: link to where they go
        monkeypatch.setattr(Exercise, "get_absolute_url", lambda self: f"/exercises/{self.pk}/")
    around = (market.starts_on - dt.timedelta(days=1), market.ends_on + dt.timedelta(days=1))
    uid = f"exercise-{market.pk}@vigil"
    assert uid in _uids(persona("thuongtruc"), *around)
    assert uid not in _uids(persona("xa_b"), *around)  # Mật
    assert uid not in _uids(persona("xa_a"), *around)
    today = clock.today()
    assert all(i.kind in {"task", "meeting", "report", "training", "exercise"}
               for i in calendar.items_for(persona("thuongtruc"), today, today))  # fmt: skip
