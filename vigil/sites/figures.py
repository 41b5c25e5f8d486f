"""The figures of key sites and plans for a committee (and the committees below it) and a
period, as a viewer sees them: the figures page (``/sites/figures/``), its API
(``/api/v1/site-figures/``) and the reports app's "key sites and plans" section all call
``site_figures``, so they cannot disagree.

Counted:

- the key sites: active (not archived) ones the viewer sees, owned by the committee or
  one below it, recorded by ``as_of``; in total and by category;
- the plans: those the viewer sees, of those committees, recorded by ``as_of``, by
  state as of ``as_of`` with the sites app's own rule (``queries.rank_expression``:
  current, review due within ``REVIEW_NOTICE_DAYS``, no approved version, overdue,
  revision required);
- the sites without a plan: the active sites counted that no plan the viewer sees
  (recorded by ``as_of``) covers;
- the versions approved in the period (``approved_on`` from ``start`` to ``end``), the
  plans they belong to, and the plans revised or supplemented (*bổ sung*): a version
  after the first one approved in the period;
- the plans exercised in the 12 months to ``as_of``: ``Plan.last_exercised_on`` from
  ``queries.exercised_since(as_of)`` to ``as_of`` (the exercises app sets that day;
  sites never reads the exercises);
- the risk assessments made in the period (``assessed_on``) of the sites counted.

``as_of`` is min(``end``, today). The state of a plan as of a past day is judged from
what the plan holds now (its next review day, its "revision required" mark): a plan
keeps no history of those, so a version approved after ``as_of`` that moved its next
review makes a past state look fresher than it was, and ``last_exercised_on`` keeps
only the last exercise. Those figures are exact for the period that ends today or
later; for a past period they are the nearest the records allow (the page says so).

Aggregates only, in a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from vigil.core import clock
from vigil.org.models import Committee
from vigil.org.scope import Viewer
from vigil.sites.models import Freshness, KeySite, Plan, PlanVersion, RiskAssessment
from vigil.sites.queries import RANKS, exercised_since, rank_expression

STATES = tuple(Freshness.values)  # the states in the sites app's order, worst last


@dataclass(frozen=True)
class CategoryCount:
    name: str
    sites: int
    without_plan: int


@dataclass(frozen=True)
class SiteFigures:
    start: dt.date
    end: dt.date
    as_of: dt.date  # min(end, today): the day the states are counted on
    committee_id: int | None
    committee_name: str
    sites_total: int
    by_category: list[CategoryCount]
    plans_total: int
    plans_by_state: dict[str, int]  # every state of ``STATES`` (zeros included)
    sites_without_plan: int
    versions_approved: int
    plans_approved: int
    plans_revised: int
    plans_exercised: int
    exercised_since: dt.date
    assessments: int
    sites_assessed: int
    classification: int = 0
    today: dt.date = field(default_factory=clock.today)

    @property
    def exact(self) -> bool:
        """The states are today's (the period ends today or later)."""
        return self.as_of >= self.today

    def state(self, name: str) -> int:
        return self.plans_by_state.get(name, 0)

    @property
    def plans_current(self) -> int:
        return self.state(Freshness.CURRENT)

    @property
    def plans_review_due(self) -> int:
        return self.state(Freshness.REVIEW_DUE)

    @property
    def plans_not_approved(self) -> int:
        return self.state(Freshness.NOT_APPROVED)

    @property
    def plans_overdue(self) -> int:
        return self.state(Freshness.OVERDUE)

    @property
    def plans_revision_required(self) -> int:
        return self.state(Freshness.REVISION_REQUIRED)


def _in_committee(queryset: QuerySet[Any], committee: Committee | None, prefix: str = "") -> Any:
    if committee is None:
        return queryset
    return queryset.filter(**{f"{prefix}owning_committee__path__startswith": committee.path})


def counted_sites(viewer: Viewer, committee: Committee | None, as_of: dt.date) -> Any:
    """The active key sites counted: seen, of the committees, recorded by ``as_of``."""
    sites = KeySite.objects.visible_to(viewer).filter(archived=False, created_at__date__lte=as_of)
    return _in_committee(sites, committee)


def counted_plans(viewer: Viewer, committee: Committee | None, as_of: dt.date) -> Any:
    plans = Plan.objects.visible_to(viewer).filter(created_at__date__lte=as_of)
    return _in_committee(plans, committee)


