"""The year's figures on the small controlled set of ``conftest.py``: counts by type and
status, trainings held, participants, agencies, the share of key sites exercised, the
corrective actions by state and the median days to close them, the plans revised after
a finding; what is cancelled, not held or of another year is left out; each viewer's
figures are their scope's."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.exercises.figures.conftest import (
    SYSTEM,
    TODAY,
    YEAR,
    Year,
    action,
    agency,
    at,
    committee,
    d,
    exercise,
    finding,
    plan,
)
from tests.exercises.figures.conftest import done as report_done
from vigil.exercises.drills import services as drills
from vigil.exercises.drills.models import ExerciseType
from vigil.exercises.figures.queries import (
    ExerciseFigures,
    annual_summary,
    exercise_figures,
    median_of_counts,
)
from vigil.sites import services as sites
from vigil.sites.queries import exercised_since

pytestmark = pytest.mark.django_db


def figures(persona: Callable[[str], Any], username: str = "thuongtruc", **kw: Any) -> Any:
    return exercise_figures(persona(username), YEAR, **kw)


def test_exercises_count_by_type_and_status_in_the_year_they_start(
    year: Year, persona: Callable[[str], Any]
) -> None:
    f = figures(persona)
    assert f.exercises == 3  # the cancelled seminar and last year's drill are not counted
    assert f.by_type == {
        "seminar": 0, "workshop": 0, "tabletop": 1, "game": 0, "drill": 2, "functional": 0,
        "full_scale": 0,
    }  # fmt: skip
    assert f.by_status == {
        "planned": 1, "conducted": 2, "evaluated": 0, "closed": 0, "cancelled": 1,
    }  # fmt: skip
    assert exercise_figures(persona("thuongtruc"), YEAR - 1).by_type["drill"] >= 1  # 30/12/2027


def test_trainings_participants_and_agencies(year: Year, persona: Callable[[str], Any]) -> None:
    f = figures(persona)
    assert f.trainings_held == 2  # the planned and the cancelled one are not
    assert f.exercise_participants == 24 + 8 + 4 + 30 + 40 + 20  # not the cancelled seminar
    assert f.training_participants == 50 + 10 + 25
    assert f.participants == f.exercise_participants + f.training_participants
    # police, border guard, DIT, commune A police, the airport, commune B police: not
    # health (the cancelled seminar and training) nor the military (a planned training).
    assert f.agencies == 6


def test_the_share_of_sites_exercised_moves_when_an_exercise_of_a_plan_is_conducted(
    year: Year, persona: Callable[[str], Any]
) -> None:
    f = figures(persona)
    # The demo's plans were exercised in 2026: only the seaport and the airport count.
    assert f.exercised_since == exercised_since(TODAY) == d(3, 1, 2027)
    assert f.sites_exercised == 2
    assert f.sites_total >= 3
    assert f.sites_exercised_percent == round(200 / f.sites_total)
    market = plan("KB-MC 01")
    drill = exercise("b", ExerciseType.DRILL, "Diễn tập chợ lần 2", d(2, 28), [("police_b", 5)],
                     [market])  # fmt: skip
    assert figures(persona).sites_exercised == 2  # planned: not yet
    drills.conduct(drill, actor=SYSTEM, on=d(2, 28))
    after = figures(persona)
    assert after.sites_exercised == 3 and after.sites_total == f.sites_total
    assert after.sites_exercised_percent == round(300 / f.sites_total)
    site = market.sites.get()
    sites.archive_site(site, actor=SYSTEM)  # an archived site counts no more
    assert figures(persona).sites_total == f.sites_total - 1
    assert figures(persona).sites_exercised == 2


def test_corrective_actions_by_state_and_the_median_days_to_close(
    year: Year, persona: Callable[[str], Any]
) -> None:
    f = figures(persona)
    # DIT's (overdue), the border guard's (open), the police's and commune A's (closed);
    # the cancelled task is not counted.
    assert (f.actions_open, f.actions_overdue, f.actions_closed) == (2, 1, 2)
    assert f.median_days_to_close == (10 + 4) / 2


def test_an_action_moves_from_open_to_closed_when_its_task_is_reported_done(
    year: Year, persona: Callable[[str], Any]
) -> None:
    report_done(year.overdue, TODAY, actor=persona("congthuong"))  # DIT's own officer
    f = figures(persona)
    assert (f.actions_open, f.actions_overdue, f.actions_closed) == (1, 0, 3)
    assert f.median_days_to_close == 10  # 4, 10 and 18 days (12/02 to 01/03)


def test_plans_revised_after_a_finding_and_an_approved_version(
    year: Year, persona: Callable[[str], Any]
) -> None:
    f = figures(persona)
    assert (f.plans_revision_required, f.plans_revised) == (1, 0)
    seaport = plan("KB-CB 01")
    version = sites.add_version(seaport, sections={"situation": "Bổ sung kênh dự phòng."},
                                actor=SYSTEM)  # fmt: skip
    sites.submit_version(version, actor=SYSTEM)
    sites.approve_version(version, decision_number="15/QĐ-BCĐ", actor=SYSTEM)
    f = figures(persona)
    assert (f.plans_revision_required, f.plans_revised) == (1, 1)


def test_a_version_approved_before_the_finding_does_not_count(
    year: Year, persona: Callable[[str], Any]
) -> None:
    seaport = plan("KB-CB 01")
    with at(d(2, 11)):  # the day before the finding
        version = sites.add_version(seaport, sections={"situation": "Sửa trước."}, actor=SYSTEM)
        sites.submit_version(version, actor=SYSTEM)
        sites.approve_version(version, decision_number="14/QĐ-BCĐ", actor=SYSTEM)
    assert figures(persona).plans_revised == 0


def test_each_viewer_counts_only_what_they_see(year: Year, persona: Callable[[str], Any]) -> None:
    a = figures(persona, "xa_a")
    assert a.exercises == 1 and a.by_type["drill"] == 1  # not commune B's drill
    assert a.exercise_participants == 70 and a.training_participants == 25
    assert a.agencies == 2  # commune A police, the airport
    assert (a.actions_open, a.actions_closed, a.median_days_to_close) == (0, 1, 4)
    assert a.plans_revision_required == 0
    b = figures(persona, "xa_b")
    assert (b.exercises, b.exercise_participants, b.trainings_held) == (1, 20, 0)
    # The province's committee narrowed to commune B gives what commune B sees.
    narrowed = figures(persona, committee=committee("b"))
    assert (narrowed.exercises, narrowed.exercise_participants) == (1, 20)
    assert narrowed.committee_name == committee("b").name
    # DIT's officer sees the tabletop DIT took part in, and nothing of the communes.
    dit = figures(persona, "congthuong")
    assert (dit.exercises, dit.by_type["tabletop"]) == (1, 1)
    nothing = figures(persona, "kho_mo")
    assert (nothing.exercises, nothing.participants, nothing.agencies) == (0, 0, 0)
    assert (nothing.actions_closed, nothing.sites_exercised) == (0, 0)
    assert nothing.median_days_to_close is None


def test_a_classified_exercise_is_counted_for_the_cleared_only(
    year: Year, persona: Callable[[str], Any]
) -> None:
    drills.change_exercise(year.drill_b, classification=2, actor=SYSTEM)  # Tối mật
    assert figures(persona, "xa_b").exercises == (1 if persona("xa_b").clearance >= 2 else 0)
    assert figures(persona, "lanhdao").classification == (
        2 if persona("lanhdao").clearance >= 2 else 0
    )


def test_the_annual_summary_is_plain_numbers(year: Year, persona: Callable[[str], Any]) -> None:
    summary = annual_summary(persona("thuongtruc"), YEAR)
    json.dumps(summary)  # plain numbers and strings only
    f = figures(persona)
    assert summary["exercises"] == f.exercises == 3
    assert summary["participants"] == f.participants
    assert summary["corrective_actions_overdue"] == 1
    assert summary["median_days_to_close"] == 7.0
    assert summary["exercises_by_type"]["drill"] == 2
    assert summary["sites_exercised_percent"] == f.sites_exercised_percent


def test_the_figures_cost_the_same_queries_for_more_rows(
    year: Year, persona: Callable[[str], Any], django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    viewer = persona("thuongtruc")
    exercise_figures(viewer, YEAR)  # the scope, cached on the user
    with CaptureQueriesContext(connection) as first:
        exercise_figures(viewer, YEAR)
    for n in range(5):
        ex = exercise("province", ExerciseType.GAME, f"Trò chơi {n}", d(2, 1 + n),
                      [("police", 3), ("border", 2)])  # fmt: skip
        drills.conduct(ex, actor=SYSTEM, on=d(2, 1 + n))
        made = action(finding(ex, d(2, 2 + n)), "police", d(2, 2 + n), d(3, 30))
        report_done(made, d(2, 9 + n))
    with django_assert_num_queries(len(first.captured_queries)):
        f = exercise_figures(viewer, YEAR)
    assert f.by_type["game"] == 5 and f.actions_closed == 7


def test_the_median_of_counted_values() -> None:
    assert median_of_counts([]) is None
    assert median_of_counts([(4, 1)]) == 4
    assert median_of_counts([(4, 1), (10, 1)]) == 7
    assert median_of_counts([(1, 2), (5, 1), (9, 3)]) == 7  # 1 1 5 9 9 9
    assert median_of_counts([(1, 2), (5, 1), (9, 2)]) == 5  # 1 1 5 9 9
    assert median_of_counts([(0, 1), (3, 4)]) == 3


def test_the_figures_are_a_frozen_value(year: Year, persona: Callable[[str], Any]) -> None:
    f: ExerciseFigures = figures(persona)
    with pytest.raises(AttributeError):
        f.exercises = 0  # type: ignore[misc]
    assert agency("dit").name == "Sở Công Thương"


def test_an_exercise_mode_incident_counts_in_no_figure(
    year: Year, persona: Callable[[str], Any]
) -> None:
    """What happens in exercise mode is the exercise's own timeline: opening an incident
    for it (``is_exercise``, linked by the live concept's row) changes no figure."""
    from django.db import transaction

    from vigil.exercises.live.models import ExerciseIncident
    from vigil.situation.incidents.services import open_incident_within

    before = figures(persona)
    with transaction.atomic():
        incident = open_incident_within(
            committee("province"), actor=SYSTEM, title="DIỄN TẬP: vật nghi nổ tại cầu cảng",
            type="bomb_threat", is_exercise=True, site=plan("KB-CB 01").sites.get(),
        )  # fmt: skip
        ExerciseIncident.objects.create(exercise=year.tabletop, incident=incident)
    assert figures(persona) == before


def test_the_share_of_sites_exercised_of_a_past_year_is_that_of_its_31_december(
    year: Year, persona: Callable[[str], Any], client_for: Callable[[str], Any],
    api_for: Callable[..., Any],
) -> None:  # fmt: skip
    """2027 is counted on 31/12/2027 from the exercises conducted from 31/12/2026: the
    market drill of June 2027, not the tabletop and the drill of February 2028 (whose
    plans were exercised last). This year's share counts on today, the market with it."""
    user = persona("thuongtruc")
    market = plan("KB-MC 01")
    with at(d(5, 2, 2027)):
        drill = exercise("b", ExerciseType.DRILL, "Diễn tập chợ 2027", d(6, 1, 2027),
                         [("police_b", 5)], [market])  # fmt: skip
    with at(d(6, 1, 2027)):
        drills.conduct(drill, actor=SYSTEM, on=d(6, 1, 2027))
    past = exercise_figures(user, YEAR - 1)
    assert past.sites_as_of == d(12, 31, 2027) and past.exercised_since == d(12, 31, 2026)
    assert past.sites_exercised == 1  # the market only
    now = exercise_figures(user, YEAR)
    assert now.sites_as_of == TODAY and now.sites_exercised == 3  # seaport, airport, market
    assert exercise_figures(user, YEAR + 1).sites_as_of == TODAY  # a future year: today
    assert annual_summary(user, YEAR - 1)["sites_exercised_as_of"] == "2027-12-31"
    assert annual_summary(user, YEAR)["sites_exercised_as_of"] == TODAY.isoformat()
    api = api_for("thuongtruc").get(f"/api/v1/exercise-figures/?year={YEAR - 1}").json()
    assert (api["sites_exercised"], api["sites_exercised_as_of"]) == (1, "2027-12-31")
    page = client_for("thuongtruc").get(f"/exercises/figures/?year={YEAR - 1}")
    assert "31/12/2027" in page.content.decode()
    # A cancelled exercise does not count, even once conducted.
    type(drill).objects.filter(pk=drill.pk).update(status="cancelled")
    assert exercise_figures(user, YEAR - 1).sites_exercised == 0


def test_only_plans_the_viewer_sees_count_as_revised(
    year: Year, persona: Callable[[str], Any]
) -> None:
    """DIT's officer counts the tabletop DIT took part in, not plan KB-CB 01 it does
    not see: no plan whose revision was required."""
    assert figures(persona).plans_revision_required == 1
    dit = figures(persona, "congthuong")
    assert dit.exercises == 1 and (dit.plans_revision_required, dit.plans_revised) == (0, 0)


def test_a_version_approved_on_the_findings_day_counts_only_if_made_after_it(
    year: Year, persona: Callable[[str], Any]
) -> None:
    seaport = plan("KB-CB 01")
    with at(d(2, 12), hour=9):  # the finding is recorded at 10:00 that day
        early = sites.add_version(seaport, sections={"situation": "Sửa sớm."}, actor=SYSTEM)
        sites.submit_version(early, actor=SYSTEM)
        sites.approve_version(early, decision_number="16/QĐ-BCĐ", actor=SYSTEM)
    assert figures(persona).plans_revised == 0
    with at(d(2, 12), hour=11):
        later = sites.add_version(seaport, sections={"situation": "Sửa sau."}, actor=SYSTEM)
        sites.submit_version(later, actor=SYSTEM)
        sites.approve_version(later, decision_number="17/QĐ-BCĐ", actor=SYSTEM)
    assert figures(persona).plans_revised == 1
