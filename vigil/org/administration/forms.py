"""Forms of the administration pages: they validate input for the services and never save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vigil.core import clock, dates
from vigil.core.models import Holiday
from vigil.org.models import Agency, Committee, Post


def date_field(label: Any, *, required: bool = True) -> forms.DateField:
    return dates.DateField(
        label=label,
        required=required,
    )


class CommitteeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    short_name = forms.CharField(label=_("Abbreviation"), max_length=30)
    level = forms.ChoiceField(label=_("Level"), choices=Committee.Level.choices)


class CommitteeEditForm(CommitteeForm):
    standing_agency = forms.ModelChoiceField(
        label=_("Standing agency"), queryset=Agency.objects.none(), required=False
    )
    electronic_code = forms.CharField(
        label=_("Electronic identifier code"), max_length=40, required=False,
        help_text=_("The committee's own code for document exchange, e.g. 000.00.99.H46."),
    )  # fmt: skip

    def __init__(self, *args: Any, committee: Committee, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["standing_agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(committee=committee)


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    short_name = forms.CharField(label=_("Abbreviation"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Agency.Kind.choices)
    electronic_code = forms.CharField(
        label=_("Electronic identifier code"), max_length=40, required=False
    )
    tax_code = forms.CharField(label=_("Tax code"), max_length=20, required=False)


class AgencyCreateForm(AgencyForm):
    committee = forms.ModelChoiceField(
        label=_("Home committee"), queryset=Committee.objects.none(), required=False,
        help_text=_("Leave empty for a licensed organisation and choose its licensing agency."),
    )  # fmt: skip
    licensed_by = forms.ModelChoiceField(
        label=_("Licensed by"), queryset=Agency.objects.none(), required=False
    )

    def __init__(
        self, *args: Any, committees: QuerySet[Committee], agencies: QuerySet[Agency], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        for name, queryset in (("committee", committees), ("licensed_by", agencies)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset


class MemberAgencyForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    valid_from = date_field(_("Member from"))
    valid_to = date_field(_("Member until"), required=False)

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies.exclude(kind=Agency.Kind.LICENSED_ORGANISATION)


class EndForm(forms.Form):
    on = date_field(_("Last day"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": clock.today()})
        super().__init__(*args, **kwargs)


class PostForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Post.Kind.choices)
    title = forms.CharField(label=pgettext_lazy("post", "Title"), max_length=200)
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), required=False
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies


class HolderForm(forms.Form):
    holder_name = forms.CharField(label=_("Full name"), max_length=200)
    position = forms.CharField(label=_("Position in the agency"), max_length=200, required=False)
    decision_number = forms.CharField(
        label=_("Appointing decision number"), max_length=60, required=False
    )
    decision_date = date_field(_("Date of the decision"), required=False)
    valid_from = date_field(_("In the post from"))
    valid_to = date_field(_("In the post until"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))


class HolidayForm(forms.Form):
    """Validates input for ``add_holiday``; the service writes."""

    date = dates.DateField(
        label=_("Date"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("dd/mm/yyyy"),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Holiday.Kind.choices)
