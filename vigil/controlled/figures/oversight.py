"""Oversight figures of a period: the store inspections held and the discrepancies the
stock counts found, resolved and left open, as a viewer sees them (the scope rule).
The figures page shows them under the ledger's figures; the reports app's section on
weapons, explosives and support tools prints them.

Counted: an inspection by its date in the period; a discrepancy found in the period
by the time of its count; resolved in the period by ``resolved_at`` (local days);
open = found by the end of the period and not resolved by then."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q

from vigil.controlled.counts.models import Discrepancy
from vigil.controlled.figures.queries import period_bounds
from vigil.controlled.inspections.models import Inspection, InspectionResult
from vigil.org.models import Committee
from vigil.org.scope import Viewer


@dataclass(frozen=True)
class Oversight:
    inspections: int
    inspections_with_deficiencies: int
    discrepancies_found: int
    discrepancies_resolved: int
    discrepancies_open: int
    classification: int = 0


def oversight_figures(
    viewer: Viewer,
    *,
    start: dt.date,
    end: dt.date,
    admin_unit: Any = None,
    organisation: Any = None,
    committee: Committee | None = None,
) -> Oversight:
    """The figures of the stores the viewer sees, optionally of one commune (the
    store's administrative unit), one organisation or one committee's tree (the
    stores owned by ``committee`` or a committee below it), as ``period_figures``."""
    since, until = period_bounds(start, end)
    inspections = Inspection.objects.visible_to(viewer).filter(date__gte=start, date__lte=end)
    discrepancies = Discrepancy.objects.visible_to(viewer)
    stores = Q()
    if admin_unit is not None:
        stores &= Q(store__admin_unit_id=getattr(admin_unit, "pk", admin_unit))
    if organisation is not None:
        stores &= Q(store__owning_agency_id=getattr(organisation, "pk", organisation))
    if committee is not None:
        stores &= Q(store__owning_committee__path__startswith=committee.path)
    inspections, discrepancies = inspections.filter(stores), discrepancies.filter(stores)
    i = inspections.aggregate(
        n=Count("pk"),
        bad=Count("pk", filter=~Q(result=InspectionResult.SATISFACTORY)),
        c=Max("classification"),
    )
    found_by_end = Q(count__counted_at__lt=until)
    d = discrepancies.aggregate(
        found=Count("pk", filter=Q(count__counted_at__gte=since) & found_by_end),
        resolved=Count("pk", filter=Q(resolved_at__gte=since, resolved_at__lt=until)),
        open=Count("pk", filter=found_by_end & (Q(resolved_at__isnull=True)
                                                | Q(resolved_at__gte=until))),
        c=Max("classification", filter=found_by_end),
    )  # fmt: skip
    return Oversight(
        inspections=i["n"] or 0, inspections_with_deficiencies=i["bad"] or 0,
        discrepancies_found=d["found"] or 0, discrepancies_resolved=d["resolved"] or 0,
        discrepancies_open=d["open"] or 0,
        classification=max(i["c"] or 0, d["c"] or 0),
    )  # fmt: skip
