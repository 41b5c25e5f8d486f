"""The trainings and drills section says what the exercises figures page and API say, for
the same reader, committee and year: each figure of the section is the API's figure
(both call ``exercise_figures``), and the page the figure links to shows it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from vigil.org.models import Committee
from vigil.reports.models import ReportKind
from vigil.reports.sections.base import SectionContent
from vigil.reports.summaries import services

pytestmark = pytest.mark.django_db

# The section's figure key -> the API's field.
API_FIELDS = {
    "exercises": "exercises", "trainings_held": "trainings_held",
    "participants": "participants", "agencies": "agencies_involved",
    "sites_exercised": "sites_exercised", "sites_total": "sites_total",
    "sites_exercised_percent": "sites_exercised_percent",
    "actions_closed": "corrective_actions_closed", "actions_open": "corrective_actions_open",
    "actions_overdue": "corrective_actions_overdue",
    "plans_revision_required": "plans_revision_required", "plans_revised": "plans_revised",
}  # fmt: skip


def province() -> Committee:
    return Committee.objects.get(name__endswith="tỉnh Quảng Ninh")


@pytest.mark.parametrize("username", ["thuongtruc", "lanhdao"])
def test_the_section_agrees_with_the_exercises_figures_api_and_page(
    persona: Callable[[str], Any], api_for: Callable[..., Client],
    client_for: Callable[[str], Client], username: str,
) -> None:  # fmt: skip
    report = services.draft_report(province(), ReportKind.ANNUAL, 2026, actor=persona(username))
    content = SectionContent.from_json(report.sections.get(key="exercises").content)
    api = api_for(username).get(
        "/api/v1/exercise-figures/", {"year": 2026, "committee": province().pk}
    ).json()  # fmt: skip
    assert {f.key for f in content.figures} == set(API_FIELDS)
    for figure in content.figures:
        assert figure.value == api[API_FIELDS[figure.key]], figure.key
    assert content.figure("exercises") and content.figure("trainings_held")
    page = client_for(username).get(content.figures[0].source)
    assert page.status_code == 200
    assert page.context["figures"].exercises == content.figure("exercises")
    assert page.context["figures"].sites_total == content.figure("sites_total")
