"""The work figures page: a committee, a year or part of it, the figures. Thin: the form
parses, ``queries.work_figures`` computes (through the scope rule), the same function the
summary report's sections and the API call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from vigil.core import audit, clock
from vigil.core.pages import acting
from vigil.org.models import Committee
from vigil.work.figures.forms import FiguresForm, committees_for, default_committee, span
from vigil.work.figures.queries import WorkFigures, work_figures
from vigil.work.models import TYPE_NAMES, Meeting


def choose(user: Any, data: dict[str, Any]) -> tuple[Committee | None, int, str, dt.date, dt.date]:
    """The committee (the user's by default), the year (this one), the part, its days."""
    year = data.get("year") or clock.today().year
    part = data.get("part") or ""
    committee = data.get("committee") or default_committee(user, committees_for(user))
    start, end = span(year, part)
    return committee, year, part, start, end


def record_view(user: Any, figures: WorkFigures, *, path: str) -> None:
    """One audit event for figures counted from classified objects; nothing otherwise."""
    if not figures.classification:
        return
    with transaction.atomic():
        audit.record(
            audit.CoreAction.OBJECT_VIEWED, actor=user, object_type="page",
            object_id=path[:64], classification=figures.classification,
            committee_id=figures.committee_id, after={"path": path},
        )  # fmt: skip


def lines(f: WorkFigures) -> list[tuple[str, Any]]:
    """The page's figures, in the reader's language."""
    kinds = dict(Meeting.Kind.choices)
    median = f.ack_median_hours
    return [
        (_("Documents issued"), f.documents_issued),
        *[(TYPE_NAMES.get(t) or t, n) for t, n in sorted(f.documents_by_type.items())],
        (_("Meetings held"), f.meetings),
        *[(str(kinds.get(k, k)), n) for k, n in sorted(f.meetings_by_kind.items())],
        (_("Meeting conclusions"), f.conclusion_points),
        (_("Work plans of the year"), len(f.plans)),
        (_("Tasks assigned"), f.total("assigned")),
        (_("Done on time"), f.total("on_time")),
        (_("Done late"), f.total("late")),
        (_("Reported done, awaiting acceptance"), f.total("awaiting")),
        (_("Open"), f.total("open")),
        (_("Overdue"), f.total("overdue")),
        (_("Median hours to acknowledge"), "" if median is None else median),
        (_("Incoming documents received"), f.incoming_received),
        (_("Documents sent to agencies"), f.documents_sent),
        (_("Documents exchanged"), f.documents_exchanged),
        (_("Reports expected"), f.reports_expected),
        (_("Reports on time"), f.reports_on_time),
        (_("Reports late"), f.reports_late),
        (_("Reports not submitted"), f.reports_missing),
    ]


def figures_page(request: HttpRequest) -> HttpResponse:
    committees = committees_for(request.user)
    form = FiguresForm(
        request.GET or None, committees=committees, initial={"year": clock.today().year}
    )
    valid = not form.is_bound or form.is_valid()
    data = form.cleaned_data if form.is_bound and valid else {}
    committee, year, part, start, end = choose(request.user, data)
    figures = None
    if committee is not None:
        figures = work_figures(request.user, committee=committee, start=start, end=end)
        record_view(acting(request), figures, path=request.get_full_path())
    return render(
        request, "work/figures.html",
        {"form": form, "invalid": not valid, "figures": figures, "year": year, "part": part,
         "lines": lines(figures) if figures else []},
    )  # fmt: skip
