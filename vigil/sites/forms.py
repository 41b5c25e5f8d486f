"""Forms of the sites pages: they validate input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.core import dates
from vigil.core.classification import Classification
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, Committee
from vigil.org.scope import scope_for
from vigil.sites.models import NO_PLAN, SECTIONS, Freshness, KeySite, ScenarioType, SiteCategory
from vigil.sites.queries import categories_for

COMMUNE_KINDS = (AdminUnit.Kind.COMMUNE, AdminUnit.Kind.WARD, AdminUnit.Kind.SPECIAL_ZONE)


def classifications_for(user: Any) -> list[tuple[int, Any]]:
    """The levels a user may give: up to their own clearance."""
    clearance = scope_for(user).clearance
    return [(value, label) for value, label in Classification.choices if value <= clearance]


def communes_for(user: Any) -> QuerySet[AdminUnit]:
    """The communes of the provinces of the user's committees."""
    units = Committee.objects.filter(pk__in=scope_for(user).committees_below).values_list(
        "admin_unit__parent_id", "admin_unit_id"
    )
    provinces = {parent or unit for parent, unit in units if parent or unit}
    return AdminUnit.objects.filter(parent_id__in=provinces, kind__in=COMMUNE_KINDS).order_by(
        "name"
    )


def state_choices() -> list[tuple[str, Any]]:
    return [("", _("Any plan state")), *Freshness.choices, (NO_PLAN, _("No plan"))]


class SiteFilterForm(forms.Form):
    q = forms.CharField(label=_("Search (diacritics optional)"), max_length=100, required=False)
    category = forms.ModelChoiceField(
        SiteCategory.objects.none(), label=_("Category"), required=False,
        empty_label=_("Any category"),
    )  # fmt: skip
    commune = forms.ModelChoiceField(
        AdminUnit.objects.none(), label=_("Commune"), required=False, empty_label=_("Any commune")
    )
    state = forms.ChoiceField(label=_("Plan state"), required=False, choices=state_choices)

    def __init__(
        self,
        *args: Any,
        communes: QuerySet[AdminUnit],
        categories: QuerySet[SiteCategory],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class SiteForm(forms.Form):
    committee = forms.ModelChoiceField(Committee.objects.none(), label=_("Committee"))
    name = forms.CharField(label=_("Name"), max_length=300)
    category = forms.ModelChoiceField(SiteCategory.objects.none(), label=_("Category"))
    owner_name = forms.CharField(label=_("Owning organisation"), max_length=300, required=False)
    responsible_agency = forms.ModelChoiceField(
        Agency.objects.none(), label=_("Responsible member agency")
    )
    commune = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Commune"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), required=False, max_digits=12,
                                  decimal_places=8)  # fmt: skip
    longitude = forms.DecimalField(label=_("Longitude"), required=False, max_digits=12,
                                   decimal_places=8)  # fmt: skip
    criticality = forms.TypedChoiceField(
        label=_("Criticality"), coerce=int, initial=3,
        choices=[(n, str(n)) for n in range(1, 6)],
        help_text=_("From 1 (low) to 5 (highest)."),
    )  # fmt: skip
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}),
                            required=False)  # fmt: skip
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int, initial=0)

    def __init__(
        self, *args: Any, user: Any, committees: QuerySet[Committee] | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if committees is None:  # editing: the site stays with its committee
            del self.fields["committee"]
        else:
            self.fields["committee"].queryset = committees  # type: ignore[attr-defined]
        self.fields["responsible_agency"].queryset = Agency.objects.visible_to(  # type: ignore[attr-defined]
            user
        ).exclude(kind=Agency.Kind.LICENSED_ORGANISATION)
        self.fields["commune"].queryset = communes_for(user)  # type: ignore[attr-defined]
        self.fields["category"].queryset = categories_for(user)  # type: ignore[attr-defined]
        self.fields["classification"].choices = classifications_for(user)  # type: ignore[attr-defined]


def site_initial(site: KeySite) -> dict[str, Any]:
    return {name: getattr(site, name) for name in (
        "name", "category", "owner_name", "responsible_agency", "commune", "address",
        "latitude", "longitude", "criticality", "notes", "classification",
    )}  # fmt: skip


class PlanForm(forms.Form):
    committee = forms.ModelChoiceField(Committee.objects.none(), label=_("Committee"))
    code_name = forms.CharField(label=_("Code name"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    sites = forms.ModelMultipleChoiceField(KeySite.objects.none(), label=_("Sites"))
    scenario_types = forms.MultipleChoiceField(
        label=_("Scenario types"), choices=ScenarioType.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int, initial=0)

    def __init__(
        self, *args: Any, user: Any, committees: QuerySet[Committee], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees  # type: ignore[attr-defined]
        self.fields["sites"].queryset = KeySite.objects.visible_to(user).filter(  # type: ignore[attr-defined]
            archived=False
        )
        self.fields["classification"].choices = classifications_for(user)  # type: ignore[attr-defined]


class VersionForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in SECTIONS:
            self.fields[name] = forms.CharField(
                label=label, required=False, max_length=20000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )  # fmt: skip


class ApproveForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    approved_on = dates.DateField(label=_("Approved on"), required=False)


class ReturnForm(forms.Form):
    comments = forms.CharField(label=_("Comments"), max_length=5000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class AssessmentForm(forms.Form):
    threat = forms.TypedChoiceField(label=_("Threat"), coerce=int,
                                    choices=[(n, str(n)) for n in range(1, 6)])  # fmt: skip
    threat_rationale = forms.CharField(label=_("Why this threat"), widget=forms.Textarea(
        attrs={"rows": 2}), max_length=5000)  # fmt: skip
    vulnerability = forms.TypedChoiceField(label=_("Vulnerability"), coerce=int,
                                           choices=[(n, str(n)) for n in range(1, 6)])  # fmt: skip
    vulnerability_rationale = forms.CharField(label=_("Why this vulnerability"),
                                              widget=forms.Textarea(attrs={"rows": 2}),
                                              max_length=5000)  # fmt: skip
    consequence = forms.TypedChoiceField(label=_("Consequence"), coerce=int,
                                         choices=[(n, str(n)) for n in range(1, 6)])  # fmt: skip
    consequence_rationale = forms.CharField(label=_("Why this consequence"),
                                            widget=forms.Textarea(attrs={"rows": 2}),
                                            max_length=5000)  # fmt: skip
    assessor_agency = forms.ModelChoiceField(Agency.objects.none(), label=_("Assessor agency"))
    assessed_on = dates.DateField(label=_("Assessed on"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor_agency"].queryset = Agency.objects.visible_to(user).exclude(  # type: ignore[attr-defined]
            kind=Agency.Kind.LICENSED_ORGANISATION
        )
