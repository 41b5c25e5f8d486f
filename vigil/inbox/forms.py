from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.core.models import Holiday
from vigil.inbox.models import Kind


class InboxFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("unread", _("Unread")), ("all", _("All"))],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )


class HolidayForm(forms.Form):
    """Validates input for ``add_holiday``; the service writes."""

    date = forms.DateField(
        label=_("Date"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("dd/mm/yyyy"),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Holiday.Kind.choices)
