"""Forms of the transfer pages: shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.controlled.ledger.forms import PostingForm
from vigil.controlled.registry.models import Store


class TransferForm(PostingForm):
    to_store = forms.ModelChoiceField(label=_("To store"), queryset=Store.objects.none())
    field_order = ["to_store"]

    def __init__(self, *args: Any, destinations: QuerySet[Store], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        to_store: Any = self.fields["to_store"]
        to_store.queryset = destinations
        to_store.label_from_instance = lambda s: f"{s.owning_agency.name} — {s.name}"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
