"""The work figures page: a committee, a year or part of it, the figures. Thin: the form
parses, ``queries.work_figures`` computes (through the scope rule), the same function the
summary report's sections and the API call."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from vigil.core import clock
from vigil.core.pages import acting
from vigil.org import figure_periods
from vigil.org.figure_periods import committees_for
from vigil.work.figures.forms import WorkPeriodForm, with_committee
from vigil.work.figures.queries import WorkFigures, work_figures
from vigil.work.models import TYPE_NAMES, Meeting


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
    today = clock.today()
    form = WorkPeriodForm(
        request.GET or None, committees=committees_for(request.user), initial={"year": today.year}
    )
    asked = with_committee(request.user, form.asked(today.year))
    figures = None
    if asked.committee is not None:
        figures = work_figures(request.user, committee=asked.committee, start=asked.start,
                               end=asked.end)  # fmt: skip
        figure_periods.record_view(acting(request), asked, figures.classification,
                                   path=request.get_full_path())  # fmt: skip
    return render(
        request, "work/figures.html",
        {"form": form, "invalid": form.is_bound and not form.is_valid(), "figures": figures,
         "asked": asked, "lines": lines(figures) if figures else []},
    )  # fmt: skip
