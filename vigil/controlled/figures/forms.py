"""The figures page's choice of period, filters and grouping: shape only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.controlled.figures.queries import GROUPS, half_year_period, year_period
from vigil.core import clock, dates
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, Committee

HALVES = [("", _("Whole year")), ("1", _("First half (January–June)")),
          ("2", _("Second half (July–December)"))]  # fmt: skip
LONGEST = 366 * 10  # days: ten years at most on one page


class FiguresForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100, required=False)
    half = forms.ChoiceField(label=_("Half-year"), choices=HALVES, required=False)
    start = dates.DateField(label=_("From date"), required=False)
    end = dates.DateField(label=_("To date"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Agency.objects.none(), required=False
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=AdminUnit.objects.none(), required=False
    )
    committee = forms.ModelChoiceField(
        label=_("Committee (its stores and those of the committees below it)"),
        queryset=Committee.objects.none(), required=False,
    )  # fmt: skip
    group = forms.ChoiceField(
        label=_("Figures by"), choices=[(k, v) for k, v in GROUPS.items()], required=False
    )

    def __init__(
        self, *args: Any, organisations: QuerySet[Agency], communes: QuerySet[AdminUnit],
        committees: QuerySet[Committee] | None = None, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        org: Any = self.fields["organisation"]
        org.queryset = organisations
        unit: Any = self.fields["commune"]
        unit.queryset = communes
        tree: Any = self.fields["committee"]
        tree.queryset = committees if committees is not None else Committee.objects.none()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start or end:
            if not (start and end):
                raise forms.ValidationError(_("Give both dates, or a year."))
        else:
            year = data.get("year") or clock.today().year
            half = data.get("half")
            start, end = half_year_period(year, int(half)) if half else year_period(year)
        if end < start:
            raise forms.ValidationError(_("The end date is before the start date."))
        if (end - start).days > LONGEST:
            raise forms.ValidationError(_("Choose a period of at most ten years."))
        data["period"] = (start, end)
        data["group"] = data.get("group") or "organisation"
        return data


def default_period() -> tuple[dt.date, dt.date]:
    return year_period(clock.today().year)
