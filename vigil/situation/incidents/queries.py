"""Reads of incidents: the list with its filters, an incident's timeline, the
incidents at a key site (a panel on the site's page). Nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.core import attachments
from vigil.core.models import Attachment
from vigil.core.search import folded_query
from vigil.org.scope import Viewer
from vigil.situation.incidents.models import OPEN_STATES, Incident, TimelineEntry

EXERCISE, REAL = "exercise", "real"


@dataclass(frozen=True)
class IncidentFilters:
    q: str = ""
    state: str = ""
    type: str = ""
    committee: int | None = None
    kind: str = ""  # "exercise", "real" or "" (both)
    open_only: bool = False


def incidents_for(user: Viewer, filters: IncidentFilters | None = None) -> QuerySet[Incident]:
    """The incidents ``user`` sees, narrowed by the list's filters, latest first."""
    f = filters or IncidentFilters()
    rows = Incident.objects.visible_to(user).select_related(
        "owning_committee", "reporting_agency", "site", "commune"
    )
    if f.q:
        rows = rows.filter(folded_query("text_folded", f.q))
    if f.state:
        rows = rows.filter(state=f.state)
    if f.type:
        rows = rows.filter(type=f.type)
    if f.committee:
        rows = rows.filter(owning_committee_id=f.committee)
    if f.kind == EXERCISE:
        rows = rows.filter(is_exercise=True)
    elif f.kind == REAL:
        rows = rows.filter(is_exercise=False)
    if f.open_only:
        rows = rows.filter(state__in=OPEN_STATES)
    return rows.order_by("-occurred_at", "-pk")


@dataclass(frozen=True)
class TimelineRow:
    at: dt.datetime
    kind: str  # "event" or "update"
    item: Any
    files: list[Any]


def timeline(incident: Incident, user: Viewer) -> list[TimelineRow]:
    """The incident's moves (``IncidentEvent``) and situation updates (``TimelineEntry``
    with the files the user may see), oldest first. The caller has found the incident
    in the user's scope."""
    rows = [TimelineRow(e.at, "event", e, []) for e in incident.events.select_related("actor")]
    entries = list(TimelineEntry.objects.filter(incident=incident).select_related("agency"))
    files = entry_files(entries, user)
    rows += [TimelineRow(e.at, "update", e, files.get(e.pk, [])) for e in entries]
    rows.sort(key=lambda r: (r.at, r.kind != "event"))
    return rows


def entry_files(entries: list[TimelineEntry], user: Viewer) -> dict[int, list[Any]]:
    """The files of each entry the user may see (one query for all of them)."""
    if not entries:
        return {}
    ct = ContentType.objects.get_for_model(TimelineEntry)
    found: dict[int, list[Any]] = {}
    for a in Attachment.objects.filter(
        parent_type=ct, parent_id__in=[e.pk for e in entries],
        classification__lte=attachments.clearance_of(user),
    ).order_by("uploaded_at", "pk"):  # fmt: skip
        found.setdefault(a.parent_id, []).append(a)
    return found


def incidents_at(site: Any, user: Viewer) -> QuerySet[Incident]:
    """The incidents at a key site that ``user`` sees, latest first."""
    return incidents_for(user).filter(site=site)


def site_panel(site: Any, user: Viewer) -> dict[str, Any] | None:
    """The "Incidents" panel of a key site's page (``vigil.sites.queries.register_panel``).

    Only incidents classified no higher than the site: the site's page is stamped by
    the site's classification, so a more classified incident is left to the incident
    list. The rows go back as ``shown``: the site's page audits them with its own."""
    rows = list(incidents_at(site, user).filter(classification__lte=site.classification)[:20])
    if not rows:
        return None
    return {"title": _("Incidents"), "template": "situation/incidents/_site_panel.html",
            "context": {"incidents": rows}, "shown": rows}  # fmt: skip
