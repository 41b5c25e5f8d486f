"""Forms of the training pages: they validate input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.core import dates
from vigil.core.models import AdminUnit
from vigil.exercises.trainings.models import Training, TrainingStatus
from vigil.exercises.trainings.services import MOST_PARTICIPANTS, AudienceSpec
from vigil.org.models import Agency, Committee
from vigil.sites.forms import classifications_for, communes_for

COUNT_HELP = _("How many of the agency's people: a count, never names.")


def agencies_for(user: Any) -> QuerySet[Agency]:
    """The agencies a training's form offers (the service keeps those of the
    committee's tree)."""
    return (
        Agency.objects.visible_to(user)
        .exclude(kind=Agency.Kind.LICENSED_ORGANISATION)
        .order_by("name")
    )


class TrainingFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *TrainingStatus.choices]
    )
    committee = forms.ModelChoiceField(
        Committee.objects.none(), label=_("Committee"), required=False,
        empty_label=_("Any committee"),
    )  # fmt: skip

    def __init__(
        self, *args: Any, years: list[int], committees: QuerySet[Committee], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Any year")), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]
        self.fields["committee"].queryset = committees  # type: ignore[attr-defined]


class TrainingForm(forms.Form):
    """The new training's form (with ``committee``) and the edit form (without it,
    with the ``version`` read)."""

    committee = forms.ModelChoiceField(Committee.objects.none(), label=_("Committee"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    topic = forms.CharField(label=_("Topic"), max_length=300)
    description = forms.CharField(label=_("Content"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    starts_on = dates.DateField(label=_("Starts on"), help_text=_("dd/mm/yyyy"))
    ends_on = dates.DateField(label=_("Ends on"), help_text=_("dd/mm/yyyy"))
    organising_agency = forms.ModelChoiceField(
        Agency.objects.none(), label=_("Organising agency"), required=False,
        help_text=_("Leave empty for the committee's standing agency."),
    )  # fmt: skip
    trainer_unit = forms.CharField(label=_("Trainer unit"), max_length=300, required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    commune = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Commune"), required=False)
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int, initial=0)

    def __init__(
        self, *args: Any, user: Any, committees: QuerySet[Committee] | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if committees is None:  # editing: the committee stays
            del self.fields["committee"]
            self.fields["version"].required = True
        else:
            del self.fields["version"]
            self.fields["committee"].queryset = committees  # type: ignore[attr-defined]
        self.fields["organising_agency"].queryset = agencies_for(user)  # type: ignore[attr-defined]
        self.fields["commune"].queryset = communes_for(user)  # type: ignore[attr-defined]
        self.fields["classification"].choices = classifications_for(user)  # type: ignore[attr-defined]


EDIT_FIELDS = (
    "topic", "description", "starts_on", "ends_on", "trainer_unit", "place", "commune",
    "classification", "version",
)  # fmt: skip


def training_initial(training: Training) -> dict[str, Any]:
    initial = {name: getattr(training, name) for name in EDIT_FIELDS}
    initial["organising_agency"] = training.owning_agency_id
    return initial


class AudienceForm(forms.Form):
    """One agency of the audience and how many of its people."""

    agency = forms.ModelChoiceField(Agency.objects.none(), label=_("Agency"), required=False)
    participants = forms.IntegerField(
        label=_("Participants"), required=False, min_value=0, max_value=MOST_PARTICIPANTS,
        help_text=COUNT_HELP, error_messages={"min_value": _("Counts cannot be negative.")},
    )  # fmt: skip

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("participants") and not data.get("agency"):
            self.add_error("agency", _("Choose the agency these participants came from."))
        return data


def audience_formset(
    data: Any, *, user: Any, training: Training | None = None, extra: int = 3
) -> Any:
    """The audience rows: the training's own first, then ``extra`` empty ones."""
    initial = None
    if training is not None:
        initial = [
            {"agency": a.agency_id, "participants": a.participants}
            for a in training.audience.order_by("pk")
        ]
    formset = forms.formset_factory(AudienceForm, extra=extra, max_num=100)
    return formset(data, prefix="audience", initial=initial,
                   form_kwargs={"agencies": agencies_for(user)})  # fmt: skip


def audience_specs(formset: Any) -> list[AudienceSpec]:
    """The rows with an agency chosen (an empty count is 0)."""
    return [
        AudienceSpec(row["agency"], row.get("participants") or 0)
        for row in formset.cleaned_data
        if row and row.get("agency")
    ]


class HeldForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CancelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
