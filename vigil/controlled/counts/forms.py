"""Forms of the count pages: shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.controlled.catalogue.models import Item, unit_choices
from vigil.controlled.counts.models import Discrepancy
from vigil.core import dates


class CountForm(forms.Form):
    counted_at = dates.DateTimeField(label=_("Time of the count"))
    counters = forms.CharField(
        label=_("Counted by"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Names and posts of the people who counted, as text."),
    )  # fmt: skip
    witnesses = forms.CharField(
        label=_("Witnesses"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Names and posts of the witnesses, as text."),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CountLineForm(forms.Form):
    """One item and lot found in the store; a line left empty is skipped."""

    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.all(), required=False)
    quantity = forms.DecimalField(
        label=_("Counted"), max_digits=20, decimal_places=3, localize=True, required=False
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    lot = forms.CharField(label=_("Lot"), max_length=60, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["unit"]
        unit.choices = unit_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("item") is not None and data.get("quantity") is None:
            self.add_error("quantity", _("Give the quantity counted (0 if none was found)."))
        if data.get("item") is None and data.get("quantity") is not None:
            self.add_error("item", _("Choose the item counted."))
        return data


CountLineFormSet = forms.formset_factory(CountLineForm, extra=5, max_num=50)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(s.value, s.label) for s in Discrepancy.Status if s != Discrepancy.Status.OPEN],
    )
    quantity = forms.DecimalField(
        label=_("Quantity resolved"), max_digits=20, decimal_places=3, localize=True,
        help_text=_("The discrepancy's whole quantity."),
    )  # fmt: skip
    unit = forms.ChoiceField(label=_("Unit"))
    note = forms.CharField(
        label=_("What was established"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["unit"]
        unit.choices = unit_choices()
