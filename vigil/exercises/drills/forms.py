"""Forms of the exercise pages: they validate input; the services write.

Participating agencies and objectives are repeated rows (formsets): a row left empty is
skipped. People are counted, never named."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.core import dates
from vigil.core.models import AdminUnit
from vigil.exercises.drills.models import Capability, Exercise, ExerciseStatus, ExerciseType
from vigil.exercises.drills.services import PLANNING_ONLY, ObjectiveSpec, ParticipantSpec
from vigil.org.models import Agency, Committee
from vigil.sites.forms import classifications_for, communes_for
from vigil.sites.models import KeySite, Plan

COUNT_HELP = _("People are counted, never named.")


class ExerciseFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *ExerciseType.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Any status")), *ExerciseStatus.choices],
    )  # fmt: skip
    committee = forms.ModelChoiceField(
        Committee.objects.none(), label=_("Committee"), required=False,
        empty_label=_("Any committee"),
    )  # fmt: skip
    plan = forms.ModelChoiceField(
        Plan.objects.none(), label=_("Plan tested"), required=False, empty_label=_("Any plan")
    )
    site = forms.ModelChoiceField(
        KeySite.objects.none(), label=_("Key site"), required=False, empty_label=_("Any site")
    )

    def __init__(
        self,
        *args: Any,
        years: list[int],
        committees: QuerySet[Committee],
        plans: QuerySet[Plan],
        sites: QuerySet[KeySite],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Any year")), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]
        self.fields["committee"].queryset = committees  # type: ignore[attr-defined]
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]


class ExerciseForm(forms.Form):
    """The new exercise form, and the edit form (without the organising agency; what an
    exercise tests and when only while it is planned)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=ExerciseType.choices)
    name = forms.CharField(label=_("Name"), max_length=300)
    scenario = forms.CharField(label=_("Scenario"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    starts_on = dates.DateField(label=_("Starts on"))
    ends_on = dates.DateField(label=_("Ends on"))
    site = forms.ModelChoiceField(KeySite.objects.none(), label=_("Key site"), required=False,
                                  help_text=_("Where it takes place: a key site, or a commune."))  # fmt: skip
    commune = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Commune"), required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    plans = forms.ModelMultipleChoiceField(Plan.objects.none(), label=_("Plans tested"),
                                           required=False)  # fmt: skip
    sites = forms.ModelMultipleChoiceField(KeySite.objects.none(), label=_("Sites tested"),
                                           required=False)  # fmt: skip
    organising_agency = forms.ModelChoiceField(
        Agency.objects.none(), label=_("Organising agency"), required=False,
        help_text=_("Leave empty for the committee's standing agency."),
    )  # fmt: skip
    summary = forms.CharField(label=_("Summary of the after-action report"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int, initial=0)

    def __init__(
        self,
        *args: Any,
        user: Any,
        committee: Committee,
        plans: QuerySet[Plan],
        sites: QuerySet[KeySite],
        agencies: QuerySet[Agency],
        exercise: Exercise | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["sites"].queryset = sites  # type: ignore[attr-defined]
        self.fields["plans"].queryset = plans  # type: ignore[attr-defined]
        self.fields["commune"].queryset = communes_for(user)  # type: ignore[attr-defined]
        self.fields["organising_agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["classification"].choices = classifications_for(user)  # type: ignore[attr-defined]
        if exercise is None:
            del self.fields["version"], self.fields["summary"]
            return
        del self.fields["organising_agency"]
        if exercise.status != ExerciseStatus.PLANNED:
            for name in PLANNING_ONLY - {"participants"}:
                self.fields.pop(name, None)


def exercise_initial(exercise: Exercise) -> dict[str, Any]:
    names = ("type", "name", "scenario", "starts_on", "ends_on", "site", "commune", "place",
             "summary", "classification", "version")  # fmt: skip
    initial = {name: getattr(exercise, name) for name in names}
    initial["plans"] = list(exercise.plans.values_list("pk", flat=True))
    initial["sites"] = list(exercise.sites.values_list("pk", flat=True))
    return initial


class ParticipantForm(forms.Form):
    agency = forms.ModelChoiceField(Agency.objects.none(), label=_("Agency"), required=False)
    people = forms.IntegerField(label=_("Participants"), required=False, initial=0,
                                help_text=COUNT_HELP)  # fmt: skip
    equipment = forms.IntegerField(label=_("Equipment (vehicles, devices)"), required=False,
                                   initial=0)  # fmt: skip

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        counted = data.get("people") not in (None, 0) or data.get("equipment") not in (None, 0)
        if data.get("agency") is None and counted:
            self.add_error("agency", _("Choose the agency these counts are for."))
        return data


# Built with ``form_kwargs={"agencies": …}``: the agencies the committee's rows offer.
ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=4, max_num=60)


def participant_specs(formset: Any) -> list[ParticipantSpec]:
    """The rows that name an agency (the service checks the counts and the tree)."""
    return [
        ParticipantSpec(data["agency"], data.get("people") or 0, data.get("equipment") or 0)
        for data in formset.cleaned_data
        if data and data.get("agency") is not None
    ]


def participant_initial(exercise: Exercise) -> list[dict[str, Any]]:
    return [
        {"agency": p.agency_id, "people": p.people, "equipment": p.equipment}
        for p in exercise.participants.order_by("pk")
    ]


class ObjectiveForm(forms.Form):
    text = forms.CharField(label=_("Objective"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    capability = forms.ChoiceField(
        label=_("Capability"), required=False, choices=[("", "—"), *Capability.choices]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("text", "").strip() and not data.get("capability"):
            self.add_error("capability", _("Choose the capability the objective tests."))
        if data.get("capability") and not data.get("text", "").strip():
            self.add_error("text", _("Say what the objective is."))
        return data


ObjectiveFormSet = forms.formset_factory(ObjectiveForm, extra=3, max_num=40)


def objective_specs(formset: Any) -> list[ObjectiveSpec]:
    return [
        ObjectiveSpec(data["text"], data["capability"])
        for data in formset.cleaned_data
        if data and data.get("text", "").strip()
    ]


class ObjectiveAddForm(forms.Form):
    text = forms.CharField(label=_("Objective"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    capability = forms.ChoiceField(label=_("Capability"), choices=Capability.choices)


class ConductForm(forms.Form):
    on = dates.DateField(label=_("Conducted on"))


class FinishForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the after-action report"), required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip


class CloseForm(forms.Form):
    """Nothing to fill in: the POST asks the service, which says what is missing."""


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
