"""The sites figures for the home page: plans overdue or to be revised, reviews due
soon, sites without a plan, and the highest risk. Each links to the list it counts."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigil.org.scope import Role, Viewer
from vigil.sites import queries
from vigil.sites.models import NO_PLAN, Freshness


def summary_for(user: Viewer) -> dict[str, Any]:
    sites = queries.sites_for(user)
    if not sites.exists():
        return {"title": _("Key sites and plans"), "items": [], "roles": ()}
    url = reverse("sites:site_list")
    counts = dict.fromkeys(queries.RANKS.values(), 0)
    no_plan = 0
    for rank in sites.values_list("state_rank", flat=True):
        if rank:
            counts[rank] += 1
        else:
            no_plan += 1
    top = queries.risk_register(user).values_list("latest_risk", flat=True).first()
    r = queries.RANKS
    return {
        "title": _("Key sites and plans"),
        "items": [
            {"label": _("sites whose plan is overdue"), "value": counts[r[Freshness.OVERDUE]],
             "url": f"{url}?state={Freshness.OVERDUE}", "urgency": "overdue"},
            {"label": _("sites whose plan must be revised"),
             "value": counts[r[Freshness.REVISION_REQUIRED]],
             "url": f"{url}?state={Freshness.REVISION_REQUIRED}", "urgency": "overdue"},
            {"label": _("plan reviews due within 30 days"),
             "value": counts[r[Freshness.REVIEW_DUE]],
             "url": f"{url}?state={Freshness.REVIEW_DUE}", "urgency": "waiting"},
            {"label": _("sites without a plan"), "value": no_plan,
             "url": f"{url}?state={NO_PLAN}"},
            {"label": _("highest risk in the register"), "value": top or 0,
             "url": reverse("sites:risk_register"), "counts": "top_risk",
             "measure": "score"},
        ],
        "roles": (Role.COMMITTEE_LEADER, Role.STANDING_OFFICE, Role.OFFICER, "commune"),
    }  # fmt: skip
