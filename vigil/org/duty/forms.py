"""The duty roster's form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.core import dates


class DutyShiftForm(forms.Form):
    """A shift on an agency's duty roster; the service checks overlap and membership."""

    officer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Duty officer"), queryset=get_user_model().objects.none()
    )
    phone = forms.CharField(label=_("Duty phone"), max_length=40)
    starts_at = dates.DateTimeField(
        label=_("On duty from"),
    )
    ends_at = dates.DateTimeField(
        label=_("On duty until"),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, members: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A duty shift must end after it starts."))
        return data
