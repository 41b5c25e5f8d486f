"""Forms of the blast pages: shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.controlled.blasts.models import BlastLine
from vigil.controlled.blasts.services import BLASTING_CLASSES, COMMUNE_KINDS, units_of
from vigil.controlled.catalogue.models import Item, unit_choices, unit_label
from vigil.controlled.registry.models import Store
from vigil.core import dates
from vigil.core.models import AdminUnit
from vigil.org.models import ContactPoint
from vigil.org.scope import Viewer
from vigil.sites.models import KeySite


class BlastForm(forms.Form):
    number = forms.CharField(label=_("Blasting passport number"), max_length=60)
    site_name = forms.CharField(
        label=_("Blasting site"), max_length=200,
        help_text=_("The mine face or construction site, e.g. Face +125, seam 7."),
    )  # fmt: skip
    admin_unit = forms.ModelChoiceField(label=_("Commune"), queryset=AdminUnit.objects.none())
    key_site = forms.ModelChoiceField(
        label=_("Key site"), queryset=KeySite.objects.none(), required=False,
        help_text=_("Only where the blast is at or near a key site."),
    )  # fmt: skip
    fired_at = dates.DateTimeField(label=_("Time of the blast"))
    person_in_charge = forms.ModelChoiceField(
        label=_("Person in charge"), queryset=ContactPoint.objects.none(),
        help_text=_("A contact point of the organisation (the blasting commander)."),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, store: Store, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = store.admin_unit.parent_id or store.admin_unit_id
        admin_unit: Any = self.fields["admin_unit"]
        admin_unit.queryset = AdminUnit.objects.filter(
            parent_id=province, kind__in=COMMUNE_KINDS
        ).order_by("name")
        self.initial.setdefault("admin_unit", store.admin_unit_id)
        key_site: Any = self.fields["key_site"]
        key_site.queryset = KeySite.objects.visible_to(user).filter(archived=False)
        person: Any = self.fields["person_in_charge"]
        person.queryset = ContactPoint.objects.visible_to(user).filter(
            agency_id=store.owning_agency_id
        )


class LineForm(forms.Form):
    """One item issued; an empty row is skipped."""

    item = forms.ModelChoiceField(
        label=_("Item"), queryset=Item.objects.filter(item_class__in=BLASTING_CLASSES),
        required=False,
    )  # fmt: skip
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=20, decimal_places=3, localize=True, required=False
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    lot = forms.CharField(label=_("Lot"), max_length=60, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["unit"]
        unit.choices = [("", _("The item's unit (kg, m, cái)")), *unit_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("item") and data.get("quantity") is None:
            self.add_error("quantity", _("Give the quantity issued."))
        if data.get("quantity") is not None and not data.get("item"):
            self.add_error("item", _("Choose the item."))
        return data


LineFormSet = forms.formset_factory(LineForm, extra=3, max_num=20)


class ResultForm(forms.Form):
    """What one line used and returned, in the unit chosen."""

    used = forms.DecimalField(
        label=_("Used"), max_digits=20, decimal_places=3, localize=True, min_value=0
    )
    returned = forms.DecimalField(
        label=_("Returned"), max_digits=20, decimal_places=3, localize=True, min_value=0
    )
    unit = forms.ChoiceField(label=_("Unit"))

    def __init__(self, *args: Any, line: BlastLine, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = line
        unit: Any = self.fields["unit"]
        unit.choices = [(u, unit_label(u)) for u in units_of(line.item)]
        name = f"{line.item.name} ({line.lot})" if line.lot else line.item.name
        self.fields["used"].label = _("%(line)s — used") % {"line": name}
        self.fields["returned"].label = _("%(line)s — returned") % {"line": name}
        self.fields["unit"].label = _("%(line)s — unit") % {"line": name}
