"""The home page's work figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.work.helpers import agency
from vigil.core import clock
from vigil.work.models import Task
from vigil.work.summary import summary_for

pytestmark = pytest.mark.django_db


def test_an_agency_sees_its_open_and_overdue_tasks(persona: Callable[[str], Any]) -> None:
    figures = {str(i["label"]): i["value"] for i in summary_for(persona("congthuong"))["items"]}
    mine = Task.objects.filter(assignee=agency("dit"), state__in=Task.OPEN_STATES)
    assert list(figures.values())[:2] == [
        mine.count(),
        mine.filter(deadline__lt=clock.today()).count(),
    ]
    assert len(figures) == 2  # no issuer figure for a member agency


def test_the_standing_office_sees_what_waits_for_acceptance(persona: Callable[[str], Any]) -> None:
    items = summary_for(persona("thuongtruc"))["items"]
    waiting = Task.objects.filter(owning_committee__level="province", state="done").count()
    assert items[-1]["value"] == waiting >= 1


def test_the_home_page_shows_the_work_panel(client_for: Callable[[str], Client]) -> None:
    page = client_for("congthuong").get("/").content.decode()
    assert "Công tác" in page
    assert "/work/tasks/?view=mine" in page
