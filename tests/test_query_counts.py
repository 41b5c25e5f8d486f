"""List pages and API lists cost a fixed number of queries, whatever the row count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vigil.core.audit import SystemActor
from vigil.org import services
from vigil.org.models import Agency, Committee, Post

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
START = dt.date(2025, 7, 1)

LISTS = [
    "home:index",
    "org:committee_tree",
    "org:agency_list",
    "org:admin_unit_list",
    "api-committee-list",
    "api-agency-list",
    "api-post-list",
    "api-postholder-list",
    "api-memberagency-list",
    "api-contactpoint-list",
    "api-adminunit-list",
    "sites:site_list",
    "sites:risk_register",
    "api-site-list",
    "api-plan-list",
    "api-planversion-list",
    "api-riskassessment-list",
    "sites:site_map",
    "api-site-map",
]


def grow_the_directory(n: int) -> None:
    province = Committee.objects.get(name__endswith="tỉnh Quảng Ninh")
    dit = Agency.objects.get(name="Sở Công Thương")
    for i in range(n):
        agency = services.create_agency(
            name=f"Đơn vị thử {i}", kind=Agency.Kind.DEPARTMENT, committee=province, actor=SYSTEM
        )
        services.create_contact_point(
            agency, label=f"Liên lạc {i}", shared_agencies=[dit], actor=SYSTEM
        )
        post = services.create_post(
            province, kind=Post.Kind.MEMBER, title="Ủy viên", agency=agency, actor=SYSTEM
        )
        services.appoint_holder(post, holder_name=f"Người {i}", valid_from=START, actor=SYSTEM)
        services.create_committee(
            name=f"Ban thử {i}",
            short_name="BCĐ",
            level=Committee.Level.COMMUNE,
            parent=province,
            actor=SYSTEM,
        )


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("username", ["congthuong", "thuongtruc"])  # thuongtruc: audited lists
@pytest.mark.parametrize("url_name", LISTS)
def test_a_list_costs_the_same_queries_for_more_rows(
    url_name: str, username: str, client_for: Callable[[str], Client]
) -> None:
    client = client_for(username)
    url = reverse(url_name)
    queries(client, url)  # warm the session
    before = queries(client, url)
    grow_the_directory(5)
    after = queries(client, url)
    assert after == before, f"{url_name}: {before} queries, then {after} with 5 more rows"
