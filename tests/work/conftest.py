from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Service messages are matched in English here; the Vietnamese ones are tested where
    a user reads them (the stale-save message, the pages)."""
    with translation.override("en"):
        yield
