"""The menus in every page's header and the sub-menus of each part, by role.

An item a user cannot use is not shown: a licensed organisation's storekeeper gets no
committee tree, no work and no administrative units; "Tasks issued" is for the
committees that issue tasks. The item of the current page is marked (``aria-current``):
"page" in the sub-menu, and the part of the system it belongs to in the main menu.
Each sub-menu is computed only when a template asks for it (one part's page shows one).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vigil.org.administration.queries import is_administrator
from vigil.org.scope import can_read_audit, committees_with_role, scope_for

# The main menu's part for each page, by URL namespace and name (the first prefix that
# matches wins; org's pages are split between the directory, administration and audit).
SECTIONS: list[tuple[str, str, str]] = [
    ("home", "", "home"),
    ("org", "admin_unit", "admin_units"),
    ("org", "admin_", "admin"),
    ("core", "holiday", "admin"),
    ("core", "polic", "admin"),
    ("org", "audit", "audit"),
    ("org", "committee", "committees"),
    ("org", "", "agencies"),
    ("work", "", "work"),
    ("controlled", "", "explosives"),
    ("situation", "", "situation"),
    ("sites", "site_map", "site_map"),
    ("sites", "", "sites"),
    ("exercises", "", "exercises"),
    ("reports", "", "summary_reports"),
    ("inbox", "", "inbox"),
    ("accounts", "", "account"),
]


@dataclass(frozen=True)
class Item:
    label: str | Promise
    url: str
    current: bool = False


def section_of(request: HttpRequest) -> str:
    match = request.resolver_match
    if match is None:
        return ""
    for namespace, prefix, section in SECTIONS:
        if match.namespace == namespace and match.url_name and match.url_name.startswith(prefix):
            return section
    return ""


def mark_current(
    request: HttpRequest, items: list[tuple[Any, str]], default: str = ""
) -> list[Item]:
    """The sub-menu with the current page marked: the item whose path is this page's and
    whose query parameters this request carries; with several, the most specific. An
    item's ``default`` parameters count as carried when the request names none of them."""
    best, best_score = -1, -1
    for index, (_label, url) in enumerate(items):
        parts = urlsplit(url)
        if parts.path != request.path:
            continue
        wanted = dict(parse_qsl(parts.query))
        given = {k: v for k, v in request.GET.items() if v}
        if default and url == default and not any(k in given for k in wanted):
            given.update(wanted)
        if all(given.get(k) == v for k, v in wanted.items()) and len(wanted) > best_score:
            best, best_score = index, len(wanted)
    return [Item(label, url, index == best) for index, (label, url) in enumerate(items)]


