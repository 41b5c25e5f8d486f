"""The commendation pages' forms: shape only (the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.core import clock, dates
from vigil.org.models import Committee
from vigil.reports.commendations import queries
from vigil.reports.commendations.evidence import EvidenceItem
from vigil.reports.commendations.models import (
    Authority,
    CommendationForm,
    CommendationKind,
    CommendationState,
)

RECIPIENT_KINDS = [("collective", _("A collective (agency or committee)")),
                   ("individual", _("One person (name, position and unit only)"))]  # fmt: skip


class FilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Any")), *CommendationState.choices,
                 (queries.PENDING, _("Awaiting the decision"))],
        required=False,
    )  # fmt: skip
    committee = forms.ModelChoiceField(
        label=_("Committee (and those below it)"), queryset=Committee.objects.none(),
        required=False,
    )  # fmt: skip

    def __init__(self, *args: Any, committees: QuerySet[Committee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["committee"]
        field.queryset = committees


class RecipientForm(forms.Form):
    """Step one (GET): the committee, the year and the recipient, whose evidence the
    proposal form then offers."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    recipient = forms.ChoiceField(label=_("Who is commended"), choices=[])

    def __init__(self, *args: Any, recipients: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["recipient"]
        field.choices = recipients
        self.fields["year"].initial = clock.today().year


class ProposeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CommendationKind.choices)
    form = forms.ChoiceField(label=_("Form"), choices=CommendationForm.choices)
    authority = forms.ChoiceField(label=_("Granting authority"), choices=Authority.choices)
    person_name = forms.CharField(label=_("Full name (an individual only)"), max_length=200,
                                  required=False)  # fmt: skip
    person_position = forms.CharField(label=_("Position (an individual only)"), max_length=200,
                                      required=False)  # fmt: skip
    achievement = forms.CharField(label=_("Achievement"), widget=forms.Textarea, required=False,
                                  max_length=5000)  # fmt: skip
    evidence_kinds = forms.MultipleChoiceField(
        label=_("Evidence in Vigil"), widget=forms.CheckboxSelectMultiple, required=False,
        choices=[],
    )  # fmt: skip

    def __init__(self, *args: Any, evidence: list[EvidenceItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["evidence_kinds"]
        field.choices = [(i["kind"], f"{i['label']}: {i['figure']}") for i in evidence]


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), widget=forms.Textarea, required=False,
                           max_length=5000)  # fmt: skip


class DecideForm(forms.Form):
    number = forms.CharField(label=_("Decision number"), max_length=80)
    on = dates.DateField(label=_("Decision date"))


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Why it is refused"), widget=forms.Textarea, max_length=5000)
