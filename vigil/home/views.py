"""The home page: a morning briefing of what this user must act on.

Each app's ``summary_for(user)`` gives a panel of figures that link to exactly the
filtered list they count; panels are ordered by the user's roles (leader, standing
office, agency officer, commune, storekeeper, auditor, administrator) and a panel with
nothing for this user is left out.

A panel: ``{title, items, roles}``, optionally ``status`` (lines such as the audit
chains' last verification: ``{label, run, url, urgency}``) and the duty keys. An item:
``{label, value, url, urgency}``; ``measure`` ("percent", "score") marks a value that is
not a count (shown with its unit, not news by itself); ``counts`` names what a figure
counts when its link is not a list of exactly those rows ("stores", "capacity",
"late_units", "top_risk"), for the test that checks every figure against its page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.controlled.summary import summary_for as controlled_summary
from vigil.core import clock
from vigil.exercises.summary import summary_for as exercises_summary
from vigil.org.audit.summary import summary_for as audit_summary
from vigil.org.models import Committee
from vigil.org.scope import Role, primary_membership, scope_for
from vigil.org.summary import administration_for
from vigil.org.summary import summary_for as on_duty_for
from vigil.reports.summary import summary_for as summary_reports_summary
from vigil.sites.summary import summary_for as sites_summary
from vigil.situation.summary import summary_for as situation_summary
from vigil.work.obligations.summary import summary_for as reports_summary
from vigil.work.summary import summary_for as work_summary

# Each installed app's summary_for(user); the order among panels of equal rank.
SUMMARIES: list[Callable[[Any], dict[str, Any]]] = [
    situation_summary, work_summary, reports_summary, sites_summary, on_duty_for, controlled_summary,
    audit_summary, administration_for,
    exercises_summary, summary_reports_summary,
]  # fmt: skip
# The briefing keys: the roles, and "commune" (a committee-wide role in a commune's committee).
ROLE_ORDER = (
    Role.COMMITTEE_LEADER, Role.STANDING_OFFICE, Role.OFFICER, "commune", Role.STOREKEEPER,
    Role.AUDITOR, Role.ADMINISTRATOR,
)  # fmt: skip


def role_keys(user: Any) -> list[str]:
    """The user's roles in briefing order; a committee-wide role in a commune's committee
    is "commune", an agency head reads what an officer reads."""
    roles = scope_for(user).roles
    communes = set(
        Committee.objects.filter(
            pk__in={c for _r, _a, c, _p in roles if c}, level=Committee.Level.COMMUNE
        ).values_list("pk", flat=True)
    )
    held = {
        "commune" if committee in communes else Role.OFFICER if role == Role.AGENCY_HEAD else role
        for role, _agency, committee, _path in roles
    }
    return [key for key in ROLE_ORDER if key in held]


def ordered(panels: list[dict[str, Any]], keys: list[str]) -> list[dict[str, Any]]:
    def rank(panel: dict[str, Any]) -> int:
        return min((keys.index(r) for r in panel["roles"] if r in keys), default=len(keys))

    return sorted(panels, key=rank)  # stable: equal ranks keep SUMMARIES' order


def heading_for(user: Any) -> str:
    """The user's committee (committee-wide roles) or agency (agency roles)."""
    primary = primary_membership(user)
    if primary is None:
        return ""
    return str(primary.committee.name if primary.committee else primary.agency.name)


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    keys = role_keys(user)
    panels = [summary(user) for summary in SUMMARIES]
    # A panel for none of the user's roles shows only when something in it waits: a
    # count that is not zero (a measure, a percent or a score, is not news by itself).
    shown = [
        p
        for p in panels
        if (p["items"] or p.get("duty_agencies") or p.get("status"))
        and (
            set(p["roles"]) & set(keys)
            or any(i["value"] for i in p["items"] if not i.get("measure"))
        )
    ]
    return render(
        request,
        "home/index.html",
        {"panels": ordered(shown, keys), "heading": heading_for(user), "today": clock.today()},
    )
