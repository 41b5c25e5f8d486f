"""The exercises' part of the menus, and the panels the other concepts fill on an
exercise's page."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
import pytest
from django.test import Client

from vigil.exercises.drills.models import Exercise

pytestmark = pytest.mark.django_db


def _doc(client: Client, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def test_the_exercise_list_is_marked_in_the_menu_and_the_sub_menu(
    client_for: Callable[[str], Client],
) -> None:
    doc = _doc(client_for("thuongtruc"), "/exercises/")
    main = [(a.text_content().strip(), a.get("aria-current"))
            for a in doc.xpath("//nav[@class='main-nav']/a[@aria-current]")]  # fmt: skip
    assert main == [("Diễn tập", "true")]
    sub = [(a.text_content().strip(), a.get("aria-current"))
           for a in doc.xpath("//nav[@class='subnav']/a")]  # fmt: skip
    assert ("Diễn tập", "page") in sub


def test_a_licensed_organisation_gets_no_exercises_item(
    client_for: Callable[[str], Client],
) -> None:
    doc = _doc(client_for("kho_mo"), "/")
    assert "Diễn tập" not in [a.text_content().strip()
                              for a in doc.xpath("//nav[@class='main-nav']/a")]  # fmt: skip


def test_the_exercise_page_includes_the_evaluation_and_live_panels(
    exercises: dict[str, Exercise], client_for: Callable[[str], Client]
) -> None:
    response = client_for("thuongtruc").get(f"/exercises/{exercises['seaport'].pk}/")
    names = {t.name for t in response.templates}
    assert {"exercises/_evaluation_panel.html", "exercises/_live_panel.html"} <= names
