"""Who sees a summary report: the issuing side only (committee-wide roles in the owning
committee or above, within clearance), not every member of the committee's standing
agency, which the rule on ``Owned`` would let in. Per persona: case 21 of the scope test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.org.test_scope_rule import SYSTEM, fresh_user, grant
from vigil.core.classification import Classification
from vigil.org.models import Agency, Committee, Role
from vigil.reports.models import ReportKind, SummaryReport
from vigil.reports.summaries import services

pytestmark = pytest.mark.django_db


def province() -> Committee:
    return Committee.objects.get(name__endswith="tỉnh Quảng Ninh")


def test_an_officer_of_the_standing_agency_does_not_see_the_committees_reports(
    persona: Callable[[str], Any],
) -> None:
    report = services.draft_report(province(), ReportKind.MONTHLY, 2026, 10,
                                   actor=persona("thuongtruc"))  # fmt: skip
    officer = fresh_user(Classification.TOP_SECRET)
    grant(officer, Agency.objects.get(name="Công an tỉnh Quảng Ninh"), Role.OFFICER)
    assert report.owning_agency.name == "Công an tỉnh Quảng Ninh"
    assert not SummaryReport.objects.visible_to(officer).filter(pk=report.pk).exists()
    client = Client()
    client.force_login(officer)
    assert client.get(report.get_absolute_url()).status_code == 404
    assert SummaryReport.objects.visible_to(SYSTEM).filter(pk=report.pk).exists()