def site_figures(
    viewer: Viewer, *, committee: Committee | None, start: dt.date, end: dt.date
) -> SiteFigures:
    """The figures of the period ``start``–``end`` for ``committee`` and the committees
    below it (None: everything the viewer sees)."""
    today = clock.today()
    as_of = min(end, today)
    sites = counted_sites(viewer, committee, as_of)
    covering = Plan.objects.visible_to(viewer).filter(created_at__date__lte=as_of)
    covered = Plan.sites.through.objects.filter(plan_id__in=covering.values("pk")).values(
        "keysite_id"
    )
    categories: list[CategoryCount] = []
    level, total, without = 0, 0, 0
    for row in (
        sites.values("category__name", "category__order")
        .annotate(n=Count("pk"), bare=Count("pk", filter=~Q(pk__in=covered)),
                  c=Max("classification"))
        .order_by("category__order", "category__name")
    ):  # fmt: skip
        categories.append(CategoryCount(row["category__name"], row["n"], row["bare"]))
        total += row["n"]
        without += row["bare"]
        level = max(level, row["c"] or 0)
    plans = counted_plans(viewer, committee, as_of)
    states = dict.fromkeys(STATES, 0)
    by_rank = {rank: state for state, rank in RANKS.items()}
    since = exercised_since(as_of)
    exercised = 0
    for row in (
        plans.annotate(state_rank=rank_expression(as_of))
        .values("state_rank")
        .annotate(n=Count("pk"), c=Max("classification"),
                  exercised=Count("pk", filter=Q(last_exercised_on__gte=since,
                                                 last_exercised_on__lte=as_of)))
        .order_by()
    ):  # fmt: skip
        states[by_rank[row["state_rank"]]] += row["n"]
        level = max(level, row["c"] or 0)
        exercised += row["exercised"]
    versions = _in_committee(
        PlanVersion.objects.visible_to(viewer).filter(approved_on__gte=start, approved_on__lte=end),
        committee, "plan__",
    ).aggregate(
        n=Count("pk"), plans=Count("plan", distinct=True),
        revised=Count("plan", distinct=True, filter=Q(number__gt=1)),
        c=Max("plan__classification"),
    )  # fmt: skip
    level = max(level, versions["c"] or 0)
    assessed = _in_committee(
        RiskAssessment.objects.visible_to(viewer).filter(
            assessed_on__gte=start, assessed_on__lte=end, site__archived=False
        ),
        committee, "site__",
    ).aggregate(n=Count("pk"), sites=Count("site", distinct=True), c=Max("site__classification"))  # fmt: skip
    level = max(level, assessed["c"] or 0)
    return SiteFigures(
        start=start, end=end, as_of=as_of,
        committee_id=committee.pk if committee else None,
        committee_name=committee.name if committee else "",
        sites_total=total, by_category=categories, plans_total=sum(states.values()),
        plans_by_state=states, sites_without_plan=without,
        versions_approved=versions["n"], plans_approved=versions["plans"],
        plans_revised=versions["revised"], plans_exercised=exercised, exercised_since=since,
        assessments=assessed["n"], sites_assessed=assessed["sites"],
        classification=level, today=today,
    )  # fmt: skip


# The figures by key, as the API gives them and the report's section names them.
FIGURE_KEYS = (
    "sites_total", "sites_without_plan", "plans_total", "plans_current", "plans_review_due",
    "plans_not_approved", "plans_overdue", "plans_revision_required", "versions_approved",
    "plans_approved", "plans_revised", "plans_exercised", "assessments", "sites_assessed",
)  # fmt: skip


def as_data(f: SiteFigures) -> dict[str, Any]:
    """The figures as plain data: the API's body, and what the agreement test compares."""
    return {
        "start": f.start, "end": f.end, "as_of": f.as_of, "exact": f.exact,
        "committee": f.committee_id, "classification": f.classification,
        **{key: getattr(f, key) for key in FIGURE_KEYS},
        "exercised_since": f.exercised_since,
        "plans_by_state": [{"key": s, "name": str(Freshness(s).label), "count": f.state(s)}
                           for s in STATES],
        "sites_by_category": [{"name": c.name, "sites": c.sites, "without_plan": c.without_plan}
                              for c in f.by_category],
    }  # fmt: skip
