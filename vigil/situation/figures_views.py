"""The figures page of incidents and alerts (``/situation/figures/``; its API is
``figures_api.py``): a year or a part of it, a committee. Thin: the form parses, ``figures.situation_figures`` computes through the scope rule,
as the reports app's sections do. Aggregates only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.core import clock
from vigil.core.classification import STAMPS, Classification
from vigil.core.pages import acting
from vigil.org import figure_periods
from vigil.org.figure_periods import PeriodForm, committees_for
from vigil.situation.figures import SituationFigures, as_data, situation_figures


def _stamp(f: SituationFigures) -> str:
    return STAMPS[Classification(f.classification)] if f.classification else ""


def chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Real incidents by type as horizontal bars (inline SVG drawn by the template)."""
    shown = [row for row in rows if row["count"]]
    widest = max([row["count"] for row in shown] + [1])
    bars = [{"label": row["name"], "value": row["count"],
             "width": round(300 * row["count"] / widest), "y": 8 + 22 * i}
            for i, row in enumerate(shown)]  # fmt: skip
    return {"bars": bars, "width": 560, "height": 16 + 22 * len(bars), "label_width": 220}


def figures_page(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None, committees=committees_for(request.user))
    asked = form.asked(clock.today().year)
    figures = situation_figures(request.user, committee=asked.committee, start=asked.start,
                                end=asked.end)  # fmt: skip
    figure_periods.record_view(acting(request), asked, figures.classification,
                               path=request.get_full_path())  # fmt: skip
    data = as_data(figures)
    context = {
        "form": form, "figures": figures, "asked": asked,
        "types": data["incidents_by_type"], "states": data["incidents_by_state"],
        "msg_types": data["alerts_by_msg_type"], "chart": chart(data["incidents_by_type"]),
        "page_stamp": _stamp(figures),
    }  # fmt: skip
    return render(request, "situation/figures.html", context)
