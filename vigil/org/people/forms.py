"""Forms of the people pages: accounts, roles, clearance, decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.core import clock
from vigil.core.classification import Classification
from vigil.org.administration.forms import date_field
from vigil.org.models import Agency, Committee, Role


class RoleFields(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    committee = forms.ModelChoiceField(
        label=_("Committee (committee-wide roles only)"),
        queryset=Committee.objects.none(),
        required=False,
    )
    valid_from = date_field(_("From"))
    valid_to = date_field(_("Until"), required=False)

    def __init__(
        self, *args: Any, committees: QuerySet[Committee], agencies: QuerySet[Agency], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        for name, queryset in (("committee", committees), ("agency", agencies)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        self.fields["valid_from"].initial = clock.today()


class UserCreateForm(RoleFields):
    username = forms.RegexField(
        label=_("Username"), max_length=150, regex=r"^[\w.@+-]+\Z",
        help_text=_("Letters, digits and . @ + - _ only."),
    )  # fmt: skip
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(
        label=_("Initial password"), widget=forms.PasswordInput(render_value=False),
        help_text=_("Give it to the user in person; at least 12 characters."),
    )  # fmt: skip
    clearance = forms.TypedChoiceField(
        label=_("Clearance"), choices=Classification.choices, coerce=int,
        initial=Classification.UNCLASSIFIED,
        help_text=_("Above your own clearance, the grant waits for a committee leader."),
    )  # fmt: skip

    field_order = ["username", "full_name", "email", "password", "clearance"]


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))


class ClearanceForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Clearance"), choices=Classification.choices, coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
