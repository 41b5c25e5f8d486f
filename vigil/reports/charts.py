"""A section's charts as images: PNG for the .docx and the page (to be built)."""

from __future__ import annotations

from vigil.reports.sections.base import Chart


def chart_png(chart: Chart) -> bytes:
    """The bar chart as a PNG image."""
    raise NotImplementedError
