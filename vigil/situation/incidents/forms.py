"""Forms of the incident pages: they validate input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.core import dates
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, Committee
from vigil.sites.forms import classifications_for, communes_for
from vigil.sites.models import KeySite
from vigil.situation.incidents.models import Incident, IncidentState, IncidentType
from vigil.situation.incidents.queries import EXERCISE, REAL
from vigil.situation.terms import Certainty, Severity, Urgency

COUNT_HELP = _("People are counted, never named.")


class IncidentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search (diacritics optional)"), max_length=100, required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False,
        choices=[("", _("Any state")), *IncidentState.choices],
    )  # fmt: skip
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *IncidentType.choices]
    )
    committee = forms.ModelChoiceField(
        Committee.objects.none(), label=_("Committee"), required=False,
        empty_label=_("Any committee"),
    )  # fmt: skip
    kind = forms.ChoiceField(
        label=_("Exercise or real"), required=False,
        choices=[("", _("Both")), (REAL, _("Real only")), (EXERCISE, _("Exercises only"))],
    )  # fmt: skip
    open_only = forms.BooleanField(label=_("Open only"), required=False)

    def __init__(self, *args: Any, committees: QuerySet[Committee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees  # type: ignore[attr-defined]


class IncidentForm(forms.Form):
    """The report form (with ``committee``, ``reporting_agency`` and ``is_exercise``)
    and the edit form (without them)."""

    committee = forms.ModelChoiceField(Committee.objects.none(), label=_("Committee"))
    reporting_agency = forms.ModelChoiceField(
        Agency.objects.none(), label=_("Reporting agency"), required=False,
        help_text=_("Leave empty when you belong to one agency only."),
    )  # fmt: skip
    title = forms.CharField(label=_("Title"), max_length=300)
    type = forms.ChoiceField(label=_("Type"), choices=IncidentType.choices)
    occurred_at = dates.DateTimeField(label=_("Occurred at"), help_text=_("dd/mm/yyyy hh:mm"))
    description = forms.CharField(label=_("What happened"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices,
                                 initial=Severity.UNKNOWN)  # fmt: skip
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices,
                                initial=Urgency.UNKNOWN)  # fmt: skip
    certainty = forms.ChoiceField(label=_("Certainty"), choices=Certainty.choices,
                                  initial=Certainty.UNKNOWN)  # fmt: skip
    site = forms.ModelChoiceField(KeySite.objects.none(), label=_("Key site"), required=False)
    commune = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Commune"), required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=12,
                                  decimal_places=8)  # fmt: skip
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=12,
                                   decimal_places=8)  # fmt: skip
    dead = forms.IntegerField(label=_("Dead"), min_value=0, initial=0, help_text=COUNT_HELP)
    injured = forms.IntegerField(label=_("Injured"), min_value=0, initial=0)
    evacuated = forms.IntegerField(label=_("Evacuated"), min_value=0, initial=0)
    forces = forms.CharField(label=_("Forces deployed"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    measures = forms.CharField(label=_("Measures taken"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    involved_agencies = forms.ModelMultipleChoiceField(
        Agency.objects.none(), label=_("Agencies involved"), required=False
    )
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int, initial=0)
    is_exercise = forms.BooleanField(label=_("Exercise (DIỄN TẬP)"), required=False)

    def __init__(
        self,
        *args: Any,
        user: Any,
        committees: QuerySet[Committee] | None,
        agencies: QuerySet[Agency] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if committees is None:  # editing: committee, agency and exercise stay as reported
            for name in ("committee", "reporting_agency", "is_exercise"):
                del self.fields[name]
        else:
            self.fields["committee"].queryset = committees  # type: ignore[attr-defined]
            self.fields["reporting_agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["site"].queryset = KeySite.objects.visible_to(user).filter(archived=False)  # type: ignore[attr-defined]
        self.fields["commune"].queryset = communes_for(user)  # type: ignore[attr-defined]
        self.fields["involved_agencies"].queryset = Agency.objects.visible_to(  # type: ignore[attr-defined]
            user
        ).exclude(kind=Agency.Kind.LICENSED_ORGANISATION)
        self.fields["classification"].choices = classifications_for(user)  # type: ignore[attr-defined]


EDIT_FIELDS = (
    "title", "type", "occurred_at", "description", "severity", "urgency", "certainty", "site",
    "commune", "place", "latitude", "longitude", "dead", "injured", "evacuated", "forces",
    "measures", "classification",
)  # fmt: skip


def incident_initial(incident: Incident) -> dict[str, Any]:
    initial = {name: getattr(incident, name) for name in EDIT_FIELDS}
    initial["involved_agencies"] = list(incident.involved_agencies.values_list("pk", flat=True))
    return initial


class MoveForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class UpdateForm(forms.Form):
    text = forms.CharField(label=_("What is new"), widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("File"), required=False)
