"""The figures of key sites and plans for a committee and a period: what counts (active
sites of the committee and those below it, plans by state on the period's last day,
versions approved and assessments made in the period, plans exercised in the 12 months)
and what is left out (archived sites, other committees, other periods, what the viewer
does not see). Counted as differences over the seeded demo, so each object added moves
exactly the figures it should."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tests.sites.helpers import SYSTEM, commune_a, new_plan, new_site, province, submitted
from vigil.accounts.models import User
from vigil.org.models import Committee
from vigil.sites import services
from vigil.sites.figures import as_data, site_figures
from vigil.sites.models import KeySite, Plan, PlanVersion

pytestmark = pytest.mark.django_db
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def commune_b() -> Committee:
    return Committee.objects.get(name__endswith="phường Móng Cái 1")


def user(name: str) -> User:
    return User.objects.get(username=name)


def figures(
    viewer: str = "thuongtruc", committee: Committee | None = None,
    period: tuple[dt.date, dt.date] = YEAR,
) -> dict[str, Any]:  # fmt: skip
    f = site_figures(user(viewer), committee=committee or province(), start=period[0],
                     end=period[1])  # fmt: skip
    return as_data(f)


def moved(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """The figures that changed, by how much."""
    return {k: after[k] - before[k] for k in before
            if isinstance(before[k], int) and not isinstance(before[k], bool)
            and after[k] != before[k]}  # fmt: skip


def approved(plan: Plan, number: str, on: dt.date) -> PlanVersion:
    version = services.approve_version(submitted(plan), decision_number=number, approved_on=on,
                                       actor=SYSTEM)  # fmt: skip
    plan.refresh_from_db()
    return version


def test_a_new_site_counts_for_its_committee_and_those_above_it() -> None:
    before, before_a, before_b = (
        figures(),
        figures(committee=commune_a()),
        figures(committee=commune_b()),
    )
    new_site("Bến tàu thử", committee=commune_a())
    assert moved(before, figures()) == {"sites_total": 1, "sites_without_plan": 1}
    assert moved(before_a, figures(committee=commune_a())) == {
        "sites_total": 1, "sites_without_plan": 1,
    }  # fmt: skip
    assert moved(before_b, figures(committee=commune_b())) == {}


def test_an_archived_site_is_not_counted() -> None:
    before = figures()
    site = new_site()
    services.archive_site(site, actor=SYSTEM)
    assert moved(before, figures()) == {}


def test_the_sites_by_category_add_up() -> None:
    f = site_figures(user("thuongtruc"), committee=province(), start=YEAR[0], end=YEAR[1])
    assert f.sites_total == sum(c.sites for c in f.by_category) > 0
    assert f.sites_without_plan == sum(c.without_plan for c in f.by_category)
    assert f.plans_total == sum(f.plans_by_state.values()) > 0


def test_a_plan_covers_its_site_and_counts_by_its_state() -> None:
    before = figures()
    plan = new_plan("KB-TK 01")
    assert moved(before, figures()) == {"sites_total": 1, "plans_total": 1,
                                        "plans_not_approved": 1}  # fmt: skip
    approved(plan, "1/QĐ", dt.date(2026, 3, 1))  # next review 01/03/2027: current
    assert moved(before, figures()) == {
        "sites_total": 1, "plans_total": 1, "plans_current": 1, "versions_approved": 1,
        "plans_approved": 1,
    }  # fmt: skip
    approved(plan, "2/QĐ", dt.date(2026, 9, 1))  # a revision: supplemented in the year
    assert moved(before, figures()) == {
        "sites_total": 1, "plans_total": 1, "plans_current": 1, "versions_approved": 2,
        "plans_approved": 1, "plans_revised": 1,
    }  # fmt: skip
    services.require_revision(plan, reason="Diễn tập cho thấy phải bổ sung.", actor=SYSTEM)
    assert moved(before, figures())["plans_revision_required"] == 1
    assert "plans_current" not in moved(before, figures())


VERSION_KEYS = ("versions_approved", "plans_approved", "plans_revised")
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def _versions(period: tuple[dt.date, dt.date]) -> dict[str, int]:
    data = figures(period=period)
    return {k: data[k] for k in VERSION_KEYS}


def test_versions_approved_outside_the_period_are_left_out() -> None:
    plan = new_plan("KB-TK 02")
    q1, q2 = _versions(Q1), _versions(Q2)
    approved(plan, "3/QĐ", dt.date(2025, 12, 31))
    approved(plan, "4/QĐ", dt.date(2026, 4, 1))
    assert _versions(Q1) == q1
    assert moved(q2, _versions(Q2)) == {"versions_approved": 1, "plans_approved": 1,
                                        "plans_revised": 1}  # fmt: skip


def test_the_state_of_a_past_period_is_that_of_its_last_day() -> None:
    plan = new_plan("KB-TK 03")
    approved(plan, "5/QĐ", dt.date(2025, 7, 15))  # next review 15/07/2026
    assert plan.next_review_on == dt.date(2026, 7, 15)
    Plan.objects.filter(pk=plan.pk).update(created_at=dt.datetime(2025, 7, 1, tzinfo=dt.UTC))
    periods = [(dt.date(2026, 1, 1), dt.date(2026, 6, 30)), YEAR]
    with_plan = [site_figures(user("thuongtruc"), committee=province(), start=a, end=b)
                 for a, b in periods]  # fmt: skip
    assert with_plan[0].as_of == dt.date(2026, 6, 30) and not with_plan[0].exact
    assert with_plan[1].as_of == with_plan[1].today and with_plan[1].exact
    Plan.objects.filter(pk=plan.pk).update(created_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    without = [site_figures(user("thuongtruc"), committee=province(), start=a, end=b)
               for a, b in periods]  # fmt: skip
    added = [[s for s in f.plans_by_state if f.plans_by_state[s] != w.plans_by_state[s]]
             for f, w in zip(with_plan, without, strict=True)]  # fmt: skip
    # On 30/06/2026 the review was 15 days away; today (25/11/2026) it is overdue.
    assert added == [["review_due"], ["overdue"]]


def test_sites_and_plans_recorded_after_the_period_are_left_out() -> None:
    past = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    before = figures(period=past)
    new_plan("KB-TK 04")  # recorded today, 25/11/2026
    assert moved(before, figures(period=past)) == {}


def test_plans_exercised_in_the_twelve_months() -> None:
    plan = new_plan("KB-TK 05")
    before = figures()
    Plan.objects.filter(pk=plan.pk).update(last_exercised_on=dt.date(2025, 11, 24))
    assert moved(before, figures()) == {}  # a day before the 12 months to 25/11/2026
    Plan.objects.filter(pk=plan.pk).update(last_exercised_on=dt.date(2025, 11, 25))
    assert moved(before, figures()) == {"plans_exercised": 1}


def test_risk_assessments_of_the_period() -> None:
    site = new_site("Kho xăng thử")
    before = figures()
    for day in (dt.date(2026, 2, 1), dt.date(2026, 5, 1), dt.date(2025, 12, 31)):
        services.record_assessment(
            site, threat=2, vulnerability=3, consequence=4, threat_rationale="a",
            vulnerability_rationale="b", consequence_rationale="c",
            assessor_agency=site.responsible_agency, assessed_on=day, actor=SYSTEM,
        )  # fmt: skip
    assert moved(before, figures()) == {"assessments": 2, "sites_assessed": 1}


def test_what_the_viewer_does_not_see_is_not_counted() -> None:
    before_xa_a, before_tt = figures("xa_a", committee=None), figures()
    new_site("Chợ thử", committee=commune_b())
    assert moved(before_xa_a, figures("xa_a", committee=None)) == {}
    assert moved(before_tt, figures())["sites_total"] == 1


def test_a_classified_site_makes_the_figures_classified() -> None:
    site = new_site("Kho thử Mật", committee=commune_b())
    KeySite.objects.filter(pk=site.pk).update(created_at=dt.datetime(2019, 6, 1, tzinfo=dt.UTC))
    year = (dt.date(2019, 1, 1), dt.date(2019, 12, 31))  # nothing else recorded yet
    assert figures(committee=commune_b(), period=year)["classification"] == 0
    KeySite.objects.filter(pk=site.pk).update(classification=1)
    assert figures(committee=commune_b(), period=year)["classification"] == 1


def test_the_page_and_the_api_answer_with_the_function(
    client_for: Callable[[str], Any], api_for: Callable[..., Any],
) -> None:  # fmt: skip
    p = province()
    expected = figures(period=(dt.date(2026, 7, 1), dt.date(2026, 9, 30)))
    page = client_for("thuongtruc").get(f"/sites/figures/?year=2026&period=q3&committee={p.pk}")
    assert page.status_code == 200
    assert as_data(page.context["figures"]) == expected
    body = api_for("thuongtruc").get(f"/api/v1/site-figures/?year=2026&period=q3&committee={p.pk}")
    assert body.status_code == 200
    data = body.json()
    assert {k: data[k] for k in ("sites_total", "plans_overdue", "versions_approved")} == {
        k: expected[k] for k in ("sites_total", "plans_overdue", "versions_approved")
    }


def test_an_unknown_committee_or_period_is_refused_by_the_api(
    api_for: Callable[..., Any],
) -> None:
    bad = api_for("xa_a").get("/api/v1/site-figures/?period=q5")
    assert bad.status_code == 400 and "period" in bad.content.decode()
    response = api_for("xa_a").get("/api/v1/site-figures/?committee=999999")
    assert response.status_code == 400
    assert "committee" in response.content.decode()
