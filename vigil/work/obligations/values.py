"""Report values: each answer of its indicator's declared type.

Whole numbers are stored as integers, decimals as canonical strings (so JSON
reads them back exactly on every database), yes/no as booleans, text stripped.
Figures are aggregate counts: negative numbers are refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vigil.work.obligations.models import IndicatorKind, ReportTemplate

TEXT_MAX = 20_000
NUMBER_MAX = Decimal("1e12")


def _number(raw: Any, kind: str, label: str) -> int | str:
    if isinstance(raw, bool):
        raise ValidationError(_("“%(label)s” must be a number.") % {"label": label})
    text = str(raw).strip().replace(" ", "")
    if kind == IndicatorKind.DECIMAL:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("“%(label)s” must be a number.") % {"label": label}) from None
    if not value.is_finite() or abs(value) >= NUMBER_MAX:
        raise ValidationError(_("“%(label)s” must be a number.") % {"label": label})
    if value < 0:
        raise ValidationError(_("“%(label)s” cannot be negative.") % {"label": label})
    if kind == IndicatorKind.INTEGER:
        if value != value.to_integral_value():
            raise ValidationError(_("“%(label)s” must be a whole number.") % {"label": label})
        return int(value)
    if value.as_tuple().exponent < -4:  # type: ignore[operator]
        raise ValidationError(_("“%(label)s” has at most 4 decimal places.") % {"label": label})
    return format(value.normalize(), "f")


YES = {"yes", "true", "1", "có", "on"}
NO = {"no", "false", "0", "không"}


def _yes_no(raw: Any, label: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValidationError(_("“%(label)s” is answered yes or no.") % {"label": label})


def clean_values(
    template: ReportTemplate,
    values: Mapping[str, Any],
    narrative: Mapping[str, Any],
    *,
    complete: bool,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Each value of its indicator's type; with ``complete``, every required one present.

    Empty answers are left out (a draft may be partial)."""
    indicators = {i.code: i for i in template.indicators.all()}
    sections = {s.code: s for s in template.sections.all()}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(values) - set(indicators)) + sorted(set(narrative) - set(sections))
    if unknown:
        raise ValidationError(
            _("This report has no field %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    cleaned: dict[str, Any] = {}
    for code, ind in indicators.items():
        raw = values.get(code)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if complete and ind.required:
                errors.setdefault(code, []).append(
                    _("“%(label)s” is required.") % {"label": ind.label}
                )
            continue
        try:
            if ind.kind in (IndicatorKind.INTEGER, IndicatorKind.DECIMAL):
                cleaned[code] = _number(raw, ind.kind, ind.label)
            elif ind.kind == IndicatorKind.YES_NO:
                cleaned[code] = _yes_no(raw, ind.label)
            else:
                if not isinstance(raw, str):
                    raise ValidationError(_("“%(label)s” is text.") % {"label": ind.label})
                if len(raw) > TEXT_MAX:
                    raise ValidationError(_("“%(label)s” is too long.") % {"label": ind.label})
                cleaned[code] = raw.strip()
        except ValidationError as exc:
            errors.setdefault(code, []).extend(exc.messages)
    texts: dict[str, str] = {}
    for code, sec in sections.items():
        raw = narrative.get(code)
        if raw is not None and not isinstance(raw, str):
            errors.setdefault(code, []).append(_("“%(t)s” is text.") % {"t": sec.title})
            continue
        text = (raw or "").strip()
        if len(text) > TEXT_MAX:
            errors.setdefault(code, []).append(_("“%(t)s” is too long.") % {"t": sec.title})
        elif text:
            texts[code] = text
        elif complete and sec.required:
            errors.setdefault(code, []).append(_("“%(t)s” is required.") % {"t": sec.title})
    if errors:
        raise ValidationError(errors)
    return cleaned, texts
