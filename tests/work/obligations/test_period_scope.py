"""A report period is seen through a narrower form of the one scope rule: the issuing
side of its obligation (``visible_owned``), not every unit the obligation reaches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from tests.work.obligations.conftest import World
from vigil.accounts.models import User
from vigil.work.obligations import services
from vigil.work.obligations.models import ReportObligation, ReportPeriod

pytestmark = pytest.mark.django_db


def test_a_period_is_seen_by_the_issuing_side_of_its_obligation_only(
    world: World, make_obligation: Callable[..., ReportObligation]
) -> None:
    obligation = make_obligation()
    services.open_period(obligation, day=dt.date(2026, 1, 5), actor=world.user("thuongtruc"))
    assert ReportPeriod.objects.exists()
    narrower = 0
    for user in User.objects.all():
        periods = set(ReportPeriod.objects.visible_to(user))
        owned = ReportObligation.objects.visible_owned(user)
        assert periods == set(ReportPeriod.objects.filter(obligation__in=owned))
        seen = set(ReportObligation.objects.visible_to(user))
        assert {p.obligation for p in periods} <= seen
        narrower += obligation in seen and not periods
    assert narrower, "a unit that reports sees the obligation, not the consolidation"
