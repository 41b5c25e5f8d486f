from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.core import dates
from vigil.core.classification import Classification
from vigil.core.models import AdminUnit
from vigil.core.numbering import DocType
from vigil.org.models import Agency, ContactPoint


class ContactPointForm(forms.ModelForm[ContactPoint]):
    """Validates input for the contact-point services; never saves by itself."""

    class Meta:
        model = ContactPoint
        fields = ["label", "phone", "email", "address", "note", "classification"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, clearance: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["classification"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(v, label) for v, label in Classification.choices if v <= clearance]


class AgencySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Agency.Kind.choices]
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class AdminUnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    province = forms.ModelChoiceField(
        label=_("Province or city"),
        required=False,
        empty_label=_("All provinces"),
        queryset=AdminUnit.objects.none(),
    )

    def __init__(self, *args: Any, units: QuerySet[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units.filter(parent__isnull=True).order_by("name")


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


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), allow_empty_file=True)
    classification = forms.TypedChoiceField(
        label=_("Classification"), coerce=int, choices=Classification.choices, initial=0
    )

    def __init__(self, *args: Any, clearance: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["classification"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(v, label) for v, label in Classification.choices if v <= clearance]


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False, max_length=100)
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        required=False,
        queryset=Agency.objects.none(),
        empty_label=_("All agencies"),
    )
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = dates.DateField(
        label=_("From (dd/mm/yyyy)"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    date_to = dates.DateField(
        label=_("To (dd/mm/yyyy)"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        from vigil.core.audit import registered_actions

        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = agencies
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All actions")), *sorted(registered_actions().items())]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
