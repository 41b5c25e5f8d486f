"""The filtered site list as an .xlsx workbook, through the one safe writer
(``vigil.core.xlsx``: no formula is ever written, a cell starting with = + - @ is
escaped, a classified workbook is stamped). The rows are exactly the list page's
(``queries.sites_for``), and the plans named are only those the user sees.
The first columns are the import template's, so a sheet can be filled from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from vigil.core.xlsx import Sheet, workbook_bytes
from vigil.sites import queries
from vigil.sites.imports import SITES
from vigil.sites.models import KeySite, Plan

CLASSIFICATION_NAMES = {0: "Thường", 1: "Mật", 2: "Tối mật", 3: "Tuyệt mật"}


@dataclass(frozen=True)
class Export:
    sites: list[KeySite]
    data: bytes
    classification: int


def _row(site: Any) -> list[Any]:
    plans = ", ".join(plan.code_name for plan in site.visible_plans)
    return [
        site.name, site.category.code, site.owning_committee.name, site.responsible_agency.name,
        site.owner_name, site.commune.name if site.commune else "", site.address,
        site.latitude, site.longitude, site.criticality,
        CLASSIFICATION_NAMES.get(site.classification, str(site.classification)), site.notes,
        queries.state_label(site.state_rank), site.latest_risk, plans,
    ]  # fmt: skip


def export_sites(user: Any, filters: queries.SiteFilters | None = None) -> Export:
    """The workbook of the sites the user's list shows with these filters."""
    visible_plans = Plan.objects.visible_to(user).order_by("code_name", "pk")
    sites = list(
        queries.sites_for(user, filters)
        .select_related("owning_committee")
        .prefetch_related(Prefetch("plans", queryset=visible_plans, to_attr="visible_plans"))
    )
    level = max([s.classification for s in sites] or [0])
    for site in sites:
        level = max([level, *(p.classification for p in site.visible_plans)])
    headers = [*SITES.headers, _("Plan state"), _("Risk"), _("Plans")]
    sheet = Sheet(SITES.name, headers, [_row(site) for site in sites])
    return Export(sites, workbook_bytes([sheet], classification=level), int(level))


def filename() -> str:
    return "muc-tieu-trong-diem.xlsx"
