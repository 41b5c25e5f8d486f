"""Forms of the alert pages: they validate input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.core import dates
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, Committee
from vigil.org.scope import Viewer
from vigil.sites.forms import classifications_for, communes_for
from vigil.sites.models import KeySite
from vigil.situation.alerts import queries
from vigil.situation.alerts.models import Alert, AlertState, CapScope, CapStatus
from vigil.situation.incidents.models import Incident
from vigil.situation.terms import Certainty, Severity, Urgency

# The CAP fields a draft carries (the lists are apart: they are many-to-many).
TEXT_FIELDS = (
    "event", "event_code", "urgency", "severity", "certainty", "headline", "description",
    "instruction", "headline_en", "description_en", "instruction_en", "expires_at",
    "area_desc", "cap_status", "cap_scope", "classification",
)  # fmt: skip
LIST_FIELDS = ("addressed_agencies", "addressed_committees", "communes", "sites", "incidents")
# A draft's CAP status: "Draft" is CAP's word for a message not for action, not ours.
STATUS_CHOICES = [(s.value, s.label) for s in (CapStatus.ACTUAL, CapStatus.EXERCISE,
                                               CapStatus.TEST)]  # fmt: skip


class AlertFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    state = forms.ChoiceField(
        label=_("Workflow"), required=False, choices=[("", _("Any")), *AlertState.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *queries.STATUS_CHOICES]
    )
    kind = forms.ChoiceField(
        label=_("Real or exercise"), required=False, choices=[("", _("Any")), *queries.KIND_CHOICES]
    )
    awaiting = forms.ChoiceField(
        label=_("Awaiting"), required=False, choices=[("", _("Any")), *queries.AWAITING_CHOICES]
    )

    def filters(self) -> queries.AlertFilters:
        if not self.is_valid():
            return queries.AlertFilters()
        data = self.cleaned_data
        return queries.AlertFilters(
            state=data["state"],
            status=data["status"],
            kind=data["kind"],
            q=data["q"],
            awaiting=data["awaiting"],
        )


def _multiple(queryset: QuerySet[Any], label: Any) -> forms.ModelMultipleChoiceField[Any]:
    return forms.ModelMultipleChoiceField(
        queryset, label=label, required=False, widget=forms.CheckboxSelectMultiple
    )


class AlertForm(forms.Form):
    """A draft alert: its recipients, its area and links, the CAP <info> in Vietnamese
    and English. ``committee`` only when a new draft chooses its committee."""

    committee = forms.ModelChoiceField(Committee.objects.none(), label=_("Committee"))
    cap_status = forms.ChoiceField(
        label=_("Status"), choices=STATUS_CHOICES, initial=CapStatus.ACTUAL,
        help_text=_("Exercise: a drill, marked “DIỄN TẬP” everywhere and never counted."),
    )  # fmt: skip
    cap_scope = forms.ChoiceField(label=_("Scope"), choices=CapScope.choices)
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int, choices=())
    addressed_agencies = _multiple(Agency.objects.none(), _("Agencies to alert"))
    addressed_committees = _multiple(Committee.objects.none(), _("Committees to alert"))
    event = forms.CharField(label=_("Event"), max_length=200)
    event_code = forms.CharField(label=_("Event code"), max_length=40, required=False,
                                 help_text=_("OASIS Event Terms code."))  # fmt: skip
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    certainty = forms.ChoiceField(label=_("Certainty"), choices=Certainty.choices)
    headline = forms.CharField(label=_("Headline"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    instruction = forms.CharField(label=_("Instruction"), required=False, widget=forms.Textarea)
    headline_en = forms.CharField(label=_("Headline (English)"), max_length=300, required=False)
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea
    )
    instruction_en = forms.CharField(
        label=_("Instruction (English)"), required=False, widget=forms.Textarea
    )
    expires_at = dates.DateTimeField(label=_("Expires at"), required=False)
    area_desc = forms.CharField(label=_("Area"), max_length=300, required=False)
    communes = _multiple(AdminUnit.objects.none(), _("Communes"))
    sites = _multiple(KeySite.objects.none(), _("Key sites"))
    incidents = _multiple(Incident.objects.none(), _("Incidents"))

    def __init__(
        self, *args: Any, user: Viewer, committees: QuerySet[Committee] | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if committees is None:
            del self.fields["committee"]
        else:
            self.fields["committee"].queryset = committees  # type: ignore[attr-defined]
            if committees.count() == 1:
                self.fields["committee"].initial = committees.first()
        self.fields["classification"].choices = classifications_for(user)  # type: ignore[attr-defined]
        lists: dict[str, QuerySet[Any]] = {
            "addressed_agencies": Agency.objects.visible_to(user).order_by("name"),
            "addressed_committees": Committee.objects.visible_to(user).order_by("path"),
            "communes": communes_for(user),
            "sites": KeySite.objects.visible_to(user).order_by("name"),
            "incidents": Incident.objects.visible_to(user).order_by("-occurred_at"),
        }
        for name, queryset in lists.items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        nobody = not data.get("addressed_agencies") and not data.get("addressed_committees")
        if nobody and not self.errors:
            raise forms.ValidationError(_("Address the alert to at least one agency or committee."))
        return data


def alert_initial(alert: Alert) -> dict[str, Any]:
    """A draft's (or an original's, for an update) values for the form."""
    initial: dict[str, Any] = {name: getattr(alert, name) for name in TEXT_FIELDS}
    for name in LIST_FIELDS:
        initial[name] = list(getattr(alert, name).values_list("pk", flat=True))
    if initial["cap_status"] == CapStatus.DRAFT:
        initial["cap_status"] = CapStatus.ACTUAL
    return initial


def initial_from_incident(incident: Incident) -> dict[str, Any]:
    """A new draft about ``incident``: its event, grading, area and classification, the
    incident ticked (an exercise incident drafts an exercise alert)."""
    place = (
        incident.place
        or (incident.site.name if incident.site else "")
        or (incident.commune.name if incident.commune else "")
    )
    return {
        "committee": incident.owning_committee_id,
        "cap_status": CapStatus.EXERCISE if incident.is_exercise else CapStatus.ACTUAL,
        "classification": incident.classification,
        "event": incident.get_type_display(),
        "headline": incident.title,
        "urgency": incident.urgency,
        "severity": incident.severity,
        "certainty": incident.certainty,
        "area_desc": place[:300],
        "communes": [incident.commune_id] if incident.commune_id else [],
        "sites": [incident.site_id] if incident.site_id else [],
        "incidents": [incident.pk],
    }


class AcknowledgeForm(forms.Form):
    delivery = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Note (optional)"), max_length=500, required=False,
        help_text=_("For example: received, forces deployed."),
    )  # fmt: skip


class AckCodeForm(forms.Form):
    code = forms.CharField(label=_("Acknowledgement code"), max_length=12)
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Why the alert is cancelled"), max_length=500, required=False,
                           widget=forms.Textarea)  # fmt: skip
