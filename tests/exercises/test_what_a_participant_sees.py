"""A participating agency sees the exercise it takes part in, not the key site, the plans
or the exercise of a corrective action it may not see (the demo's seaport tabletop:
Sở Công Thương takes part; the seaport site and plan KB-CB 01 are the province's and the
police's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from vigil.exercises.drills.demo import SEAPORT_TABLETOP
from vigil.exercises.models import CorrectiveAction, Exercise
from vigil.sites.demo import SEAPORT
from vigil.sites.models import KeySite, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def seaport() -> Exercise:
    return Exercise.objects.get(name=SEAPORT_TABLETOP)


def test_the_demo_is_what_these_tests_assume(
    seaport: Exercise, persona: Callable[[str], Any]
) -> None:
    dit = persona("congthuong")
    assert Exercise.objects.visible_to(dit).filter(pk=seaport.pk).exists()
    assert seaport.site is not None and seaport.site.name == SEAPORT
    assert not KeySite.objects.visible_to(dit).filter(pk=seaport.site.pk).exists()
    assert not Plan.objects.visible_to(dit).filter(code_name="KB-CB 01").exists()


def test_the_page_and_the_api_name_the_site_only_to_who_sees_it(
    seaport: Exercise, client_for: Callable[[str], Client], api_for: Callable[..., Client]
) -> None:
    assert SEAPORT not in client_for("congthuong").get(f"/exercises/{seaport.pk}/").content.decode()
    assert SEAPORT in client_for("thuongtruc").get(f"/exercises/{seaport.pk}/").content.decode()
    assert SEAPORT not in client_for("congthuong").get("/exercises/").content.decode()
    assert api_for("congthuong").get(f"/api/v1/exercises/{seaport.pk}/").json()["site"] is None
    assert api_for("thuongtruc").get(f"/api/v1/exercises/{seaport.pk}/").json()["site"] == (
        seaport.site_id
    )
    listed = api_for("congthuong").get("/api/v1/exercises/").json()["results"]
    assert [r["site"] for r in listed if r["id"] == seaport.pk] == [None]


def test_the_findings_api_names_a_plan_only_to_who_sees_it(
    seaport: Exercise, api_for: Callable[..., Client]
) -> None:
    plan = Plan.objects.get(code_name="KB-CB 01")
    about_plan = seaport.findings.filter(plan=plan)
    assert about_plan.exists()
    mine = api_for("congthuong").get(f"/api/v1/findings/?exercise={seaport.pk}").json()["results"]
    theirs = api_for("thuongtruc").get(f"/api/v1/findings/?exercise={seaport.pk}").json()["results"]
    assert {r["plan"] for r in mine} == {None}
    assert plan.pk in {r["plan"] for r in theirs}
    action = CorrectiveAction.objects.filter(exercise=seaport, plan=plan).first()
    if action is not None:
        assert api_for("thuongtruc").get(f"/api/v1/corrective-actions/{action.pk}/").json()[
            "plan"] == plan.pk  # fmt: skip


def test_the_action_list_links_an_exercise_only_to_who_sees_it(
    client_for: Callable[[str], Client], persona: Callable[[str], Any]
) -> None:
    """Sở Công Thương sees the corrective actions given to it, and their exercise's page
    only when it sees the exercise."""
    page = client_for("congthuong").get("/exercises/corrective-actions/")
    rows = page.context["rows"]
    assert rows
    seen = set(Exercise.objects.visible_to(persona("congthuong")).values_list("pk", flat=True))
    for row in rows:
        assert bool(row["exercise_url"]) == (row["action"].exercise_id in seen)