class Menus:
    """What the header and the sub-menus show to ``request.user``."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.user: Any = request.user
        self.section = section_of(request)

    def current(self) -> dict[str, str]:
        """``aria-current`` of each main-menu item: "page" on that page, "true" within it."""
        exact = self.request.path in {reverse("home:index"), reverse("inbox:index")}
        return {self.section: "page" if exact else "true"} if self.section else {}

    @cached_property
    def directory_member(self) -> bool:
        return scope_for(self.user).directory_member

    @cached_property
    def explosives(self) -> bool:
        """The registry's stores are owned by the province's committee: shown to those who
        see a store or keep the registry (not to a commune or the Border Guard)."""
        from vigil.controlled.models import Store
        from vigil.controlled.registry.keepers import may_create_organisations

        return bool(
            Store.objects.visible_to(self.user).exists() or may_create_organisations(self.user)
        )

    @cached_property
    def sites(self) -> bool:
        """Key sites and their map: for those who see a site or keep a committee's sites
        (a committee without sites yet can add its first)."""
        from vigil.sites.models import KeySite

        return bool(
            KeySite.objects.visible_to(self.user).exists()
            or committees_with_role(self.user, "standing_office", "committee_leader")
        )

    @cached_property
    def situation(self) -> bool:
        """The situation picture and the alerts: for members of a committee's directory
        (every committee and agency member); not for a licensed organisation's users."""
        return self.directory_member

    @cached_property
    def issuer(self) -> bool:
        from vigil.work.services import ISSUER_ROLES

        return bool(committees_with_role(self.user, *ISSUER_ROLES))

    @cached_property
    def audit(self) -> bool:
        return can_read_audit(self.user)

    @cached_property
    def work(self) -> list[Item]:
        tasks = reverse("work:task_list")
        mine = tasks + "?view=mine"
        items: list[tuple[Any, str]] = []
        if scope_for(self.user).agency_ids:
            items.append((_("My agency's tasks"), mine))
        if self.issuer:
            items.append((_("Tasks issued"), tasks + "?view=issued"))
        items.append((_("All tasks I can see"), tasks + "?view=all"))
        items += [
            (_("Issued documents"), reverse("work:document_list")),
            (_("Incoming documents"), reverse("work:incoming_list")),
            (_("Meetings"), reverse("work:meeting_list")),
            (_("Work plans"), reverse("work:plan_list")),
            (_("Reports due"), reverse("work:reports_due")),
            (_("Report obligations"), reverse("work:obligation_list")),
            (_("Calendar"), reverse("work:calendar")),
            (_("Scorecard"), reverse("work:scorecard")),
            (_("Work figures"), reverse("work:figures")),
        ]
        # The task list shows "mine" when asked for nothing, if the user has an agency.
        default = mine if scope_for(self.user).agency_ids else tasks + "?view=all"
        return mark_current(self.request, items, default=default)

    @cached_property
    def reports(self) -> list[Item]:
        return mark_current(
            self.request,
            [
                (_("Reports due"), reverse("work:reports_due")),
                (_("Report obligations"), reverse("work:obligation_list")),
            ],
        )

    @cached_property
    def controlled(self) -> list[Item]:
        licences = reverse("controlled:licence_list")
        items: list[tuple[Any, str]] = [
            (_("Organisations"), reverse("controlled:organisation_list")),
            (_("Stores and balances"), reverse("controlled:store_list")),
            (_("Balances"), reverse("controlled:balance_list")),
            (_("Movements"), reverse("controlled:movement_list")),
            (_("Transfers"), reverse("controlled:transfer_list")),
            (_("Blasts"), reverse("controlled:blast_list")),
            (_("Stock counts"), reverse("controlled:count_list")),
            (_("Figures"), reverse("controlled:figures")),
            (_("Licences"), licences),
            (_("Expiring licences"), licences + "?days=60"),
        ]
        return mark_current(self.request, items)

    @cached_property
    def exercises(self) -> list[Item]:
        """Exercises, trainings and their figures (each concept's page, when installed)."""
        items: list[tuple[Any, str]] = []
        for label, name in ((_("Exercises"), "exercises:exercise_list"),
                            (_("Trainings"), "exercises:training_list"),
                            (_("Corrective actions"), "exercises:action_list"),
                            (_("Exercise figures"), "exercises:figures")):  # fmt: skip
            try:
                items.append((label, reverse(name)))
            except NoReverseMatch:
                continue
        return mark_current(self.request, items)

    @cached_property
    def summary_reports(self) -> bool:
        """The summary reports and commendations: for those who see one or may draft a
        committee's reports (the standing office and leaders)."""
        from vigil.reports.commendations.models import Commendation
        from vigil.reports.summaries.models import SummaryReport
        from vigil.reports.summaries.services import KEEPERS

        return bool(
            committees_with_role(self.user, *KEEPERS)
            or SummaryReport.objects.visible_to(self.user).exists()
            or Commendation.objects.visible_to(self.user).exists()
        )

    @cached_property
    def summaries(self) -> list[Item]:
        reports = reverse("reports:report_list")
        items: list[tuple[Any, str]] = [
            (_("All summary reports"), reports),
            (_("Drafts"), reports + "?state=draft"),
            (_("Issued"), reports + "?state=issued"),
            (_("Commendations"), reverse("reports:commendation_list")),
        ]
        return mark_current(self.request, items)

    @cached_property
    def admin(self) -> list[Item]:
        items: list[tuple[Any, str]] = []
        if is_administrator(self.user):
            items += [
                (_("Committees"), reverse("org:admin_index")),
                (_("Agencies"), reverse("org:admin_agency_list")),
                (_("Users"), reverse("org:admin_user_list")),
            ]
        items.append((_("Clearance requests"), reverse("org:admin_clearance_list")))
        items.append((_("Role requests"), reverse("org:admin_role_request_list")))
        if is_administrator(self.user):
            items.append((_("Import from .xlsx"), reverse("org:admin_import")))
        return mark_current(self.request, items)


def menus(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    found = Menus(request)
    return {"menus": found, "nav_current": found.current()}
