"""Forms of the report pages (shape only; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vigil.core.classification import Classification
from vigil.org.models import Agency, Committee
from vigil.work.obligations.models import (
    DueRule,
    IndicatorKind,
    PeriodKind,
    ReportSubmission,
    ReportTemplate,
)
from vigil.work.obligations.services import IndicatorSpec, SectionSpec

INDICATOR_HELP = _(
    "One indicator per line: code | name | type | aggregation | unit | required | help. "
    "Types: integer, decimal, text, yes_no. Aggregations: sum, average, min, max, count_yes, "
    "concatenate, none. Required: yes or no. Aggregate counts only — never a named person."
)
SECTION_HELP = _("One narrative section per line: code | title | required | help.")


def _yes(text: str, default: bool) -> bool:
    text = text.strip().lower()
    if not text:
        return default
    if text in ("yes", "có", "true", "1"):
        return True
    if text in ("no", "không", "false", "0"):
        return False
    raise ValidationError(_("“%(value)s” is not yes or no.") % {"value": text})


def parse_indicators(text: str) -> list[IndicatorSpec]:
    specs = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")] + [""] * 7
        if not all(parts[:4]):
            raise ValidationError(
                _("Line %(n)d: give at least a code, a name, a type and an aggregation.") % {"n": n}
            )
        specs.append(
            IndicatorSpec(
                code=parts[0],
                label=parts[1],
                kind=parts[2],
                aggregation=parts[3],
                unit=parts[4],
                required=_yes(parts[5], True),
                help_text=parts[6],
            )
        )
    return specs


def parse_sections(text: str) -> list[SectionSpec]:
    specs = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")] + [""] * 4
        if not all(parts[:2]):
            raise ValidationError(_("Line %(n)d: give a code and a title.") % {"n": n})
        specs.append(
            SectionSpec(
                code=parts[0], title=parts[1], required=_yes(parts[2], False), help_text=parts[3]
            )
        )
    return specs


def template_as_text(template: ReportTemplate | None) -> tuple[str, str]:
    if template is None:
        return "", ""
    indicators = "\n".join(
        " | ".join(
            [
                i.code,
                i.label,
                i.kind,
                i.aggregation,
                i.unit,
                "yes" if i.required else "no",
                i.help_text,
            ]
        )
        for i in template.indicators.all()
    )
    sections = "\n".join(
        " | ".join([s.code, s.title, "yes" if s.required else "no", s.help_text])
        for s in template.sections.all()
    )
    return indicators, sections


class TemplateForm(forms.Form):
    indicators = forms.CharField(
        label=_("Indicators"), widget=forms.Textarea(attrs={"rows": 10}), required=False,
        help_text=INDICATOR_HELP,
    )  # fmt: skip
    sections = forms.CharField(
        label=_("Narrative sections"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text=SECTION_HELP,
    )  # fmt: skip

    def clean_indicators(self) -> list[IndicatorSpec]:
        return parse_indicators(self.cleaned_data["indicators"])

    def clean_sections(self) -> list[SectionSpec]:
        return parse_sections(self.cleaned_data["sections"])


class ObligationForm(TemplateForm):
    committee = forms.ModelChoiceField(label=_("Issuing committee"), queryset=Committee.objects)
    title = forms.CharField(label=_("Title"), max_length=300)
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    starts_on = forms.DateField(label=_("First period from"))
    ends_on = forms.DateField(
        label=_("Last day"), required=False,
        help_text=_("For custom dates, the end of the period."),
    )  # fmt: skip
    due_rule = forms.ChoiceField(label=_("Due"), choices=DueRule.choices)
    due_day = forms.IntegerField(label=_("Due day"), min_value=1, max_value=31, initial=20)
    agencies = forms.ModelMultipleChoiceField(
        label=_("Addressed agencies"), queryset=Agency.objects, required=False
    )
    committees = forms.ModelMultipleChoiceField(
        label=_("Addressed committees"), queryset=Committee.objects, required=False
    )
    classification = forms.TypedChoiceField(
        label=_("Classification"), choices=Classification.choices, coerce=int, initial=0
    )

    field_order = [
        "committee", "title", "period_kind", "starts_on", "ends_on", "due_rule", "due_day",
        "agencies", "committees", "classification", "indicators", "sections",
    ]  # fmt: skip

    def __init__(self, *args: Any, committees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["committee"]
        field.queryset = committees
        paths = [c.path for c in committees]
        below = Committee.objects.none()
        agencies = Agency.objects.none()
        for path in paths:
            below |= Committee.objects.filter(path__startswith=path)
            agencies |= Agency.objects.filter(committee__path__startswith=path)
        units: Any = self.fields["agencies"]
        units.queryset = agencies.order_by("name")
        children: Any = self.fields["committees"]
        ids = {c.pk for c in committees}
        roots = [c.pk for c in committees if c.parent_id not in ids]
        children.queryset = below.exclude(pk__in=roots).order_by("path")


class SubmissionForm(forms.Form):
    """The typed fields of one template version, plus the revision the officer opened."""

    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, submission: ReportSubmission, **kwargs: Any) -> None:
        values = {f"v_{k}": v for k, v in submission.values.items()}
        for key, value in list(values.items()):
            if isinstance(value, bool):
                values[key] = "yes" if value else "no"
        initial = {
            **values,
            **{f"n_{k}": v for k, v in submission.narrative.items()},
            "revision": submission.revision,
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        template = submission.period.template
        self.indicators = list(template.indicators.all())
        self.sections = list(template.sections.all())
        for ind in self.indicators:
            label = f"{ind.label} ({ind.unit})" if ind.unit else ind.label
            common: dict[str, Any] = {"label": label, "required": False, "help_text": ind.help_text}
            field: forms.Field
            if ind.kind == IndicatorKind.INTEGER:
                field = forms.IntegerField(min_value=0, **common)
            elif ind.kind == IndicatorKind.DECIMAL:
                field = forms.DecimalField(min_value=0, decimal_places=4, localize=True, **common)
            elif ind.kind == IndicatorKind.YES_NO:
                field = forms.ChoiceField(
                    choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))], **common
                )
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
            field.widget.attrs["data-required"] = "1" if ind.required else "0"
            self.fields[f"v_{ind.code}"] = field
        for sec in self.sections:
            self.fields[f"n_{sec.code}"] = forms.CharField(
                label=sec.title, required=False, help_text=sec.help_text,
                widget=forms.Textarea(attrs={"rows": 5}),
            )  # fmt: skip

    def answers(self) -> tuple[dict[str, Any], dict[str, str]]:
        data = self.cleaned_data
        values = {
            ind.code: data.get(f"v_{ind.code}")
            for ind in self.indicators
            if data.get(f"v_{ind.code}") not in (None, "")
        }
        narrative = {sec.code: data.get(f"n_{sec.code}") or "" for sec in self.sections}
        return values, narrative


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), max_length=1000)
