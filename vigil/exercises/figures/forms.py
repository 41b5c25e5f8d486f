"""The figures page's choice of year and committee: shape only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.org.models import Committee
from vigil.org.scope import Viewer


def committees_for(user: Viewer) -> QuerySet[Committee]:
    """The committees whose figures the user may ask for: the directory they see (each
    committee's figures are then read through the scope rule)."""
    return Committee.objects.visible_to(user).order_by("path")


class FiguresForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100, required=False)
    committee = forms.ModelChoiceField(
        label=_("Committee"), queryset=Committee.objects.none(), required=False,
        empty_label=_("Everything you may see"),
    )  # fmt: skip

    def __init__(self, *args: Any, committees: QuerySet[Committee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["committee"]
        field.queryset = committees
