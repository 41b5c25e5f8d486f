"""The flash report form: prefilled from the incident and its committee."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.situation.incidents.models import UrgencyMark

URGENCY_CHOICES = [
    (UrgencyMark.HOA_TOC.value, UrgencyMark.HOA_TOC.label),
    (UrgencyMark.THUONG_KHAN.value, UrgencyMark.THUONG_KHAN.label),
]
FORM_CHOICES = [
    ("", _("In the signer's own name")),
    ("TM.", "TM. BAN CHỈ ĐẠO"),
    ("KT.", "KT. TRƯỞNG BAN"),
]


class FlashReportForm(forms.Form):
    urgency_mark = forms.ChoiceField(label=_("Urgency"), choices=URGENCY_CHOICES)
    signing_form = forms.ChoiceField(label=_("Signing form"), choices=FORM_CHOICES, required=False)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=200)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=200)
    recipients = forms.CharField(
        label=_("Recipients (Kính gửi)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        help_text=_("One per line: the committee above and the provincial People's Committee."),
    )

    def clean_recipients(self) -> list[str]:
        text: str = self.cleaned_data["recipients"]
        return [line.strip() for line in text.splitlines() if line.strip()]
