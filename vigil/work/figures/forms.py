"""The work figures' choice of committee, year and period: the figures pages' shared
period (``vigil.org.figure_periods``: ``?year=2026&period=q4&committee=ID``), save that
work figures are always a committee's: no "everything you may see", the user's own
committee by default. Shape only."""

from __future__ import annotations

import dataclasses

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.accounts.models import User
from vigil.org.figure_periods import Asked, PeriodForm, committees_for
from vigil.org.models import Committee
from vigil.org.scope import Viewer, primary_membership


def default_committee(user: Viewer) -> Committee | None:
    """The committee of the user's primary role, else the first they see (None: they
    see none)."""
    committees = committees_for(user)
    membership = primary_membership(user) if isinstance(user, User) else None
    committee_id = getattr(membership, "committee_id", None)
    chosen = committees.filter(pk=committee_id).first() if committee_id else None
    return chosen or committees.first()


def with_committee(user: Viewer, asked: Asked) -> Asked:
    """What was asked, with the user's committee when none was."""
    if asked.committee is not None:
        return asked
    return dataclasses.replace(asked, committee=default_committee(user))


class WorkPeriodForm(PeriodForm):
    committee = forms.ModelChoiceField(
        label=_("Committee"), queryset=Committee.objects.none(), required=False,
        empty_label=None,
    )  # fmt: skip
