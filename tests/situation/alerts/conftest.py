"""Until the alert pages are wired (another branch), links to them resolve to stubs;
``demo_alerts`` seeds the app's demo alerts inside the test's transaction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import NoReverseMatch, clear_url_caches, reverse


@pytest.fixture(autouse=True)
def _alert_pages(settings: Any) -> Iterator[None]:
    try:
        reverse("situation:alert_board", kwargs={"pk": 1})
        reverse("situation:alert_detail", kwargs={"pk": 1})
    except NoReverseMatch:
        settings.ROOT_URLCONF = "tests.situation.alerts.stub_urls"
        clear_url_caches()
        yield
        clear_url_caches()
        return
    yield


@pytest.fixture
def demo_alerts(db: None) -> dict[str, Any]:
    from tests.situation.alerts.helpers import world
    from vigil.core.audit import SystemActor
    from vigil.situation.alerts import demo
    from vigil.situation.alerts.demo import seed_alerts
    from vigil.situation.alerts.models import Alert

    keys = {"exercise": demo.EXERCISE, "real": demo.REAL, "escalated": demo.ESCALATED,
            "case5": demo.CASE_5_HEADLINE, "case7": demo.CASE_7_HEADLINE}  # fmt: skip
    if Alert.objects.filter(headline=demo.CASE_5_HEADLINE).exists():  # seeded with the demo
        return {k: Alert.objects.get(headline=v, msg_type="Alert") for k, v in keys.items()}
    return seed_alerts(world(), SystemActor("seed"))
