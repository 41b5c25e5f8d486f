"""The figures page: a year and a committee, the figures, a chart, the .xlsx. Thin: the
form parses, ``queries.exercise_figures`` computes (through the scope rule)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.core import clock
from vigil.core.pages import acting
from vigil.core.xlsx import xlsx_response
from vigil.exercises.figures import exports
from vigil.exercises.figures.forms import FiguresForm, committees_for
from vigil.exercises.figures.queries import ExerciseFigures, exercise_figures


def _figures(request: HttpRequest) -> tuple[FiguresForm, ExerciseFigures, bool]:
    form = FiguresForm(
        request.GET or None, committees=committees_for(request.user),
        initial={"year": clock.today().year},  # the year shown when none is asked for
    )  # fmt: skip
    valid = not form.is_bound or form.is_valid()
    data = form.cleaned_data if form.is_bound and valid else {}
    year = data.get("year") or clock.today().year
    figures = exercise_figures(request.user, year, committee=data.get("committee"))
    return form, figures, valid


def _page(
    request: HttpRequest, form: FiguresForm, figures: ExerciseFigures, valid: bool
) -> HttpResponse:
    return render(
        request, "exercises/figures.html",
        {
            "form": form, "figures": figures, "invalid": not valid,
            "lines": exports.figure_rows(figures), "types": exports.type_rows(figures),
            "statuses": exports.status_rows(figures), "chart": exports.chart(figures),
            "xlsx_query": request.GET.urlencode(), "page_stamp": exports.stamp(figures),
        },
    )  # fmt: skip


def figures_page(request: HttpRequest) -> HttpResponse:
    form, figures, valid = _figures(request)
    exports.record_view(acting(request), figures, path=request.get_full_path())
    return _page(request, form, figures, valid)


def figures_xlsx(request: HttpRequest) -> HttpResponse:
    form, figures, valid = _figures(request)
    if not valid:  # the page says what is wrong
        return _page(request, form, figures, valid)
    exports.record_view(acting(request), figures, path=request.get_full_path())
    return xlsx_response(
        exports.filename(figures), exports.figures_sheets(figures),
        classification=figures.classification,
    )  # fmt: skip
