"""The work figures page's choice of committee, year and part of the year: shape only."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.accounts.models import User
from vigil.org.models import Committee
from vigil.org.scope import Viewer, primary_membership

# The parts of a year a report covers: "" the year, h1–h2, q1–q4, m1–m12.
PARTS: list[tuple[str, Any]] = [
    ("", _("Whole year")),
    ("h1", _("First half")),
    ("h2", _("Second half")),
    *[(f"q{n}", _("Quarter %(n)d") % {"n": n}) for n in range(1, 5)],
    *[(f"m{n}", _("Month %(n)d") % {"n": n}) for n in range(1, 13)],
]


def span(year: int, part: str = "") -> tuple[dt.date, dt.date]:
    """The first and last day of ``part`` of ``year`` (the whole year for "")."""
    months = {"": 12, "h": 6, "q": 3, "m": 1}[part[:1]]
    index = int(part[1:]) if part else 1
    first = (index - 1) * months + 1
    last = first + months - 1
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def committees_for(user: Viewer) -> QuerySet[Committee]:
    """The committees whose figures the user may ask for: the directory they see."""
    return Committee.objects.visible_to(user).order_by("path")


def default_committee(user: Viewer, committees: QuerySet[Committee]) -> Committee | None:
    """The committee of the user's primary role, else the first they see."""
    membership = primary_membership(user) if isinstance(user, User) else None
    committee_id = getattr(membership, "committee_id", None)
    chosen = committees.filter(pk=committee_id).first() if committee_id else None
    return chosen or committees.first()


class FiguresForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    part = forms.ChoiceField(label=_("Period"), choices=PARTS, required=False)
    committee = forms.ModelChoiceField(
        label=_("Committee"), queryset=Committee.objects.none(), required=False,
        empty_label=None,
    )  # fmt: skip

    def __init__(self, *args: Any, committees: QuerySet[Committee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["committee"]
        field.queryset = committees
