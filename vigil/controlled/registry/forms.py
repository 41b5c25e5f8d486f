"""Forms of the registry pages: shape only; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.controlled.catalogue.models import UNITS, ItemClass, unit_label
from vigil.controlled.registry.models import Licence, Sector, Store
from vigil.controlled.registry.queries import province_communes
from vigil.core import dates
from vigil.core.models import AdminUnit
from vigil.org.models import Agency

STANDING = [
    ("", _("Any")),
    ("in_force", _("Licence in force")),
    ("expiring", _("Licence expiring within 60 days")),
    ("none", _("No licence in force")),
]


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search (diacritics optional)"), max_length=100, required=False)
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("Any")), *Sector.choices], required=False
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=AdminUnit.objects.none(), required=False
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=STANDING, required=False)

    def __init__(self, *args: Any, communes: QuerySet[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["commune"]
        field.queryset = communes


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    tax_code = forms.CharField(label=_("Tax code"), max_length=20, required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    parent_group = forms.CharField(label=_("Parent group"), max_length=200, required=False)
    admin_unit = forms.ModelChoiceField(label=_("Commune"), queryset=AdminUnit.objects.none())
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    licensing_agency = forms.ModelChoiceField(
        label=_("Licensing agency"), queryset=Agency.objects.none()
    )

    def __init__(self, *args: Any, licensers: QuerySet[Agency] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["admin_unit"]
        unit.queryset = province_communes()
        if licensers is None:
            del self.fields["licensing_agency"]
        else:
            licenser: Any = self.fields["licensing_agency"]
            licenser.queryset = licensers


class LicenceForm(forms.Form):
    number = forms.CharField(label=_("Licence number"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=Licence.Kind.choices)
    issuer = forms.ModelChoiceField(label=_("Issued by"), queryset=Agency.objects.none())
    valid_from = dates.DateField(label=_("Valid from"))
    valid_to = dates.DateField(label=_("Valid to"))
    item_classes = forms.MultipleChoiceField(
        label=_("Permitted item classes"), choices=ItemClass.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    stores = forms.ModelMultipleChoiceField(
        label=_("Permitted stores"), queryset=Store.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: every store of the organisation."),
    )  # fmt: skip

    def __init__(
        self, *args: Any, stores: QuerySet[Store], issuers: QuerySet[Agency] | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["stores"]
        field.queryset = stores
        if issuers is None:
            del self.fields["issuer"]
        else:
            issuer: Any = self.fields["issuer"]
            issuer.queryset = issuers


class LicenceStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Licence.Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(
        attrs={"rows": 2}))  # fmt: skip


class LicenceFilterForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Expiring within"), coerce=int, empty_value=None, required=False,
        choices=[("", _("Any time")), ("60", _("60 days")), ("30", _("30 days"))],
    )  # fmt: skip
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Agency.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any")), *Licence.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *Licence.Status.choices], required=False
    )

    def __init__(self, *args: Any, organisations: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisation"]
        field.queryset = organisations


# The capacity fields: one per item class, in the unit people use.
CAPACITY_FIELDS = {f"capacity_{c}": c for c in ItemClass.values}


class StoreForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=Store.Kind.choices)
    admin_unit = forms.ModelChoiceField(label=_("Commune"), queryset=AdminUnit.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["admin_unit"]
        unit.queryset = province_communes()
        for name, item_class in CAPACITY_FIELDS.items():
            self.fields[name] = forms.DecimalField(
                label=_("Capacity: %(cls)s (%(unit)s)")
                % {"cls": ItemClass(item_class).label, "unit": unit_label(UNITS[item_class][1])},
                min_value=0, max_digits=18, decimal_places=3, required=False, localize=True,
            )  # fmt: skip

    def capacities(self) -> dict[str, int]:
        """The capacities entered, in stored units; a blank field leaves that class alone.
        A value finer than the unit stored is refused on its field (a ValidationError)."""
        result: dict[str, int] = {}
        errors: dict[str, Any] = {}
        for name, item_class in CAPACITY_FIELDS.items():
            value = self.cleaned_data.get(name)
            if value is None:
                continue
            stored = Decimal(value) * UNITS[item_class][2]
            if stored != stored.to_integral_value():
                errors[name] = _("Too precise for the unit stored.")
                continue
            result[item_class] = int(stored)
        if errors:
            raise ValidationError(errors)
        return result
