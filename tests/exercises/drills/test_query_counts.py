"""The exercise list (page and API) costs the same queries for more exercises."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from vigil.exercises.drills.models import Exercise

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/exercises/", "/api/v1/exercises/"])
def test_the_exercise_list_costs_the_same_queries_for_more_rows(
    url: str,
    client_for: Callable[[str], Client],
    api_for: Callable[..., Client],
    plan_one: Callable[..., Exercise],
    persona: Callable[[str], Any],
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
    before, rows = queries()
    market = Exercise.objects.get(classification=1)  # a classified row: the read is audited
    assert market.pk
    for i in range(3):
        plan_one(name=f"Diễn tập thử {i}", site=market.site if i == 0 else None,
                 starts_on=dt.date(2026, 11, 1 + i), ends_on=dt.date(2026, 11, 1 + i))  # fmt: skip
    after, more = queries()
    assert more == rows + 3
    assert after == before
