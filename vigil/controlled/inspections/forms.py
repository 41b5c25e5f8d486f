"""The form of a store inspection: shape only; the service decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.controlled.inspections.models import InspectionResult
from vigil.core import dates
from vigil.org.models import Agency


class InspectionForm(forms.Form):
    date = dates.DateField(label=_("Inspection date"))
    inspecting_agency = forms.ModelChoiceField(
        label=_("Inspecting agency"),
        queryset=Agency.objects.filter(committee__isnull=False).order_by("name"),
    )
    result = forms.ChoiceField(label=_("Result"), choices=InspectionResult.choices)
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_due = dates.DateField(label=_("Next inspection due"), required=False)
