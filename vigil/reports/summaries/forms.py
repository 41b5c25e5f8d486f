"""Forms of the summary report pages: they validate; the services write (and say why a
period, a second draft or an issued report is refused)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.core import dates
from vigil.org.models import Committee
from vigil.reports.summaries.models import ReportKind, ReportState
from vigil.reports.summaries.services import MAX_TEXT
from vigil.sites.forms import classifications_for

SIGNING_FORMS = [
    ("TM.", _("TM. (on behalf of the committee)")),
    ("KT.", _("KT. (signing for the head)")),
]


class ReportFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *ReportKind.choices]
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *ReportState.choices]
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Any year")), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]


class DraftForm(forms.Form):
    """Draft a report: the committee, the kind, the year and the part of it."""

    committee = forms.ModelChoiceField(Committee.objects.none(), label=_("Committee"),
                                       empty_label=None)  # fmt: skip
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    year = forms.IntegerField(label=_("Year"))
    part = forms.IntegerField(
        label=_("Part of the year"), required=False,
        help_text=_("The month (1–12), the quarter (1–4) or the half (1–2); empty for the "
                    "annual summary."),
    )  # fmt: skip
    classification = forms.TypedChoiceField(
        label=_("Classification"), coerce=int, initial=0,
        help_text=_("At least the classification of its most classified figure."),
    )  # fmt: skip

    def __init__(
        self, *args: Any, user: Any, committees: QuerySet[Committee], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees  # type: ignore[attr-defined]
        self.fields["classification"].choices = classifications_for(user)  # type: ignore[attr-defined]


class SectionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Text"), max_length=MAX_TEXT, strip=False,
        widget=forms.Textarea(attrs={"rows": 18}),
    )  # fmt: skip


class IssueForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    issued_on = dates.DateField(label=_("Issued on"))
    signer_name = forms.CharField(label=_("Signed by"), max_length=200)
    signer_title = forms.CharField(
        label=_("Signer's title"), max_length=200,
        help_text=_("As printed under the signature, e.g. PHÓ TRƯỞNG BAN THƯỜNG TRỰC."),
    )  # fmt: skip
    signing_form = forms.ChoiceField(label=_("Signing form"), choices=SIGNING_FORMS)
    recipients = forms.CharField(
        label=_("Recipients"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line (\"Lưu: VT, VPTT\" is added)."),
    )  # fmt: skip


class ConfirmForm(forms.Form):
    """Nothing to fill in but the version read: the POST asks the service."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
