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

from django.db.models import Count, Max, Q

from vigil.controlled.counts.models import Discrepancy
from vigil.controlled.figures.queries import period_bounds
from vigil.controlled.inspections.models import Inspection, InspectionResult
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
    viewer: Viewer, *, start: dt.date, end: dt.date, admin_unit: int | None = None
) -> Oversight:
    since, until = period_bounds(start, end)
    inspections = Inspection.objects.visible_to(viewer).filter(date__gte=start, date__lte=end)
    discrepancies = Discrepancy.objects.visible_to(viewer)
    if admin_unit is not None:
        inspections = inspections.filter(store__admin_unit_id=admin_unit)
        discrepancies = discrepancies.filter(store__admin_unit_id=admin_unit)
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
