"""Helpers shared by work's pages that are work's own: the points a form's formset
names, and the committee a clerk issues for. What every app's pages share (submitting
a form, the attachment block, the audit of a classified read) is in ``vigil.core.pages``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from vigil.org.models import Committee
from vigil.org.scope import get_visible_or_404
from vigil.work import services


def point_specs(points: Any) -> list[services.PointSpec]:
    return [
        services.PointSpec(
            text=p["text"],
            lead=list(p["lead"]),
            supporting=list(p["supporting"]),
            deadline=p["deadline"],
            deadline_working_days=p["deadline_working_days"],
        )
        for p in points.cleaned_data
        if p and p.get("text", "").strip()
    ]


def issuer_committee_or_404(request: HttpRequest, pk: int) -> Committee:
    committee: Committee = get_visible_or_404(Committee.objects, request.user, pk=pk)
    if not services.can_issue(request.user, committee):
        raise PermissionDenied
    return committee
