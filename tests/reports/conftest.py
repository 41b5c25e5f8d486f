"""The demo's issued report (vigil/reports/demo.py), the province, and a draft helper."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from vigil.org.models import Committee
from vigil.reports.summaries import services
from vigil.reports.summaries.models import ReportKind, SummaryReport


@pytest.fixture
def province(db: None) -> Committee:
    return Committee.objects.get(name__endswith="tỉnh Quảng Ninh")


@pytest.fixture
def commune_a(db: None) -> Committee:
    return Committee.objects.get(name__endswith="đặc khu Vân Đồn")


@pytest.fixture
def demo_report(db: None) -> SummaryReport:
    """The province's issued quarterly report, classified Mật."""
    return SummaryReport.objects.get(kind=ReportKind.QUARTERLY, state="issued",
                                     owning_committee__name__endswith="tỉnh Quảng Ninh")  # fmt: skip


@pytest.fixture
def draft(persona: Callable[[str], Any], province: Committee) -> Callable[..., SummaryReport]:
    def make(kind: str = ReportKind.ANNUAL, year: int = 2026, part: int = 0, *,
             committee: Committee | None = None, by: str = "thuongtruc") -> SummaryReport:  # fmt: skip
        return services.draft_report(committee or province, kind, year, part, actor=persona(by))

    return make
