"""The downloads built by the chart, .xlsx and edXML outputs (``vigil.reports.charts.
chart_png``, ``summaries.exports.xlsx_bytes``, ``summaries.documents.edxml_bytes``): each
page and endpoint answers its file with its type to who sees the report, 404 to who does
not; edXML only for an issued, unclassified report. (These need the outputs built; the
.docx, built already, is tested with the pages and the API.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from vigil.core.xlsx import XLSX_TYPE
from vigil.org.models import Committee
from vigil.reports.sections.base import SectionContent
from vigil.reports.summaries import services
from vigil.reports.summaries.models import ReportKind, SummaryReport

pytestmark = pytest.mark.django_db


def _unclassified_issued(persona: Callable[[str], object], commune_a: Committee) -> SummaryReport:
    """Commune A's report drafted by its office (cleared Thường: nothing it counts is
    classified), issued by the province's leader."""
    report = services.draft_report(commune_a, ReportKind.QUARTERLY, 2026, 2,
                                   actor=persona("xa_a"))  # type: ignore[arg-type]  # fmt: skip
    assert report.classification == 0
    return services.issue_report(report, actor=persona("lanhdao"))  # type: ignore[arg-type]


def test_the_xlsx_downloads_from_the_page_and_the_api(
    client_for: Callable[[str], Client], api_for: Callable[..., Client],
    demo_report: SummaryReport,
) -> None:  # fmt: skip
    for response in (
        client_for("thuongtruc").get(reverse("reports:report_xlsx", args=[demo_report.pk])),
        api_for("kiemtoan").get(reverse("api-report-xlsx", args=[demo_report.pk])),
    ):
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_TYPE
        assert response.content[:2] == b"PK"
    assert client_for("xa_a").get(
        reverse("reports:report_xlsx", args=[demo_report.pk])).status_code == 404  # fmt: skip
    assert api_for("quantri").get(
        reverse("api-report-xlsx", args=[demo_report.pk])).status_code == 404  # fmt: skip


def test_edxml_goes_out_for_an_issued_unclassified_report_only(
    client_for: Callable[[str], Client], api_for: Callable[..., Client],
    persona: Callable[[str], object], commune_a: Committee, demo_report: SummaryReport,
) -> None:  # fmt: skip
    issued = _unclassified_issued(persona, commune_a)
    page = client_for("xa_a").get(reverse("reports:report_edxml", args=[issued.pk]))
    api = api_for("xa_a").get(reverse("api-report-edxml", args=[issued.pk]))
    for response in (page, api):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/xml")
        assert b"<" in response.content[:100]
    # A Mật report, and a draft, are refused (the page sends back with the reason).
    assert client_for("thuongtruc").get(
        reverse("reports:report_edxml", args=[demo_report.pk])).status_code == 302  # fmt: skip
    refused = api_for("thuongtruc").get(reverse("api-report-edxml", args=[demo_report.pk]))
    assert refused.status_code == 403
    draft = services.draft_report(commune_a, ReportKind.QUARTERLY, 2026, 1,
                                  actor=persona("xa_a"))  # type: ignore[arg-type]  # fmt: skip
    assert api_for("xa_a").get(reverse("api-report-edxml", args=[draft.pk])).status_code == 403
    assert client_for("xa_b").get(
        reverse("reports:report_edxml", args=[issued.pk])).status_code == 404  # fmt: skip


def test_a_sections_chart_is_a_png_on_the_report_page(
    client_for: Callable[[str], Client], persona: Callable[[str], object], province: Committee
) -> None:
    report = services.draft_report(province, ReportKind.ANNUAL, 2026,
                                   actor=persona("thuongtruc"))  # type: ignore[arg-type]  # fmt: skip
    charted = [(s, c) for s in report.sections.order_by("order")
               for c in SectionContent.from_json(s.content).charts]  # fmt: skip
    assert charted, "the demo year gives at least one chart (drills by type)"
    client = client_for("thuongtruc")
    page = client.get(report.get_absolute_url()).content.decode()
    for section, chart in charted:
        url = reverse("reports:report_chart", args=[report.pk, section.key, chart.key])
        assert f'src="{url}"' in page
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
    section, chart = charted[0]
    assert (
        client_for("xa_a")
        .get(reverse("reports:report_chart", args=[report.pk, section.key, chart.key]))
        .status_code
        == 404
    )
    assert (
        client.get(
            reverse("reports:report_chart", args=[report.pk, section.key, "no-such-chart"])
        ).status_code
        == 404
    )
