"""Until the alert pages are wired (another branch), links to them resolve to stubs."""

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
