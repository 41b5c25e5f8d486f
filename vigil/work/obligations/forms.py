"""Forms of the report pages (shape only; the services decide)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from vigil.core import dates
from vigil.core.classification import Classification
from vigil.org.models import Agency, Committee
from vigil.work.obligations.models import (
    Aggregation,
    DueRule,
    IndicatorKind,
    PeriodKind,
    ReportSubmission,
    ReportTemplate,
)
from vigil.work.obligations.services import (
    ALLOWED_AGGREGATIONS,
    MAX_INDICATORS,
    IndicatorSpec,
    SectionSpec,
)

# --- the template editor: one row per indicator and per narrative section

EDITOR = "editor"  # the buttons that change the rows, without saving anything
MAX_SECTIONS = 50
_ACTION = re.compile(r"^(add|remove|up|down)-(indicator|section)(?:-(\d{1,4}))?$")


class _RowForm(forms.Form):
    """One row of the editor. A row left empty (no code, no name, nothing typed) is
    skipped rather than refused, so a spare row never blocks a save."""

    text_fields: ClassVar[tuple[str, ...]] = ()
    name_field: ClassVar[str] = ""
    name_missing: ClassVar[Any] = ""

    def is_blank(self) -> bool:
        return not any(str(self.data.get(self.add_prefix(f)) or "").strip()
                       for f in self.text_fields)  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank():
            return data
        code = str(data.get("code") or "").strip()
        if not code:
            self.add_error("code", _("Give this row a code."))
        elif code != slugify(code):
            self.add_error(
                "code",
                _("A code uses lower-case letters without diacritics, digits, - and _ "
                  "(for example: so_vu_viec)."),
            )  # fmt: skip
        else:
            data["code"] = code
        if not str(data.get(self.name_field) or "").strip():
            self.add_error(self.name_field, self.name_missing)
        return data


class IndicatorRowForm(_RowForm):
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    label = forms.CharField(label=_("Indicator"), max_length=300, required=False)
    kind = forms.ChoiceField(
        label=_("Type"), choices=IndicatorKind.choices, initial=IndicatorKind.INTEGER
    )
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    aggregation = forms.ChoiceField(
        label=_("Aggregation"), choices=Aggregation.choices, initial=Aggregation.SUM
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    help_text = forms.CharField(label=_("Help"), max_length=500, required=False)

    text_fields = ("code", "label", "unit", "help_text")
    name_field = "label"
    name_missing = _("Give the indicator a name.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, aggregation = data.get("kind"), data.get("aggregation")
        if self.is_blank() or not kind or not aggregation:
            return data
        allowed = ALLOWED_AGGREGATIONS[kind]
        if aggregation not in allowed:
            self.add_error(
                "aggregation",
                _("A “%(kind)s” indicator is consolidated by: %(allowed)s.")
                % {
                    "kind": IndicatorKind(kind).label,
                    "allowed": ", ".join(
                        str(label) for value, label in Aggregation.choices if value in allowed
                    ),
                },
            )
        return data

    def spec(self) -> IndicatorSpec:
        data = self.cleaned_data
        return IndicatorSpec(
            code=data["code"], label=data["label"].strip(), kind=data["kind"],
            aggregation=data["aggregation"], unit=data["unit"].strip(),
            help_text=data["help_text"].strip(), required=data["required"],
        )  # fmt: skip


class SectionRowForm(_RowForm):
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    title = forms.CharField(label=_("Section"), max_length=300, required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=False)
    help_text = forms.CharField(label=_("Help"), max_length=500, required=False)

    text_fields = ("code", "title", "help_text")
    name_field = "title"
    name_missing = _("Give the section a title.")

    def spec(self) -> SectionSpec:
        data = self.cleaned_data
        return SectionSpec(
            code=data["code"], title=data["title"].strip(), help_text=data["help_text"].strip(),
            required=data["required"],
        )  # fmt: skip


# absolute_max: a forged TOTAL_FORMS cannot make the server build thousands of rows.
IndicatorFormSet = forms.formset_factory(
    IndicatorRowForm, extra=0, max_num=MAX_INDICATORS, absolute_max=MAX_INDICATORS + 20
)
SectionFormSet = forms.formset_factory(
    SectionRowForm, extra=0, max_num=MAX_SECTIONS, absolute_max=MAX_SECTIONS + 20
)
_KINDS: dict[str, tuple[str, type[_RowForm], int]] = {
    "indicator": ("indicators", IndicatorRowForm, MAX_INDICATORS),
    "section": ("sections", SectionRowForm, MAX_SECTIONS),
}


def _new_row(form_class: type[_RowForm]) -> dict[str, Any]:
    return {
        name: field.initial if field.initial is not None else ""
        for name, field in form_class.base_fields.items()
    }


def _posted_rows(data: QueryDict, prefix: str, form_class: type[_RowForm], most: int) -> list[Any]:
    """The rows as typed, read the way their widgets read them (not validated)."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    return [
        {
            name: field.widget.value_from_datadict(data, {}, f"{prefix}-{i}-{name}")
            or (False if isinstance(field, forms.BooleanField) else "")
            for name, field in form_class.base_fields.items()
        }
        for i in range(max(0, min(total, most)))
    ]


