"""Forms of the evaluation: rate an objective, record a finding, file a corrective
action, filter the corrective actions. Validation only; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.core import clock, dates
from vigil.exercises.drills.models import Capability, Exercise, Objective, Rating
from vigil.exercises.evaluation.models import Finding, FindingKind
from vigil.exercises.evaluation.queries import STATES, VIEWS
from vigil.org.models import Agency, MemberAgency
from vigil.org.scope import Viewer
from vigil.sites.models import Plan
from vigil.work.services import period_on

RATING_REFUSED = _("A rating is P, S, M or U.")
CAPABILITIES = [("", "—"), *Capability.choices]


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Rating"), choices=Rating.choices,
        error_messages={"invalid_choice": RATING_REFUSED, "required": RATING_REFUSED},
    )  # fmt: skip
    observations = forms.CharField(
        label=_("Observations"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


def tested_plans(exercise: Exercise, user: Viewer) -> QuerySet[Plan]:
    """The plans the exercise tested that ``user`` sees."""
    return Plan.objects.visible_to(user).filter(
        pk__in=exercise.plans.values("pk")
    ).order_by("code_name")  # fmt: skip


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FindingKind.choices)
    text = forms.CharField(
        label=_("Finding"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    objective = forms.ModelChoiceField(
        label=_("Objective"), queryset=Objective.objects.none(), required=False
    )
    capability = forms.ChoiceField(label=_("Capability"), choices=CAPABILITIES, required=False)
    plan = forms.ModelChoiceField(label=_("Plan concerned"), queryset=Plan.objects.none(),
                                  required=False)  # fmt: skip
    requires_revision = forms.BooleanField(
        label=_("The plan must be revised"), required=False,
        help_text=_("Marks the plan “revision required” until its next approved version."),
    )  # fmt: skip

    def __init__(self, *args: Any, exercise: Exercise, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = exercise.objectives.order_by("number")  # type: ignore[attr-defined]
        self.fields["plan"].queryset = tested_plans(exercise, user)  # type: ignore[attr-defined]


def agencies_of_tree(exercise: Exercise) -> QuerySet[Agency]:
    """The agencies of the exercise's committee's tree, members of a committee in it included."""
    path = exercise.owning_committee.path
    members = MemberAgency.objects.filter(
        period_on(clock.today()), committee__path__startswith=path
    ).values("agency_id")
    return Agency.objects.filter(
        Q(committee__path__startswith=path) | Q(pk__in=members)
    ).order_by("name")  # fmt: skip


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Corrective action"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    agency = forms.ModelChoiceField(label=_("Responsible agency"), queryset=Agency.objects.none(),
                                    required=False)  # fmt: skip
    due_on = dates.DateField(label=_("Due on"), required=False)
    plan = forms.ModelChoiceField(label=_("Plan it improves"), queryset=Plan.objects.none(),
                                  required=False)  # fmt: skip
    capability = forms.ChoiceField(label=_("Capability it improves"), choices=CAPABILITIES,
                                   required=False)  # fmt: skip

    def __init__(self, *args: Any, finding: Finding, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_of_tree(finding.exercise)  # type: ignore[attr-defined]
        self.fields["plan"].queryset = tested_plans(finding.exercise, user)  # type: ignore[attr-defined]


class ActionFilterForm(forms.Form):
    view = forms.ChoiceField(label=_("Whose"), required=False,
                             choices=[("mine", _("My agencies'")), ("all", _("All I see"))])  # fmt: skip
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("Any")), *STATES.items()])  # fmt: skip

    def clean_view(self) -> str:
        view = self.cleaned_data.get("view") or ""
        return view if view in VIEWS else ""
