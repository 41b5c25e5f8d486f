"""The period a figures page is asked for: a year, or a half, a quarter or a month of it
(``?year=2026&period=q4``), and the committee (with those below it). The apps' figures
pages and APIs parse it here; the reports app names the same period by the same code
(``period_code``), so the page a report's figure links to shows that figure.

Shape only: the committee is one of ``committees_for(user)`` (the directory the user
sees); the figures are then read through the scope rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from vigil.core import audit
from vigil.core.endpoints import Id
from vigil.org.models import Committee
from vigil.org.scope import Viewer

ROMAN = ("", "I", "II", "III", "IV")
MONTHS = 12
# The codes after "period=": "" (the year), h1–h2, q1–q4, m1–m12; each with its months.
SPANS: dict[str, tuple[int, int]] = {
    "": (1, 12),
    **{f"h{n}": (6 * n - 5, 6 * n) for n in (1, 2)},
    **{f"q{n}": (3 * n - 2, 3 * n) for n in (1, 2, 3, 4)},
    **{f"m{n}": (n, n) for n in range(1, MONTHS + 1)},
}
# The reports' kinds of period (``ReportKind`` values) and the letter of their code.
KIND_LETTERS = {"annual": "", "six_month": "h", "quarterly": "q", "monthly": "m"}


def _label(code: str) -> Any:
    if not code:
        return _("The whole year")
    letter, n = code[0], int(code[1:])
    if letter == "h":
        return _("First half") if n == 1 else _("Second half")
    if letter == "q":
        return _("Quarter %(n)s") % {"n": ROMAN[n]}
    return _("Month %(n)d") % {"n": n}


PERIOD_CHOICES = [(code, _label(code)) for code in SPANS]


def last_day_of_month(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def bounds(year: int, code: str = "") -> tuple[dt.date, dt.date]:
    """The first and last day of the period ``code`` of ``year`` (``KeyError`` when the
    code is none)."""
    first, last = SPANS[code]
    return dt.date(year, first, 1), last_day_of_month(year, last)


def period_code(kind: str, part: int = 0) -> str:
    """The code of a report's period: ("quarterly", 4) → "q4"; a year → ""."""
    letter = KIND_LETTERS[kind]
    return f"{letter}{part}" if letter else ""


def page_query(year: int, code: str, committee: Committee | None) -> dict[str, Any]:
    """The query of a figures page (or API) for the period and committee: what a
    report's figure names as its source."""
    query: dict[str, Any] = {"year": year}
    if code:
        query["period"] = code
    if committee is not None:
        query["committee"] = committee.pk
    return query


def committees_for(user: Viewer) -> QuerySet[Committee]:
    """The committees whose figures the user may ask for: the directory they see."""
    return Committee.objects.visible_to(user).order_by("path")


@dataclass(frozen=True)
class Asked:
    """What a figures page or API was asked: the year, the period's code and days, the
    committee (None: everything the user sees)."""

    year: int
    code: str
    start: dt.date
    end: dt.date
    committee: Committee | None


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100, required=False)
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False)
    committee = forms.ModelChoiceField(
        label=_("Committee"), queryset=Committee.objects.none(), required=False,
        empty_label=_("Everything you may see"),
    )  # fmt: skip

    def __init__(self, *args: Any, committees: QuerySet[Committee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["committee"]
        field.queryset = committees

    def asked(self, default_year: int) -> Asked:
        """The period and committee asked for; the defaults (this year, everything)
        for what is missing or invalid (the page shows the form's errors)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        year = data.get("year") or default_year
        code = data.get("period") or ""
        start, end = bounds(year, code)
        return Asked(year, code, start, end, data.get("committee"))


def record_view(user: Any, asked: Asked, classification: int, *, path: str) -> None:
    """One view event for figures counted from classified objects (page, API alike):
    reading them is audited like reading those. Unclassified figures record nothing."""
    if not classification:
        return
    committee_id = asked.committee.pk if asked.committee is not None else None
    with transaction.atomic():
        audit.record(
            audit.CoreAction.OBJECT_VIEWED, actor=user, object_type="page",
            object_id=path[:64], classification=classification, committee_id=committee_id,
            after={"path": path, "year": asked.year, "period": asked.code,
                   "committee": committee_id},
        )  # fmt: skip


class FiguresQuery(serializers.Serializer[Any]):
    """The figures APIs' query: the same parameters as the pages."""

    year = serializers.IntegerField(
        required=False, min_value=1900, max_value=2100, help_text="default: this year"
    )
    period = serializers.ChoiceField(
        choices=list(SPANS), required=False, allow_blank=True,
        help_text="h1–h2, q1–q4, m1–m12; default: the whole year",
    )  # fmt: skip
    committee = Id(
        required=False,
        help_text="this committee and those below it; default: everything you may see",
    )


def asked_by_api(
    user: Viewer, params: dict[str, Any], default_year: int,
    serializer: type[FiguresQuery] = FiguresQuery,
) -> Asked:  # fmt: skip
    """The period and committee an API request asks for (read by ``serializer``, the
    shared query or a subclass of it); a committee the user does not see is refused as
    a missing one is (400, the same words)."""
    query = serializer(data=params)
    query.is_valid(raise_exception=True)
    values = query.validated_data
    committee = None
    if values.get("committee") is not None:
        committee = committees_for(user).filter(pk=values["committee"]).first()
        if committee is None:
            raise serializers.ValidationError({"committee": _("Choose a committee you may see.")})
    year = values.get("year") or default_year
    code = values.get("period") or ""
    start, end = bounds(year, code)
    return Asked(year, code, start, end, committee)
