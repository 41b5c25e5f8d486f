"""The 5 × 5 risk matrix on the risk register: counts per cell of the sites the user
sees (likelihood from threat × vulnerability, consequence), each cell a link to the
register narrowed to its sites."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from vigil.sites import demo
from vigil.sites.queries import likelihood_of, matrix_band

pytestmark = pytest.mark.django_db


def _counts(client: Client, query: dict[str, str] | None = None) -> dict[tuple[int, int], int]:
    response = client.get("/sites/risks/", query or {})
    assert response.status_code == 200
    return {(c.likelihood, c.consequence): c.count
            for _, cells in response.context["matrix"] for c in cells if c.count}  # fmt: skip


def test_likelihood_is_the_rounded_geometric_mean_of_threat_and_vulnerability() -> None:
    assert [likelihood_of(t * v) for t, v in ((1, 1), (1, 2), (3, 1), (2, 3), (3, 3), (3, 4),
                                              (4, 4), (5, 4), (5, 5))] == [1, 1, 2, 2, 3, 3, 4, 4, 5]  # fmt: skip
    assert (matrix_band(2, 2), matrix_band(1, 5), matrix_band(3, 4), matrix_band(3, 5)) == (
        "low", "medium", "medium", "high")  # fmt: skip


def test_the_standing_office_sees_every_demo_site_in_its_cell(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("thuongtruc")
    # Latest assessments: seaport 4·3·5 and airport 3·3·5 → (3, 5); border 4·4·4 → (4, 4);
    # market 3·4·3 → (3, 3); mine 2·3·3 → (2, 3).
    assert _counts(client) == {(3, 5): 2, (4, 4): 1, (3, 3): 1, (2, 3): 1}
    body = client.get("/sites/risks/").content.decode()
    assert "<caption>" in body and 'href="?likelihood=3&amp;consequence=5"' in body
    assert 'class="matrix-cell band-high' in body
    # The cell's link lists its sites and no other.
    narrowed = client.get("/sites/risks/", {"likelihood": "3", "consequence": "5"})
    text = narrowed.content.decode()
    assert demo.SEAPORT in text and demo.AIRPORT in text and demo.BORDER_GATE not in text
    # Nonsense is no filter: the whole register.
    whole = client.get("/sites/risks/", {"likelihood": "9", "consequence": "x"}).content.decode()
    assert demo.BORDER_GATE in whole and demo.SEAPORT in whole


def test_a_commune_counts_only_its_own_sites(client_for: Callable[[str], Client]) -> None:
    assert _counts(client_for("xa_a")) == {(3, 5): 1}  # the airport
    xa_b = client_for("xa_b")
    assert (3, 5) not in _counts(xa_b)  # xa_a's airport is not counted
    body = xa_b.get("/sites/risks/", {"likelihood": "3", "consequence": "5"}).content.decode()
    assert demo.AIRPORT not in body
