"""The corrective actions are reached from the exercises' sub-menu: the agency that
must act finds them without knowing the address."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _subnav(client: Client, url: str) -> list[tuple[str, str | None, str | None]]:
    response = client.get(url)
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content.decode())
    return [(a.text_content().strip(), a.get("href"), a.get("aria-current"))
            for a in doc.xpath("//nav[@class='subnav']/a")]  # fmt: skip


def test_the_agency_finds_the_corrective_actions_in_the_exercises_sub_menu(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("congthuong")
    assert ("Biện pháp khắc phục", "/exercises/corrective-actions/", None) in _subnav(
        client, "/exercises/"
    )
    assert ("Biện pháp khắc phục", "/exercises/corrective-actions/", "page") in _subnav(
        client, "/exercises/corrective-actions/"
    )
