"""The summary report list (page and API) costs the same queries for more reports."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from vigil.reports.summaries.models import ReportKind, SummaryReport

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/reports/", "/api/v1/reports/"])
def test_the_report_list_costs_the_same_queries_for_more_rows(
    url: str,
    client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
    draft: Callable[..., SummaryReport],
) -> None:
    client = api_for("thuongtruc") if url.startswith("/api/") else client_for("thuongtruc")

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            assert response.status_code == 200
        rows = (
            response.json()["count"] if url.startswith("/api/")
            else response.context["page"].paginator.count
        )  # fmt: skip
        return len(ctx.captured_queries), rows

    queries()
    before, rows = queries()  # the demo's Mật report among them: the read is audited
    for month in (1, 2, 3):
        draft(ReportKind.MONTHLY, 2026, month)
    draft(ReportKind.MONTHLY, 2026, 4, by="lanhdao")
    after, more = queries()
    assert more == rows + 4
    assert after == before
