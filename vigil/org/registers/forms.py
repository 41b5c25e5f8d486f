"""Taking a number from a register by hand."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.core.numbering import DocType


class NumberForm(forms.Form):
    """Take the next number, or (with ``number``) record one given on paper."""

    doc_type = forms.ChoiceField(label=_("Document type"), choices=DocType.choices)
    number = forms.IntegerField(
        label=_("Number given on paper"),
        required=False,
        min_value=1,
        max_value=999999,
        help_text=_("Leave empty to take the register's next number."),
    )
    unit = forms.RegexField(
        label=_("Drafting unit (optional)"),
        required=False,
        max_length=20,
        regex=r"^[0-9A-ZĐ]+$",
        error_messages={"invalid": _("Capital letters and digits only, e.g. VPTT.")},
    )
