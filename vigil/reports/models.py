"""Reports and commendations: the audit verbs, and every model of the app, each defined
in its concept's ``models.py`` (summaries, commendations) and imported here so that
Django and the migrations see them as the app's."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.reports.commendations.models import (
    Authority,
    Commendation,
    CommendationForm,
    CommendationKind,
    CommendationState,
    RecipientKind,
)
from vigil.reports.summaries.models import ReportKind, ReportState, SummaryReport, SummarySection

__all__ = [
    "Authority",
    "Commendation",
    "CommendationForm",
    "CommendationKind",
    "CommendationState",
    "RecipientKind",
    "ReportAction",
    "ReportKind",
    "ReportState",
    "SummaryReport",
    "SummarySection",
]


class ReportAction(models.TextChoices):
    REPORT_DRAFTED = "report.drafted", _("Summary report drafted")
    REPORT_REDRAFTED = "report.redrafted", _("Summary report figures recomputed")
    SECTION_EDITED = "report.section_edited", _("Summary report section edited")
    REPORT_ISSUED = "report.issued", _("Summary report issued")
    REPORT_DISCARDED = "report.discarded", _("Summary report draft discarded")
    COMMENDATION_PROPOSED = "commendation.proposed", _("Commendation proposed")
    COMMENDATION_CHANGED = "commendation.changed", _("Commendation proposal changed")
    COMMENDATION_REVIEWED = "commendation.reviewed", _("Commendation reviewed")
    COMMENDATION_DECIDED = "commendation.decided", _("Commendation decided")
    COMMENDATION_REFUSED = "commendation.refused", _("Commendation refused")
