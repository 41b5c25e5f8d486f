"""Reads of the sites app: the freshness of plans, the site list with its filters,
the risk register. Nothing here writes."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext

from vigil.core import clock
from vigil.core.search import folded_query
from vigil.org.models import Agency
from vigil.org.scope import Viewer, scope_for
from vigil.sites.models import (
    DEFAULT_REVIEW_MONTHS,
    NO_PLAN,
    REVIEW_NOTICE_DAYS,
    Freshness,
    KeySite,
    Plan,
    PlanReviewSetting,
    RiskAssessment,
    SiteCategory,
)

# Worse states rank higher; a site shows the worst of the plans the user sees.
RANKS: dict[str, int] = {
    Freshness.CURRENT: 1,
    Freshness.REVIEW_DUE: 2,
    Freshness.NOT_APPROVED: 3,
    Freshness.OVERDUE: 4,
    Freshness.REVISION_REQUIRED: 5,
}
STATES_BY_RANK = {rank: Freshness(state) for state, rank in RANKS.items()}


def categories_for(user: Viewer) -> QuerySet[SiteCategory]:
    """The site categories offered to ``user``: those every committee has, and those
    added by a committee the user belongs to (a committee-wide role there or above it,
    or an agency of it)."""
    scope = scope_for(user)
    if scope.everything:
        return SiteCategory.objects.all()
    agencies_committees = Agency.objects.filter(
        pk__in=scope.agency_ids, committee__isnull=False
    ).values("committee_id")
    return SiteCategory.objects.filter(
        Q(committee__isnull=True)
        | Q(committee_id__in=scope.committees_below)
        | Q(committee_id__in=agencies_committees)
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def review_cycle_months(committee_id: int) -> int:
    setting = PlanReviewSetting.objects.filter(committee_id=committee_id).first()
    return setting.review_cycle_months if setting else DEFAULT_REVIEW_MONTHS


def freshness(plan: Plan, today: dt.date | None = None) -> Freshness:
    """Current, review due (within 30 days of the review date), overdue (past it),
    revision required (a drill or incident said so), or no approved version yet."""
    day = today or clock.today()
    if plan.revision_required:
        return Freshness.REVISION_REQUIRED
    if plan.in_force_id is None or plan.next_review_on is None:
        return Freshness.NOT_APPROVED
    if day > plan.next_review_on:
        return Freshness.OVERDUE
    if day >= plan.next_review_on - dt.timedelta(days=REVIEW_NOTICE_DAYS):
        return Freshness.REVIEW_DUE
    return Freshness.CURRENT


def rank_expression(today: dt.date, prefix: str = "") -> Case:
    """``freshness`` in SQL, as its rank (the same thresholds, the same order)."""
    return Case(
        When(**{f"{prefix}revision_required": True}, then=Value(RANKS[Freshness.REVISION_REQUIRED])),
        When(Q(**{f"{prefix}in_force__isnull": True}) | Q(**{f"{prefix}next_review_on__isnull": True}),
             then=Value(RANKS[Freshness.NOT_APPROVED])),
        When(**{f"{prefix}next_review_on__lt": today}, then=Value(RANKS[Freshness.OVERDUE])),
        When(**{f"{prefix}next_review_on__lte": today + dt.timedelta(days=REVIEW_NOTICE_DAYS)},
             then=Value(RANKS[Freshness.REVIEW_DUE])),
        default=Value(RANKS[Freshness.CURRENT]),
        output_field=IntegerField(),
    )  # fmt: skip


def plans_with_state(user: Viewer, today: dt.date | None = None) -> QuerySet[Any]:
    day = today or clock.today()
    return Plan.objects.visible_to(user).annotate(state_rank=rank_expression(day))


def state_of(rank: int | None) -> str:
    return STATES_BY_RANK[rank].value if rank else NO_PLAN


def state_label(rank: int | None) -> str:
    if not rank:
        return gettext("No plan")
    return str(STATES_BY_RANK[rank].label)


@dataclass(frozen=True)
class SiteFilters:
    q: str = ""
    category: int | None = None
    commune: int | None = None
    state: str = ""
    archived: bool = False


def annotated_sites(user: Viewer) -> QuerySet[Any]:
    """The sites the user sees, each with the worst state of the plans the user sees
    (``state_rank``, None: no plan) and its latest risk (``latest_risk``)."""
    worst = (
        plans_with_state(user)
        .filter(sites=OuterRef("pk"))
        .order_by("-state_rank")
        .values("state_rank")[:1]
    )
    latest = RiskAssessment.objects.filter(site=OuterRef("pk")).order_by("-assessed_on", "-pk")
    return (
        KeySite.objects.visible_to(user)
        .select_related("category", "commune", "responsible_agency")
        .annotate(
            state_rank=Subquery(worst, output_field=IntegerField()),
            latest_risk=Subquery(latest.values("risk")[:1], output_field=IntegerField()),
        )
    )


def sites_for(user: Viewer, filters: SiteFilters | None = None) -> QuerySet[Any]:
    """The site list: ``annotated_sites`` narrowed by the page's filters."""
    f = filters or SiteFilters()
    sites = annotated_sites(user).filter(archived=f.archived)
    if f.q:
        sites = sites.filter(folded_query("name_folded", f.q))
    if f.category:
        sites = sites.filter(category_id=f.category)
    if f.commune:
        sites = sites.filter(commune_id=f.commune)
    if f.state == NO_PLAN:
        sites = sites.filter(state_rank__isnull=True)
    elif f.state in RANKS:
        sites = sites.filter(state_rank=RANKS[f.state])
    return sites.order_by("name", "pk")


