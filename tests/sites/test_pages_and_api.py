"""The pages and the API through the scope rule: a commune officer sees their commune's
sites only; what is not yours, or above your clearance, is not found."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.sites.helpers import SYSTEM, commune_a, new_site
from vigil.sites import demo
from vigil.sites.models import KeySite, Plan, VersionStatus

pytestmark = pytest.mark.django_db


def _site(name: str) -> KeySite:
    return KeySite.objects.get(name=name)


def test_xa_a_lists_only_commune_a_sites(client_for: Callable[[str], Client],
                                         api_for: Callable[..., Client]) -> None:  # fmt: skip
    body = client_for("xa_a").get("/sites/").content.decode()
    assert demo.AIRPORT in body
    assert demo.SEAPORT not in body and demo.MARKET not in body
    names = {row["name"] for row in api_for("xa_a").get("/api/v1/sites/").json()["results"]}
    assert names == {demo.AIRPORT}


def test_xa_b_gets_404_for_xa_a_site(client_for: Callable[[str], Client],
                                     api_for: Callable[..., Client]) -> None:  # fmt: skip
    airport = _site(demo.AIRPORT)
    assert client_for("xa_a").get(f"/sites/{airport.pk}/").status_code == 200
    assert client_for("xa_b").get(f"/sites/{airport.pk}/").status_code == 404
    assert api_for("xa_b").get(f"/api/v1/sites/{airport.pk}/").status_code == 404


def test_a_plan_above_clearance_is_not_found(client_for: Callable[[str], Client],
                                             api_for: Callable[..., Client]) -> None:  # fmt: skip
    secret = Plan.objects.get(code_name=demo.CASE_6_PLAN)
    assert client_for("lanhdao").get(f"/plans/{secret.pk}/").status_code == 200
    assert client_for("thuongtruc").get(f"/plans/{secret.pk}/").status_code == 404
    assert api_for("thuongtruc").get(f"/api/v1/plans/{secret.pk}/").status_code == 404
    version = secret.in_force
    assert version is not None
    assert api_for("thuongtruc").get(f"/api/v1/plan-versions/{version.pk}/").status_code == 404
    # The seaport's page lists its other plan, not this one.
    body = client_for("thuongtruc").get(f"/sites/{secret.sites.get().pk}/").content.decode()
    assert "KB-CB 01" in body and demo.CASE_6_PLAN not in body


def test_search_ignores_diacritics_and_filters_by_state(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("thuongtruc")
    body = client.get("/sites/", {"q": "cua khau mong cai"}).content.decode()
    assert demo.BORDER_GATE in body and demo.SEAPORT not in body
    body = client.get("/sites/", {"state": "overdue"}).content.decode()
    assert demo.SEAPORT in body and demo.AIRPORT not in body
    body = client.get("/sites/risks/").content.decode()
    assert body.index(demo.BORDER_GATE) < body.index(demo.SEAPORT) < body.index(demo.COAL_MINE)


def test_a_leader_approves_on_the_page_and_the_plan_is_current(
    client_for: Callable[[str], Client],
) -> None:
    market = Plan.objects.get(code_name="KB-MC 01")
    waiting = market.versions.get(status=VersionStatus.SUBMITTED)
    client = client_for("lanhdao")
    response = client.post(f"/plan-versions/{waiting.pk}/approve/", {"decision_number": ""})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == VersionStatus.SUBMITTED  # refused: no decision number
    client.post(f"/plan-versions/{waiting.pk}/approve/", {"decision_number": "99/QĐ-BCĐ"})
    body = client.get(f"/plans/{market.pk}/").content.decode()
    assert "Còn hiệu lực" in body and "99/QĐ-BCĐ" in body


def test_the_api_approves_and_refuses_in_vietnamese(api_for: Callable[..., Client]) -> None:
    market = Plan.objects.get(code_name="KB-MC 01")
    waiting = market.versions.get(status=VersionStatus.SUBMITTED)
    api = api_for("lanhdao", "write")
    url = f"/api/v1/plan-versions/{waiting.pk}/approve/"
    refused = api.post(url, {"decision_number": "1/QĐ"}, content_type="application/json")
    assert refused.status_code == 200
    again = api.post(url, {"decision_number": "2/QĐ"}, content_type="application/json")
    assert again.status_code == 400
    assert "đã được phê duyệt" in again.json()["error"]["message"]


def test_the_site_list_costs_the_same_queries_for_more_sites(
    client_for: Callable[[str], Client], api_for: Callable[..., Client]
) -> None:
    client, api = client_for("thuongtruc"), api_for("thuongtruc")

    def count() -> tuple[int, ...]:
        sizes = []
        for c, url in ((client, "/sites/"), (client, "/sites/risks/"), (api, "/api/v1/sites/"),
                       (client, "/")):  # fmt: skip
            with CaptureQueriesContext(connection) as ctx:
                assert c.get(url).status_code == 200
            sizes.append(len(ctx.captured_queries))
        return tuple(sizes)

    count()
    before = count()
    for i in range(4):
        new_site(f"Mục tiêu thêm {i}", committee=commune_a(), latitude="21.1", longitude="107.4")
    assert count() == before
    assert SYSTEM


def test_a_yes_no_filter_refuses_what_is_neither(client_for: Callable[[str], Client]) -> None:
    """``?archived=null`` is a 400 that says what to write, not the unfiltered list."""
    client = client_for("thuongtruc")
    with translation.override("vi"):
        refused = client.get("/api/v1/sites/?archived=null", HTTP_ACCEPT_LANGUAGE="vi")
    assert refused.status_code == 400
    assert "true" in refused.content.decode() and "false" in refused.content.decode()
    kept = client.get("/api/v1/sites/?archived=false").json()["results"]
    every = client.get("/api/v1/sites/").json()["results"]
    assert kept and all(not site["archived"] for site in kept) and len(every) >= len(kept)
    assert client.get("/api/v1/plans/?revision_required=maybe").status_code == 400