def _rows_of(template: ReportTemplate | None) -> tuple[list[Any], list[Any]]:
    if template is None:
        return [], []
    indicators = [
        {"code": i.code, "label": i.label, "kind": i.kind, "unit": i.unit,
         "aggregation": i.aggregation, "required": i.required, "help_text": i.help_text}
        for i in template.indicators.all()
    ]  # fmt: skip
    sections = [
        {"code": s.code, "title": s.title, "required": s.required, "help_text": s.help_text}
        for s in template.sections.all()
    ]
    return indicators, sections


class TemplateEditor:
    """Indicators and narrative sections, one row each (two formsets).

    Adding, removing or moving a row is a POST with ``editor=<action>`` that saves
    nothing: the page (or, under htmx, the editor alone) comes back with the rows
    changed. Without JavaScript the same buttons post the whole form."""

    def __init__(
        self, data: QueryDict | None = None, *, template: ReportTemplate | None = None
    ) -> None:
        self.action = str(data.get(EDITOR) or "") if data is not None else ""
        self.messages: list[str] = []
        if data is not None and not self.action:
            self.indicators = IndicatorFormSet(data, prefix="indicators")
            self.sections = SectionFormSet(data, prefix="sections")
            return
        if data is None:
            indicators, sections = _rows_of(template)
            if not indicators and not sections:
                indicators = [_new_row(IndicatorRowForm)]
        else:
            indicators = _posted_rows(data, "indicators", IndicatorRowForm, MAX_INDICATORS + 1)
            sections = _posted_rows(data, "sections", SectionRowForm, MAX_SECTIONS + 1)
            self._apply({"indicator": indicators, "section": sections})
        self.indicators = IndicatorFormSet(initial=indicators, prefix="indicators")
        self.sections = SectionFormSet(initial=sections, prefix="sections")

    def _apply(self, rows: dict[str, list[Any]]) -> None:
        match = _ACTION.match(self.action)
        if match is None:
            return
        verb, kind, index = match.group(1), match.group(2), match.group(3)
        _prefix, form_class, most = _KINDS[kind]
        listed = rows[kind]
        if verb == "add":
            if len(listed) >= most:
                self.messages.append(str(_("At most %(n)d rows.") % {"n": most}))
            else:
                listed.append(_new_row(form_class))
            return
        i = int(index) if index is not None else -1
        if verb == "remove" and 0 <= i < len(listed):
            listed.pop(i)
        elif verb == "up" and 1 <= i < len(listed):
            listed[i - 1], listed[i] = listed[i], listed[i - 1]
        elif verb == "down" and 0 <= i < len(listed) - 1:
            listed[i], listed[i + 1] = listed[i + 1], listed[i]

    def _forms(self) -> list[_RowForm]:
        return [*self.indicators.forms, *self.sections.forms]

    def is_valid(self) -> bool:
        """Every row valid, codes unique across both lists, at least one row, within limits."""
        if self.action or not self.indicators.is_bound:
            return False
        valid = self.indicators.is_valid()
        valid = self.sections.is_valid() and valid
        for formset in (self.indicators, self.sections):
            self.messages.extend(str(e) for e in formset.non_form_errors())
        seen: set[str] = set()
        for form in self._forms():
            code = str(getattr(form, "cleaned_data", {}).get("code") or "")
            if not code or form.is_blank():
                continue
            if code in seen:
                form.add_error("code", _("The code “%(code)s” is used by another row.")
                               % {"code": code})  # fmt: skip
            seen.add(code)
        indicators, sections = self._filled(self.indicators), self._filled(self.sections)
        if not indicators and not sections and not self.messages:
            self.messages.append(str(_("Add at least one indicator or one narrative section.")))
        if len(indicators) > MAX_INDICATORS:
            self.messages.append(str(_("At most %(n)d indicators.") % {"n": MAX_INDICATORS}))
        if len(sections) > MAX_SECTIONS:
            self.messages.append(str(_("At most %(n)d narrative sections.") % {"n": MAX_SECTIONS}))
        return valid and not self.messages and not any(f.errors for f in self._forms())

    @staticmethod
    def _filled(formset: Any) -> list[Any]:
        return [f for f in formset.forms if not f.is_blank()]

    def specs(self) -> tuple[list[IndicatorSpec], list[SectionSpec]]:
        return (
            [f.spec() for f in self._filled(self.indicators)],
            [f.spec() for f in self._filled(self.sections)],
        )

    def take_errors(self, exc: ValidationError) -> ValidationError | None:
        """Keep the service's messages about the template here; return the rest."""
        if not hasattr(exc, "error_dict"):
            return exc
        rest = {}
        for name, errors in exc.error_dict.items():
            if name in ("indicators", "sections"):
                self.messages.extend(m for e in errors for m in e.messages)
            else:
                rest[name] = errors
        return ValidationError(rest) if rest else None


def posted_initial(form: forms.Form, data: QueryDict) -> dict[str, Any]:
    """What was typed in ``form``, as initial values: the page comes back after an
    editor action without the errors a half-filled form would show."""
    return {
        name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        for name, field in form.fields.items()
    }


class ObligationForm(forms.Form):
    committee = forms.ModelChoiceField(label=_("Issuing committee"), queryset=Committee.objects)
    title = forms.CharField(label=_("Title"), max_length=300)
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    starts_on = dates.DateField(label=_("First period from"))
    ends_on = dates.DateField(
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
        "agencies", "committees", "classification",
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
