"""A summary report's tables as an .xlsx workbook (to be built)."""

from __future__ import annotations

from vigil.reports.summaries.models import SummaryReport


def xlsx_bytes(report: SummaryReport) -> bytes:
    """Every table of the report, a sheet each, with the figures on the first sheet."""
    raise NotImplementedError
