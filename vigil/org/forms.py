from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.core.classification import Classification
from vigil.core.models import AdminUnit
from vigil.org.models import Agency, ContactPoint


class ContactPointForm(forms.ModelForm[ContactPoint]):
    """Validates input for the contact-point services; never saves by itself."""

    class Meta:
        model = ContactPoint
        fields = ["label", "phone", "email", "address", "note", "classification"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, clearance: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["classification"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(v, label) for v, label in Classification.choices if v <= clearance]


class AgencySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Agency.Kind.choices]
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class AdminUnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    province = forms.ModelChoiceField(
        label=_("Province or city"),
        required=False,
        empty_label=_("All provinces"),
        queryset=AdminUnit.objects.none(),
    )

    def __init__(self, *args: Any, units: QuerySet[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units.filter(parent__isnull=True).order_by("name")
