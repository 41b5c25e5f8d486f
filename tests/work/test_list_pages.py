"""The work lists are paged like the task list: plans, meetings, incoming and issued
documents, report obligations and reports due. One row per page here, so the demo's
few rows make several pages."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from tests.work.helpers import SEED, province
from vigil.work.documents import views as document_views
from vigil.work.obligations import views as obligation_views
from vigil.work.records import services as record_services
from vigil.work.records import views as records_views

pytestmark = pytest.mark.django_db
Clients = Callable[[str], Client]


def _links(page: str, pattern: str) -> list[str]:
    return re.findall(pattern, page)


def _pages(client: Client, url: str, pattern: str) -> list[list[str]]:
    """Each page's row links, following the pager's "next" link to the end."""
    seen: list[list[str]] = []
    next_url: str | None = url
    while next_url is not None and len(seen) < 50:
        response = client.get(next_url)
        assert response.status_code == 200
        page = response.content.decode()
        seen.append(_links(page, pattern))
        found = re.search(r'<a href="(\?[^"]*page=\d+)">Trang sau</a>', page)
        next_url = url + found.group(1).replace("&amp;", "&") if found else None
    return seen


@pytest.mark.parametrize(
    ("url", "pattern", "module"),
    [
        ("/work/plans/", r'href="/work/plans/(\d+)/"', records_views),
        ("/work/meetings/", r'href="/work/meetings/(\d+)/"', records_views),
        ("/work/incoming/", r'href="/work/incoming/(\d+)/"', document_views),
        ("/work/documents/", r'href="/work/documents/(\d+)/"', document_views),
        ("/work/reports/", r'href="/work/reports/(\d+)/"', obligation_views),
    ],
)
def test_a_work_list_is_paged_and_every_row_is_on_one_page(
    url: str, pattern: str, module: object, client_for: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_services.create_work_plan(province(), year=2030, title="Kế hoạch năm 2030", actor=SEED)
    client = client_for("thuongtruc")
    everything = _links(client.get(url).content.decode(), pattern)
    assert len(everything) >= 2, "the demo gives at least two rows"
    monkeypatch.setattr(module, "PAGE", 1)
    pages = _pages(client, url, pattern)
    assert [len(p) for p in pages] == [1] * len(everything)
    assert sorted(row for page in pages for row in page) == sorted(everything)
    assert 'class="pager"' in client.get(url).content.decode()


def test_reports_due_are_paged_with_the_recent_ones_on_the_first_page(
    client_for: Clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for("xa_b")
    pattern = r'href="/work/reports/submissions/(\d+)/"'
    first = client.get("/work/reports/due/").content.decode()
    due = first[: first.index("<h2>")]
    everything = _links(due, pattern)
    assert len(everything) >= 2, "commune B is late with more than one demo report"
    monkeypatch.setattr(obligation_views, "PAGE", 1)
    pages = []
    for n in range(1, len(everything) + 1):
        page = client.get(f"/work/reports/due/?page={n}").content.decode()
        head = page[: page.index("<h2>")] if "<h2>" in page else page
        pages.append(_links(head, pattern))
        assert ("<h2>" in page) == (n == 1)  # "recently sent" under the first page only
    assert [len(p) for p in pages] == [1] * len(everything)
    assert [row for page in pages for row in page] == everything
