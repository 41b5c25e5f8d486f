"""What every page form shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vigil.core.classification import Classification


def add_form_errors(form: Any, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form it came from: field messages on
    their fields, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class AttachmentForm(forms.Form):
    """One file and its classification, offered up to the user's clearance."""

    file = forms.FileField(label=_("File"), allow_empty_file=True)
    classification = forms.TypedChoiceField(
        label=_("Classification"), coerce=int, choices=Classification.choices, initial=0
    )

    def __init__(self, *args: Any, clearance: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["classification"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(v, label) for v, label in Classification.choices if v <= clearance]
