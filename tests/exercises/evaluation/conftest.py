from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _vietnamese_messages() -> Iterator[None]:
    """Refusals are read in the user's language: Vietnamese."""
    with translation.override("vi"):
        yield
