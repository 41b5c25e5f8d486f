"""The figures page of key sites and plans (``/sites/figures/``; its API is
``figures_api.py``): a year or a part of it, a committee. Thin: the form parses, ``figures.site_figures`` computes through the scope rule, as the
reports app's section does."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.core import clock
from vigil.core.classification import STAMPS, Classification
from vigil.core.pages import acting
from vigil.org import figure_periods
from vigil.org.figure_periods import PeriodForm, committees_for
from vigil.sites.figures import STATES, SiteFigures, as_data, site_figures
from vigil.sites.models import Freshness


def _stamp(f: SiteFigures) -> str:
    return STAMPS[Classification(f.classification)] if f.classification else ""


def chart(f: SiteFigures) -> dict[str, Any]:
    """Plans by state as horizontal bars (inline SVG drawn by the template)."""
    widest = max([f.state(s) for s in STATES] + [1])
    bars = [
        {"label": str(Freshness(s).label), "value": f.state(s), "tone": s,
         "width": round(300 * f.state(s) / widest), "y": 8 + 22 * i}
        for i, s in enumerate(STATES)
    ]  # fmt: skip
    return {"bars": bars, "width": 560, "height": 16 + 22 * len(bars), "label_width": 200}


def figures_page(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None, committees=committees_for(request.user))
    asked = form.asked(clock.today().year)
    figures = site_figures(request.user, committee=asked.committee, start=asked.start,
                           end=asked.end)  # fmt: skip
    figure_periods.record_view(acting(request), asked, figures.classification,
                               path=request.get_full_path())  # fmt: skip
    data = as_data(figures)
    context = {
        "form": form, "figures": figures, "asked": asked,
        "invalid": form.is_bound and not form.is_valid(),
        "states": data["plans_by_state"], "chart": chart(figures),
        "page_stamp": _stamp(figures),
    }  # fmt: skip
    return render(request, "sites/figures.html", context)
