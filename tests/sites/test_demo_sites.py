"""The demo's sites and plans: every state of the workflow and of freshness."""

from __future__ import annotations

import pytest

from vigil.sites import queries
from vigil.sites.models import Freshness, Plan, PlanVersion, VersionStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_plans_in_every_state() -> None:
    states = {queries.freshness(plan) for plan in Plan.objects.all()}
    assert states == set(Freshness)
    statuses = set(PlanVersion.objects.values_list("status", flat=True))
    assert statuses == set(VersionStatus.values)
