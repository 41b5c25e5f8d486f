"""Forms of the ledger pages: shape only; the services decide."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.controlled.catalogue.models import Item, ItemClass, unit_choices
from vigil.controlled.ledger.models import Account
from vigil.controlled.ledger.services import reserved_key_message
from vigil.controlled.registry.models import Store
from vigil.core import dates
from vigil.core.models import AdminUnit
from vigil.org.models import Agency

DIRECTIONS = [("in", _("Into this store")), ("out", _("Out of this store"))]


class ItemChoiceField(forms.ModelChoiceField[Item]):
    """An item, saying when each piece of it carries a serial number."""

    def label_from_instance(self, obj: Item) -> str:
        if obj.serial_required:
            return _("%(item)s (serial number required, one piece per movement)") % {
                "item": obj.name
            }
        return obj.name


class PostingForm(forms.Form):
    """What a movement and a transfer ask alike: item, quantity, unit, lot (or the
    serial number of a numbered piece), papers, and the key that makes a double
    submission record once."""

    item = ItemChoiceField(label=_("Item"), queryset=Item.objects.all())
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=20, decimal_places=3, localize=True
    )
    unit = forms.ChoiceField(label=_("Unit"))
    lot = forms.CharField(
        label=_("Lot / serial number"), max_length=60, required=False,
        help_text=_("For an item numbered piece by piece (a gun): the serial number of "
                    "the piece, and a quantity of 1."),
    )  # fmt: skip
    document_ref = forms.CharField(label=_("Document"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    # Made when the form is shown: submitting it twice records one movement.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["idempotency_key"] = f"web-{uuid.uuid4()}"
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["unit"]
        unit.choices = unit_choices()

    def clean_idempotency_key(self) -> str:
        key: str = self.cleaned_data["idempotency_key"]
        message = reserved_key_message(key)
        if message:
            # The key is a hidden field: its refusal is shown above the form.
            self.add_error(None, message)
        return key


class MovementForm(PostingForm):
    direction = forms.ChoiceField(label=_("Direction"), choices=DIRECTIONS)
    counterpart = forms.ChoiceField(label=_("From or to"))
    field_order = ["direction", "counterpart"]

    def __init__(self, *args: Any, store: Store, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Store.objects.filter(owning_agency_id=store.owning_agency_id).exclude(pk=store.pk)
        choices: list[tuple[str, Any]] = [
            (kind, label) for kind, label in Account.Kind.choices if kind != Account.Kind.STORE
        ]
        choices += [(f"store:{s.pk}", _("Store: %(name)s") % {"name": s.name}) for s in others]
        counterpart: Any = self.fields["counterpart"]
        counterpart.choices = choices


class MovementFilterForm(forms.Form):
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.none(), required=False)
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none(), required=False)
    since = dates.DateField(label=_("From date"), required=False)
    until = dates.DateField(label=_("To date"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        store: Any = self.fields["store"]
        store.queryset = Store.objects.visible_to(user)
        item: Any = self.fields["item"]
        item.queryset = Item.objects.visible_to(user)


class BalanceFilterForm(forms.Form):
    BY = [
        ("store", _("Store")),
        ("organisation", _("Organisation")),
        ("item", _("Item")),
        ("commune", _("Commune")),
    ]
    by = forms.ChoiceField(label=_("Totals by"), choices=BY, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Agency.objects.none(), required=False
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=AdminUnit.objects.none(), required=False
    )
    item_class = forms.ChoiceField(
        label=_("Class"), choices=[("", _("Any")), *ItemClass.choices], required=False
    )
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.all(), required=False)

    def __init__(
        self, *args: Any, organisations: QuerySet[Agency], communes: QuerySet[AdminUnit],
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        org: Any = self.fields["organisation"]
        org.queryset = organisations
        unit: Any = self.fields["commune"]
        unit.queryset = communes
