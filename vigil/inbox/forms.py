from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.inbox.models import CaseKind, Kind, StepTarget
from vigil.org.models import Committee


class InboxFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("unread", _("Unread")), ("all", _("All"))],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )


class PolicyForm(forms.Form):
    """A committee's escalation policy for one kind: up to four steps, each after a delay."""

    STEPS = 4
    UNITS = [("hours", _("hours")), ("days", _("days"))]

    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
    working_time = forms.BooleanField(
        label=_("count working days only"), required=False, initial=True
    )

    def __init__(self, *args: Any, committees: QuerySet[Committee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["committee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = committees
        for i in range(1, self.STEPS + 1):
            required = i == 1
            self.fields[f"after_{i}"] = forms.IntegerField(
                label=_("Step %(n)d after") % {"n": i}, min_value=1, max_value=10_000,
                required=required,
            )  # fmt: skip
            self.fields[f"unit_{i}"] = forms.ChoiceField(
                label=_("unit"), choices=self.UNITS, required=required
            )
            self.fields[f"target_{i}"] = forms.ChoiceField(
                label=_("to whom"), choices=[("", "—"), *StepTarget.choices], required=required
            )

    def steps(self) -> list[tuple[dt.timedelta, str]]:
        out = []
        for i in range(1, self.STEPS + 1):
            after, unit = self.cleaned_data.get(f"after_{i}"), self.cleaned_data.get(f"unit_{i}")
            target = self.cleaned_data.get(f"target_{i}")
            if after and unit and target:
                delta = dt.timedelta(hours=after) if unit == "hours" else dt.timedelta(days=after)
                out.append((delta, target))
        return out
