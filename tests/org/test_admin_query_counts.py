"""The administration lists cost a fixed number of queries, whatever the row count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_query_counts import grow_the_directory, queries
from vigil.accounts.models import User
from vigil.core.audit import SystemActor
from vigil.org import services
from vigil.org.models import Agency, Committee

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")

LISTS = [
    "org:admin_index",
    "org:admin_agency_list",
    "org:admin_user_list",
    "org:admin_clearance_list",
    "api-user-list",
    "api-membership-list",
    "api-clearancerequest-list",
]


def grow_the_users(n: int, quantri: User, start: int = 0) -> None:
    health = Agency.objects.get(name="Sở Y tế")
    for i in range(start, start + n):
        services.create_member_user(
            username=f"nguoi_{i}", full_name=f"Người {i}", email=f"n{i}@demo.vigil.invalid",
            password=None, agency=health, role="officer", valid_from=dt.date(2025, 7, 1),
            actor=SYSTEM,
        )  # fmt: skip
        services.set_clearance(User.objects.get(username=f"nguoi_{i}"), 1, actor=quantri)


@pytest.mark.parametrize("url_name", LISTS)
def test_an_administration_list_costs_the_same_queries_for_more_rows(
    url_name: str, client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    client = client_for("quantri")
    url = reverse(url_name)
    grow_the_users(1, persona("quantri"), start=100)  # a list that is not empty to start with
    queries(client, url)
    before = queries(client, url)
    grow_the_directory(3)
    grow_the_users(3, persona("quantri"))
    after = queries(client, url)
    assert after == before, f"{url_name}: {before} queries, then {after} with more rows"


def test_a_committees_administration_page_costs_the_same_queries(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("quantri")
    url = reverse(
        "org:admin_committee", args=[Committee.objects.get(name__endswith="tỉnh Quảng Ninh").pk]
    )
    queries(client, url)
    before = queries(client, url)
    grow_the_directory(3)
    assert queries(client, url) == before
