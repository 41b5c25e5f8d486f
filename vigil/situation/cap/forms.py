"""The CAP import form: the file, and the classification the draft is given."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.core.classification import Classification


class CapImportForm(forms.Form):
    file = forms.FileField(label=_("CAP 1.2 file (.xml)"))
    classification = forms.TypedChoiceField(
        label=_("Classification of the draft"),
        choices=Classification.choices,
        coerce=int,
        initial=Classification.UNCLASSIFIED,
    )

    def __init__(self, *args: Any, clearance: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["classification"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(v, label) for v, label in Classification.choices if v <= clearance]