def risk_register(user: Viewer, cell: tuple[int, int] | None = None) -> QuerySet[Any]:
    """Sites with an assessment, highest latest risk first, then the worst plan state;
    ``cell`` (likelihood, consequence) narrows them to one cell of the risk matrix."""
    sites = sites_for(user).filter(latest_risk__isnull=False)
    if cell is not None:
        likelihood, consequence = cell
        sites = with_matrix_position(sites).filter(
            matrix_position__in=[tv * 10 + consequence for tv in range(1, 26)
                                 if likelihood_of(tv) == likelihood]
        )  # fmt: skip
    return sites.order_by("-latest_risk", "-state_rank", "-criticality", "name", "pk")


# --- the 5 × 5 risk matrix

# The upper bound of threat × vulnerability (1–25) for each likelihood 1–5.
LIKELIHOOD_UPPER = (2, 6, 12, 20, 25)
SCALE = range(1, 6)


def likelihood_of(threat_times_vulnerability: int) -> int:
    """Likelihood on the 1–5 scale: the geometric mean of threat and vulnerability,
    √(T × V), rounded (so T = V = k gives k). In integers: T × V up to 2 is 1,
    3–6 is 2, 7–12 is 3, 13–20 is 4, 21–25 is 5."""
    return next(i for i, upper in zip(SCALE, LIKELIHOOD_UPPER, strict=True)
                if threat_times_vulnerability <= upper)  # fmt: skip


def with_matrix_position(sites: QuerySet[Any]) -> QuerySet[Any]:
    """Each site with its latest assessment's threat × vulnerability and consequence in
    one number, ``matrix_position`` = T × V × 10 + C (one correlated subquery, not
    two): ``divmod(position, 10)`` gives them back."""
    latest = RiskAssessment.objects.filter(site=OuterRef("pk")).order_by("-assessed_on", "-pk")
    position = latest.annotate(
        position=F("threat") * F("vulnerability") * 10 + F("consequence")
    ).values("position")[:1]
    placed: QuerySet[Any] = sites.annotate(
        matrix_position=Subquery(position, output_field=IntegerField())
    )
    return placed


def matrix_band(likelihood: int, consequence: int) -> str:
    """The band of a cell by likelihood × consequence (1–25), as a risk officer's
    5 × 5 chart colours it: up to 4 low (green), 5–12 medium (amber), 15 and over
    high (red)."""
    score = likelihood * consequence
    return "low" if score <= 4 else "medium" if score <= 12 else "high"


@dataclass(frozen=True)
class MatrixCell:
    likelihood: int
    consequence: int
    count: int
    band: str


def risk_matrix(user: Viewer) -> list[tuple[int, list[MatrixCell]]]:
    """The 5 × 5 matrix of the register's sites (the same scope, the latest assessment):
    likelihood (threat and vulnerability together) across, consequence down, the
    highest consequence first as on a printed chart, each cell with its count.

    Why these axes: a risk officer reads a 5 × 5 chart as likelihood against impact.
    Threat (is someone going to try) and vulnerability (would they get through) are
    both parts of how likely an attack is to succeed, so they make the likelihood
    together; consequence is the impact. One query."""
    positions = (
        with_matrix_position(sites_for(user))
        .filter(matrix_position__isnull=False)
        .order_by()
        .values_list("matrix_position", flat=True)
    )
    counts = Counter(
        (likelihood_of(tv), consequence)
        for tv, consequence in (divmod(position, 10) for position in positions)
    )
    return [
        (c, [MatrixCell(lk, c, counts[lk, c], matrix_band(lk, c)) for lk in SCALE])
        for c in reversed(SCALE)
    ]


def exercised_since(today: dt.date | None = None) -> dt.date:
    """The first day that counts as "exercised in the last 12 months"."""
    return add_months(today or clock.today(), -12)


def plans_of_site(site: KeySite, user: Viewer) -> QuerySet[Any]:
    return (
        plans_with_state(user)
        .filter(sites=site)
        .select_related("in_force")
        .order_by("code_name", "pk")
    )


# --- panels that later apps add to a site's page (drills, incidents), so sites never
# imports them: each registers a function (site, user) -> a panel dict or None.

PanelFunction = Any
_PANELS: list[PanelFunction] = []


def register_panel(function: PanelFunction) -> None:
    if function not in _PANELS:
        _PANELS.append(function)


def panels_for(site: KeySite, user: Viewer) -> list[dict[str, Any]]:
    """{title, template, context, shown} of each registered panel that has something
    to show; ``shown`` (optional) lists the objects the panel shows, which the site's
    page audits with its own (a classified incident on the panel is a classified read).

    Each registered function must scope its own rows with the viewer it is given
    (``visible_to(user)`` or the like): this function passes ``user`` on and filters
    nothing itself, so an unscoped panel would show the site's page rows the viewer
    may not see."""
    return [panel for function in _PANELS if (panel := function(site, user))]
